from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "pmo.communications"
    label = "communications"
    verbose_name = "pmo communications"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
