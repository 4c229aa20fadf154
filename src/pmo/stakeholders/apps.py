from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "pmo.stakeholders"
    label = "stakeholders"
    verbose_name = "pmo stakeholders"

    def ready(self):
        from pmo.portfolio.selectors import OVERVIEW_PANELS

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .selectors import overdue_panel

        OVERVIEW_PANELS.append(overdue_panel)  # the user's overdue engagement actions on the portfolio overview

        from . import events

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
