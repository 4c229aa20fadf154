from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "pmo.quality"
    label = "quality"
    verbose_name = "pmo quality"

    def ready(self):
        from pmo.change.services import ACCEPTANCE_GUARDS
        from pmo.documents.registry import register
        from pmo.portfolio.selectors import OVERVIEW_PANELS

        from . import notices, policies  # noqa: F401 - policies registers the app's policies (policy_for)
        from .models import Acceptance, NonConformance, QualityReview
        from .selectors import overdue_panel
        from .services import acceptance_guard

        OVERVIEW_PANELS.append(overdue_panel)  # the user's overdue corrective actions on the portfolio overview
        # evidence: review records and non-conformance reports are attached where they belong
        register("quality_review", QualityReview, scope=lambda r: (r.plan.program, r.plan.project))
        register("nonconformance", NonConformance, scope=lambda n: (n.plan.program, n.plan.project))
        register("acceptance", Acceptance, scope=lambda a: (a.deliverable.project.program, a.deliverable.project))
        ACCEPTANCE_GUARDS.append(acceptance_guard)  # no deliverable is accepted past a failed mandatory criterion
        notices.register()  # "non-conformance assigned", "corrective action overdue", the iCal feed's actions
