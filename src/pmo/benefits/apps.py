from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "pmo.benefits"
    label = "benefits"
    verbose_name = "pmo benefits"

    def ready(self):
        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
