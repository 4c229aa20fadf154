from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "pmo.closure"
    label = "closure"
    verbose_name = "pmo closure"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
