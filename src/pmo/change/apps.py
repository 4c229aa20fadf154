from django.apps import AppConfig


class ChangeConfig(AppConfig):
    name = "pmo.change"
    label = "change"
    verbose_name = "pmo change control"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
