"""What the RAID log notifies (pmo.notifications) and puts in the personal calendar.

- ``raid.action_assigned``: a risk action is given to you (within two days of the change that made you owner);
- ``raid.action_overdue``: a risk action of yours passed its due date and is not done;
- ``raid.escalation``: a risk or issue was escalated to your level (the program's Program Managers, or its
  Steering Committee), while the escalation is open.
Each is notified once per recipient and dedupe key (the action and owner, the action and due date, the escalation).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pmo.accounts.models import Role
from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, FeedItem, register_feed_source, register_kind, register_provider
from pmo.notifications.services import role_holders

from .models import OPEN_ISSUE_STATUSES, Escalation, EscalationLevel, EscalationStatus, RiskAction
from .policies import action_policy, issue_policy

#: how far back a change still counts as news (an action assigned, an escalation raised)
RECENT = timedelta(days=2)
LIMIT = 2000  # rows per provider and tick


def provide(now):
    today = timezone.localdate(now)
    open_actions = RiskAction.objects.filter(done=False, owner__isnull=False).select_related("risk")
    for action in open_actions.filter(updated_at__gte=now - RECENT).order_by("pk")[:LIMIT]:
        yield Event(kind="raid.action_assigned", recipients=[action.owner_id],
                    subject=f"Risk action assigned to you: {action.description[:120]}",
                    body=f"Risk {action.risk.ref} {action.risk.title}\nDue: {action.due or 'no date'}",
                    url=action.get_absolute_url(), dedupe_key=f"riskaction:{action.pk}:owner:{action.owner_id}",
                    program=action.risk.program_id, project=action.risk.project_id)
    for action in open_actions.filter(due__lt=today).order_by("due", "pk")[:LIMIT]:
        yield Event(kind="raid.action_overdue", recipients=[action.owner_id],
                    subject=f"Risk action overdue since {action.due:%d %b %Y}: {action.description[:120]}",
                    body=f"Risk {action.risk.ref} {action.risk.title}", url=action.get_absolute_url(),
                    dedupe_key=f"riskaction:{action.pk}:overdue:{action.due.isoformat()}",
                    program=action.risk.program_id, project=action.risk.project_id)
    escalations = (Escalation.objects.filter(status=EscalationStatus.OPEN, escalated_at__gte=now - RECENT)
                   .select_related("risk", "issue", "escalated_by").order_by("pk")[:LIMIT])
    for escalation in escalations:
        role = Role.STEERING_COMMITTEE if escalation.to_level == EscalationLevel.STEERING else Role.PROGRAM_MANAGER
        item = escalation.risk or escalation.issue
        yield Event(kind="raid.escalation", recipients=role_holders(role, program=escalation.program_id),
                    subject=f"Escalated to the {escalation.get_to_level_display().lower()}: "
                            f"{item.ref} {item.title}"[:200],
                    body=f"Escalated by {escalation.escalated_by.display_name if escalation.escalated_by else 'pmo'}: "
                         f"{escalation.reason}", url=escalation.get_absolute_url(),
                    dedupe_key=f"escalation:{escalation.pk}", program=escalation.program_id)


def feed(user, start, end):
    """Your risk actions and issues with a due date, open, in scope."""
    actions = (action_policy.visible(user).filter(owner=user, done=False, due__range=(start, end))
               .select_related("risk").order_by("due", "pk"))
    for action in actions:
        yield FeedItem(uid=f"raid-action-{action.pk}", summary=f"Due: {action.description[:150]} ({action.risk.ref})",
                       start=action.due, url=action.get_absolute_url(), categories=("Risk action",))
    issues = (issue_policy.visible(user).filter(owner=user, due__range=(start, end), status__in=OPEN_ISSUE_STATUSES)
              .order_by("due", "pk"))
    for issue in issues:
        yield FeedItem(uid=f"raid-issue-{issue.pk}", summary=f"Issue due: {issue.ref} {issue.title}"[:250],
                       start=issue.due, url=issue.get_absolute_url(), categories=("Issue",))


def register() -> None:
    register_kind("raid.action_assigned", "A risk action is assigned to you", default=Channel.EMAIL)
    register_kind("raid.action_overdue", "A risk action of yours is overdue", default=Channel.EMAIL)
    register_kind("raid.escalation", "A risk or issue is escalated to you", default=Channel.EMAIL,
                  description="Program Managers for escalations to the program, the Steering Committee above")
    register_provider("raid", provide)
    register_feed_source("raid.due", feed)
