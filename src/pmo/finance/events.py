"""What finance notifies (pmo.notifications).

- ``finance.budget_change_steering``: a budget change beyond the program's cost tolerance waits for the Steering
  Committee (of the program; the PMO Director for the PMO's own budget): told once per change while it waits.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, register_kind, register_provider
from pmo.notifications.services import role_holders

from .models import BudgetChange, ChangeStatus

LIMIT = 2000


def provide(now):
    changes = (BudgetChange.objects.filter(status=ChangeStatus.AWAITING_STEERING)
               .select_related("budget__program", "budget__project__program", "created_by").order_by("pk")[:LIMIT])
    for change in changes:
        budget = change.budget
        program = budget.program or (budget.project.program if budget.project_id else None)
        recipients = (role_holders(Role.STEERING_COMMITTEE, program=program) if program is not None
                      else role_holders(Role.PMO_DIRECTOR))
        yield Event(kind="finance.budget_change_steering", recipients=recipients,
                    subject=f"{budget}: a change of {change.amount:+,.2f} {budget.currency} waits for the "
                            "Steering Committee"[:200],
                    body=f"Asked by {change.created_by.display_name if change.created_by else 'pmo'}: {change.reason}"
                         f"\n{change.rule}", url=change.get_absolute_url(), dedupe_key=f"budgetchange:{change.pk}",
                    program=program.pk if program else None, project=budget.project_id)


def register() -> None:
    register_kind("finance.budget_change_steering", "A budget change waits for the Steering Committee",
                  default=Channel.EMAIL, description="Steering Committee members of the program")
    register_provider("finance", provide)
