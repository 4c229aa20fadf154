from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pmo.finance"
    label = "finance"
    verbose_name = "pmo finance"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
