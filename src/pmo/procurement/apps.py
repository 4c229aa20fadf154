from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "pmo.procurement"
    label = "procurement"
    verbose_name = "pmo procurement"

    def ready(self):
        from pmo.finance.commitments import register_source

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .selectors import open_commitments

        register_source(open_commitments)  # open PO amounts are finance's commitments

        from . import events

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
