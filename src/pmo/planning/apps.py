from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "pmo.planning"
    label = "planning"
    verbose_name = "Planning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            events,
            policies,  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        )

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
