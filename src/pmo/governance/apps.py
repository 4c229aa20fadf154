from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pmo.governance"
    label = "governance"
    verbose_name = "pmo governance"

    def ready(self):
        from pmo.core.views import HISTORY_LINKS
        from pmo.documents.registry import register
        from pmo.portfolio.selectors import OVERVIEW_PANELS
        from pmo.portfolio.services import PHASE_GATEKEEPERS

        from . import notices  # policies registers the app's policies (pmo.core.policies.policy_for)
        from .models import Gate, GateReview
        from .selectors import history_url, waiting_panel
        from .services import _gated

        PHASE_GATEKEEPERS.append(_gated)  # a program or project with gates changes phase only through them
        HISTORY_LINKS.append(history_url)  # the "History" link of every detail page
        OVERVIEW_PANELS.append(waiting_panel)  # decisions waiting for a Steering Committee member
        register("gate", Gate, scope=lambda g: (g.program, g.project), scoped=True)
        register("gate_review", GateReview, scope=lambda r: (r.gate.program, r.gate.project), scoped=True)
        notices.register()  # "gate review coming", "decision waiting for you", gate reviews in the iCal feed
