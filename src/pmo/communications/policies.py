"""Who may see and change communication plans and meetings (README "Roles", docs/architecture.md section 4).

- A program's communication plan is read by everyone who sees the program; it is managed by the PMO Director,
  the PMO Coordinator (portfolio-wide or of the program) and the program's Program Manager. An item's owner
  may also send it.
- A program-level meeting is read by everyone who sees the program, a project meeting by everyone who sees the
  project. Meetings, their attendees, agenda and actions are managed by those who manage the program's plan, and
  a project meeting also by the project's Project Manager.
- A meeting action's owner may update it (its status, mostly) without managing the meeting.
- Analysts and the Steering Committee read.
"""

from __future__ import annotations

from pmo.accounts.models import Role
from pmo.accounts.scopes import scopes_of
from pmo.core.policies import Policy
from pmo.stakeholders.policies import manages_program, sees_program

from .models import AgendaItem, Audience, Communication, Meeting, MeetingAction, MeetingAttendee


def _active(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def sees_meeting_scope(user, program_id: int, project_id: int | None) -> bool:
    if not _active(user):
        return False
    scopes = scopes_of(user)
    if scopes.sees_everything:
        return True
    if project_id is None:
        return program_id in scopes.visible_program_ids()
    return program_id in scopes.program_ids() or project_id in scopes.project_roles


def manages_meetings(user, program_id: int, project_id: int | None = None) -> bool:
    """Director; Coordinator (portfolio-wide or of the program); Program Manager of the program; for a project
    meeting also the project's Project Manager."""
    if manages_program(user, program_id):
        return True
    return project_id is not None and _active(user) and scopes_of(user).has_project_role(
        project_id, Role.PROJECT_MANAGER)


class MeetingScopedPolicy(Policy):
    """Meetings and what hangs from them (``prefix`` leads to the meeting)."""

    actions = ("view", "change", "delete")
    prefix = ""

    def _meeting(self, obj) -> Meeting:
        return obj.meeting

    def visible(self, user, queryset=None):
        queryset = self.model.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        if scopes.sees_everything:
            return queryset
        p = self.prefix
        program_level = queryset.filter(**{f"{p}project__isnull": True,
                                           f"{p}program_id__in": scopes.visible_program_ids()})
        project_level = (queryset.filter(**{f"{p}project__isnull": False, f"{p}program_id__in": scopes.program_ids()})
                         | queryset.filter(**{f"{p}project_id__in": list(scopes.project_roles)}))
        return program_level | project_level

    def can_view(self, user, obj):
        meeting = self._meeting(obj)
        return sees_meeting_scope(user, meeting.program_id, meeting.project_id)

    def can_change(self, user, obj):
        meeting = self._meeting(obj)
        return manages_meetings(user, meeting.program_id, meeting.project_id)

    can_delete = can_change


class MeetingPolicy(MeetingScopedPolicy):
    model = Meeting
    actions = ("view", "change", "delete", "invite")

    def _meeting(self, obj):
        return obj

    def can_invite(self, user, obj):
        """Download the invitation (.ics): everyone who sees the meeting."""
        return self.can_view(user, obj)


class AttendeePolicy(MeetingScopedPolicy):
    model = MeetingAttendee
    prefix = "meeting__"


class AgendaItemPolicy(MeetingScopedPolicy):
    model = AgendaItem
    prefix = "meeting__"


class MeetingActionPolicy(MeetingScopedPolicy):
    model = MeetingAction
    prefix = "meeting__"

    def can_change(self, user, obj):
        """The meeting's managers, and the action's owner (who reports progress on it)."""
        return super().can_change(user, obj) or (obj.owner_id is not None and obj.owner_id == user.pk
                                                 and self.can_view(user, obj))

    def can_delete(self, user, obj):
        return super().can_change(user, obj)


class CommunicationPolicy(Policy):
    model = Communication
    actions = ("view", "change", "delete", "send")

    def visible(self, user, queryset=None):
        queryset = Communication.objects.all() if queryset is None else queryset
        if not _active(user):
            return queryset.none()
        scopes = scopes_of(user)
        return queryset if scopes.sees_everything else queryset.filter(program_id__in=scopes.visible_program_ids())

    def can_view(self, user, obj):
        return sees_program(user, obj.program_id)

    def can_change(self, user, obj):
        return manages_program(user, obj.program_id)

    can_delete = can_change

    def can_send(self, user, obj):
        """Send it now: its managers and its owner."""
        return self.can_change(user, obj) or (obj.owner_id == user.pk and self.can_view(user, obj))


class AudiencePolicy(Policy):
    model = Audience
    actions = ("view", "change", "delete")

    def visible(self, user, queryset=None):
        queryset = Audience.objects.all() if queryset is None else queryset
        return queryset.filter(communication__in=communication_policy.visible(user).values("pk"))

    def can_view(self, user, obj):
        return sees_program(user, obj.communication.program_id)

    def can_change(self, user, obj):
        return manages_program(user, obj.communication.program_id)

    can_delete = can_change


meeting_policy = MeetingPolicy()
attendee_policy = AttendeePolicy()
agenda_item_policy = AgendaItemPolicy()
meeting_action_policy = MeetingActionPolicy()
communication_policy = CommunicationPolicy()
audience_policy = AudiencePolicy()
