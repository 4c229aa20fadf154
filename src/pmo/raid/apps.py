from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "pmo.raid"
    label = "raid"
    verbose_name = "pmo RAID"

    def ready(self):
        from pmo.planning.selectors import TASK_LINKS

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .selectors import issues_of_task, risks_of_task

        TASK_LINKS.extend([("Risks", risks_of_task), ("Issues", issues_of_task)])

        from . import events

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
