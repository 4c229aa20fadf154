from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "pmo.finance"
    label = "finance"
    verbose_name = "pmo finance"

    def ready(self):
        from . import (
            events,
            policies,  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        )

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
