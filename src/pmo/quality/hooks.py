"""The link of criteria, reviews and non-conformances to the change app's deliverables (one place): a deliverable
id in a request is the deliverable only when the actor sees it and it is in the plan's scope; a review of a
deliverable assesses that deliverable's criteria."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from pmo.change.policies import deliverable_policy

#: the writable deliverable field of criteria, reviews and non-conformances
CRITERION_EXTRA: tuple[str, ...] = ("deliverable",)
REVIEW_EXTRA: tuple[str, ...] = ("deliverable",)
NC_EXTRA: tuple[str, ...] = ("deliverable",)


def deliverables_in_scope(actor, plan):
    """The deliverables of the plan's scope the actor sees (a project plan: its project's; a program plan: those
    of the program's projects)."""
    rows = deliverable_policy.visible(actor).select_related("project")
    return rows.filter(project_id=plan.project_id) if plan.project_id else rows.filter(
        project__program_id=plan.program_id)


def _deliverable(actor, plan, fields: dict) -> None:
    value = fields.get("deliverable")
    if value is None:
        return
    pk = value.pk if hasattr(value, "pk") else value
    found = deliverables_in_scope(actor, plan).filter(pk=pk).first() if (
        isinstance(pk, int) and not isinstance(pk, bool)) else None
    if found is None:
        raise ValidationError({"deliverable": f"no deliverable with id {pk} in the scope of {plan.ref}"})
    fields["deliverable"] = found


criterion_references = review_references = nc_references = _deliverable


def criteria_for_review(review, queryset):
    return queryset.filter(deliverable_id=review.deliverable_id) if review.deliverable_id else queryset
