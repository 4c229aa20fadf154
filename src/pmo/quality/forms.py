from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .hooks import deliverables_in_scope
from .models import (
    AcceptanceDecision,
    CorrectiveAction,
    NonConformance,
    QualityCriterion,
    QualityPlan,
    QualityReview,
    QualityRole,
)
from .services import ACTION_FIELDS, CRITERION_FIELDS, NC_FIELDS, PLAN_FIELDS, REVIEW_FIELDS, ROLE_FIELDS

TEXT = forms.Textarea(attrs={"rows": 3})


class PlanForm(VersionedForm):
    class Meta:
        model = QualityPlan
        fields = list(PLAN_FIELDS)
        widgets = {"standards": TEXT, "approach": TEXT}


class RoleForm(VersionedForm):
    class Meta:
        model = QualityRole
        fields = list(ROLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_for_choice()
        self.fields["user"].label = "Person"


class ScopedForm(VersionedForm):
    """A form of a plan's record: its deliverable is one of the plan's scope the user sees."""

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliverable"].queryset = deliverables_in_scope(user, plan).order_by("project__code", "code",
                                                                                        "pk")
        self.fields["deliverable"].empty_label = "none (the plan's whole scope)"


class CriterionForm(ScopedForm):
    class Meta:
        model = QualityCriterion
        fields = ["deliverable", *CRITERION_FIELDS]
        widgets = {"description": TEXT}


class ReviewForm(ScopedForm):
    class Meta:
        model = QualityReview
        fields = ["deliverable", *REVIEW_FIELDS]
        widgets = {"planned_on": DATE, "summary": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = users_for_choice()
        self.fields["deliverable"].help_text = "a review of a deliverable assesses that deliverable's criteria"
        # held is reached by recording results, never chosen here
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [(v, label) for v, label in self.fields["status"].choices
                                         if v != "held" or current == "held"]


class NonConformanceForm(ScopedForm):
    class Meta:
        model = NonConformance
        fields = [*NC_FIELDS[:7], "deliverable", *NC_FIELDS[7:]]
        widgets = {"detected_on": DATE, "description": TEXT, "root_cause": TEXT}

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, plan=plan, user=user, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        self.fields["owner"].label = "Assigned to"
        self.fields["criterion"].queryset = plan.criteria.order_by("pk")
        self.fields["review"].queryset = plan.reviews.order_by("planned_on", "pk")
        self.fields["detected_on"].required = False
        self.fields["rework_hours"].required = False

    def changes(self) -> dict:
        changes = super().changes()
        if changes.get("detected_on") is None:
            changes.pop("detected_on", None)
        if changes.get("rework_hours") is None:
            changes.pop("rework_hours", None)
        return changes


class ActionForm(VersionedForm):
    class Meta:
        model = CorrectiveAction
        fields = list(ACTION_FIELDS)
        widgets = {"due": DATE, "done_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        self.fields["done_on"].help_text = "set to today when marked done without a date"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=AcceptanceDecision.choices, widget=forms.RadioSelect)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3,
                                                                                        "class": "form-control"}),
                           help_text="why; attach the evidence documents to the decision record afterwards")
