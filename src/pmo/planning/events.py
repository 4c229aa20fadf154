"""What planning puts in the personal iCal feed (pmo.notifications): the milestones of the projects you see."""

from __future__ import annotations

from pmo.notifications.registry import FeedItem, register_feed_source

from .policies import task_policy


def feed(user, start, end):
    milestones = (task_policy.visible(user).filter(is_milestone=True, finish__range=(start, end))
                  .select_related("project").order_by("finish", "pk"))
    for task in milestones:
        yield FeedItem(uid=f"milestone-{task.pk}", summary=f"◆ {task.project.code}: {task.name}"[:250],
                       start=task.finish, url=task.get_absolute_url(), categories=("Milestone",),
                       description=f"Project {task.project.code} {task.project.name}")


def register() -> None:
    register_feed_source("planning.milestones", feed)
