from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "pmo.documents"
    label = "documents"
    verbose_name = "pmo documents"

    def ready(self):
        from pmo.portfolio.models import Program, Project

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .registry import register

        register("program", Program, scope=lambda p: (p, None), scoped=True)
        register("project", Project, scope=lambda p: (p.program, p), scoped=True)

        from . import events

        events.register()  # notification kinds, time-based events and calendar entries (pmo.notifications)
