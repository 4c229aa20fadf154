from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "pmo.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio, programs and projects"

    def ready(self):
        from pmo.core.policies import WRITE_GUARDS

        from . import archive, policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)

        if archive.refusal not in WRITE_GUARDS:
            WRITE_GUARDS.append(archive.refusal)  # archived projects and programs are read-only everywhere
