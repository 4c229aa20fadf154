"""Change control's notification (pmo.notifications, a layer below): an assessed request within the program's
tolerances waits for its Program Managers. Beyond them it waits for the Steering Committee, which governance's
"A decision waits for you" tells."""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.notifications import registry
from pmo.notifications.models import Channel
from pmo.notifications.services import notify, role_holders

APPROVAL_WAITING = "change.approval_waiting"


def register() -> None:
    registry.register_kind(APPROVAL_WAITING, "A change request waits for your approval",
                           default=Channel.EMAIL,
                           description="Program Managers of the program, for requests within its tolerances")


def approval_waiting(change_request, assessment) -> None:
    """Tell the program's Program Managers, once per assessment (a re-assessment after the plan moved asks again)."""
    program = change_request.program
    notify(kind=APPROVAL_WAITING, recipients=role_holders(Role.PROGRAM_MANAGER, program=program),
           subject=f"Waiting for your approval: {change_request.ref} {change_request.title}"[:200],
           body=f"Within the tolerances of {program.code}: {assessment.schedule_delta_days} working days, "
                f"{assessment.cost_delta_pct} % of the budget at completion.",
           url=change_request.get_absolute_url(), dedupe_key=f"{change_request.ref}:{assessment.pk}",
           program=program)
