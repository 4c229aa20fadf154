from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pmo.notifications"
    label = "notifications"
    verbose_name = "pmo notifications"

    def ready(self):
        from pmo.core.jobs import ON_SERVE

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .tasks import start_ticking

        ON_SERVE.append(start_ticking)  # `pmo serve` starts the periodic tick beside its worker
