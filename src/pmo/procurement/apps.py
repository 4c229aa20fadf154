from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "pmo.procurement"
    label = "procurement"
    verbose_name = "pmo procurement"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
