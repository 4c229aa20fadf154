from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "pmo.resources"
    label = "resources"
    verbose_name = "pmo resources"

    def ready(self):
        from pmo.planning.selectors import TASK_LINKS

        from . import policies  # noqa: F401 - registers the app's policies (pmo.core.policies.policy_for)
        from .selectors import assignments_of_task

        TASK_LINKS.append(("Resources", assignments_of_task))
