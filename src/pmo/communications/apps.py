from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "pmo.communications"
    label = "communications"
    verbose_name = "pmo communications"

    def ready(self):
        from pmo.portfolio.selectors import OVERVIEW_PANELS

        from . import (
            notify,
            policies,  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        )
        from .selectors import overdue_panel

        OVERVIEW_PANELS.append(overdue_panel)  # the user's overdue communications and meeting actions
        notify.register()  # notification kinds, the periodic provider (sending), the iCal feed source
