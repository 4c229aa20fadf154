from __future__ import annotations

from django import forms

from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import EngagementAction, EngagementAssessment, Stakeholder, StakeholderGroup
from .services import ACTION_FIELDS, ASSESSMENT_FIELDS, GROUP_FIELDS, STAKEHOLDER_FIELDS

TEXT = forms.Textarea(attrs={"rows": 3})


class StakeholderForm(VersionedForm):
    class Meta:
        model = Stakeholder
        fields = [f for f in STAKEHOLDER_FIELDS]
        widgets = {"notes": TEXT}

    def __init__(self, *args, program, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = "the whole program"
        self.fields["group"].queryset = StakeholderGroup.objects.filter(program=program).order_by("name")
        self.fields["owner"].queryset = users_for_choice()
        self.fields["owner"].label = "Relationship owner"
        self.fields["interest"].help_text = "1 very low .. 5 very high"
        self.fields["influence"].help_text = "power to affect the program, 1 very low .. 5 very high"


class GroupForm(VersionedForm):
    class Meta:
        model = StakeholderGroup
        fields = list(GROUP_FIELDS)
        widgets = {"description": TEXT}


class AssessmentForm(VersionedForm):
    class Meta:
        model = EngagementAssessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {"date": DATE, "note": TEXT}


class ActionForm(VersionedForm):
    class Meta:
        model = EngagementAction
        fields = list(ACTION_FIELDS)
        widgets = {"due": DATE, "note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        self.fields["status"].required = False
