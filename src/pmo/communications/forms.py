from __future__ import annotations

from django import forms

from pmo.accounts.models import Role
from pmo.accounts.selectors import users_for_choice
from pmo.portfolio.forms import DATE, VersionedForm

from .models import AgendaItem, Communication, Meeting, MeetingAction
from .services import ACTION_FIELDS, AGENDA_FIELDS, COMMUNICATION_FIELDS, MEETING_FIELDS

TEXT = forms.Textarea(attrs={"rows": 3})
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(VersionedForm):
    starts_at = forms.DateTimeField(label="Starts", widget=WHEN, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text="the first (or only) occurrence, in the site's time zone")

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        widgets = {"until": DATE, "purpose": TEXT, "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = users_for_choice()
        self.fields["status"].required = False
        self.fields["recurrence"].required = False
        self.fields["interval"].required = False
        if not self.instance.pk:
            del self.fields["minutes"]
            del self.fields["status"]

    def changes(self) -> dict:
        changes = super().changes()
        if not changes.get("status"):
            changes.pop("status", None)
        if changes.get("interval") is None:
            changes["interval"] = 1
        return changes


class AgendaItemForm(VersionedForm):
    class Meta:
        model = AgendaItem
        fields = list(AGENDA_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = users_for_choice()
        self.fields["order"].required = False

    def changes(self) -> dict:
        changes = super().changes()
        if changes.get("order") is None:
            changes.pop("order", None)
        return changes


class ActionForm(VersionedForm):
    class Meta:
        model = MeetingAction
        fields = list(ACTION_FIELDS)
        widgets = {"due": DATE, "note": TEXT}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()
        self.fields["agenda_item"].queryset = meeting.agenda.order_by("order", "pk")
        self.fields["agenda_item"].empty_label = "the meeting as a whole"
        self.fields["status"].required = False

    def changes(self) -> dict:
        changes = super().changes()
        if not changes.get("status"):
            changes.pop("status", None)
        return changes


class ActionStatusForm(VersionedForm):
    """What an action's owner may change."""

    class Meta:
        model = MeetingAction
        fields = ["status", "note"]
        widgets = {"note": TEXT}


class AttendeeForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, required=False, label="User")
    stakeholder = forms.ModelChoiceField(queryset=None, required=False, label="Stakeholder")
    optional = forms.BooleanField(required=False, label="Optional attendee")

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_for_choice()
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["user"].widget.attrs["class"] = "form-select"
        self.fields["stakeholder"].widget.attrs["class"] = "form-select"
        self.fields["optional"].widget.attrs["class"] = "form-check-input"


class CommunicationForm(VersionedForm):
    class Meta:
        model = Communication
        fields = list(COMMUNICATION_FIELDS)
        widgets = {"next_due": DATE, "purpose": TEXT, "body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_for_choice()


class AudienceForm(forms.Form):
    stakeholder = forms.ModelChoiceField(queryset=None, required=False, label="Stakeholder")
    group = forms.ModelChoiceField(queryset=None, required=False, label="Stakeholder group")
    role = forms.ChoiceField(choices=[("", "—"), *Role.choices], required=False, label="Role")

    def __init__(self, *args, stakeholders, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = stakeholders
        self.fields["group"].queryset = groups
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
