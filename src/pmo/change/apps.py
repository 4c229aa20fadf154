from django.apps import AppConfig


class ChangeConfig(AppConfig):
    name = "pmo.change"
    label = "change"
    verbose_name = "pmo change control"

    def ready(self):
        from . import notices, policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)

        notices.register()  # "a change request waits for your approval"
