"""Every write of communication plans and meetings: policy check, validation, save and audit in one transaction.

Rules kept here (one place each):
- a meeting belongs to a program and optionally one of its projects (given a project, the program follows);
- a recurring meeting is bounded (a count or an end date, at most MAX_OCCURRENCES occurrences);
- a change to what a calendar shows (time, place, title, recurrence, status) bumps the meeting's SEQUENCE;
- attendees are users who can see the meeting, or stakeholders of its program; agenda subjects are objects the
  actor can see (through their own policy); references the actor cannot see are unknown ids (422);
- agenda items, attendees, actions and audiences per parent are bounded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from pmo.accounts.models import Membership, Role, User
from pmo.accounts.selectors import active_user
from pmo.core.policies import policy_for
from pmo.core.services import create_audited, delete_versioned, update_versioned
from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import program_policy, project_policy
from pmo.stakeholders.models import Stakeholder, StakeholderGroup
from pmo.stakeholders.policies import manages_program

from .models import (
    MAX_ACTIONS,
    MAX_AGENDA_ITEMS,
    MAX_ATTENDEES,
    MAX_AUDIENCE,
    AgendaItem,
    Audience,
    Communication,
    CommunicationChannel,
    CommunicationFrequency,
    CommunicationSend,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingStatus,
)
from .policies import (
    agenda_item_policy,
    attendee_policy,
    audience_policy,
    communication_policy,
    manages_meetings,
    meeting_action_policy,
    meeting_policy,
    sees_meeting_scope,
)

logger = logging.getLogger(__name__)

#: the notification kinds this app registers (apps.py)
KIND_SCHEDULED = "communications.scheduled"
KIND_ACTION_ASSIGNED = "communications.action_assigned"
KIND_ACTION_OVERDUE = "communications.action_overdue"

MEETING_FIELDS = ("kind", "title", "purpose", "location", "starts_at", "duration_minutes", "recurrence", "interval",
                  "count", "until", "organizer", "status", "minutes")
AGENDA_FIELDS = ("order", "title", "presenter", "duration_minutes", "notes")
ACTION_FIELDS = ("agenda_item", "description", "owner", "due", "status", "note")
COMMUNICATION_FIELDS = ("title", "purpose", "channel", "frequency", "owner", "next_due", "subject", "body",
                        "automatic")


def _unknown_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user(fields: dict, name: str) -> None:
    if name in fields and fields[name] is not None:
        pk = _pk(fields[name])
        fields[name] = active_user(pk if _is_id(pk) else -1, field=name)


def user_sees_meeting(user: User, meeting: Meeting) -> bool:
    return sees_meeting_scope(user, meeting.program_id, meeting.project_id)


# --- meetings ---------------------------------------------------------------------------------------

def _scope(actor, program, project) -> tuple[Program, Project | None]:
    if project is not None:
        found = project_policy.visible(actor).select_related("program").filter(pk=_pk(project)).first()
        if found is None:
            raise ValidationError({"project": f"no project with id {_pk(project)}"})
        if program is not None and _pk(program) != found.program_id:
            raise ValidationError({"project": f"{found.code} belongs to another program"})
        return found.program, found
    if program is None:
        raise ValidationError({"program": "give the program or the project of the meeting"})
    found = program_policy.visible(actor).filter(pk=_pk(program)).first()
    if found is None:
        raise ValidationError({"program": f"no program with id {_pk(program)}"})
    return found, None


def meeting_create(*, actor, program: Program | None = None, project: Project | None = None,
                   attendee_users=(), attendee_stakeholders=(), **fields) -> Meeting:
    """Schedule a meeting of a program (or of one of its projects) and invite its attendees."""
    _unknown_fields(fields, MEETING_FIELDS)
    program, project = _scope(actor, program, project)
    if not manages_meetings(actor, program.pk, project.pk if project else None):
        raise PermissionDenied(f"you may not schedule meetings of {(project or program).code}")
    _user(fields, "organizer")
    fields.setdefault("organizer", actor if getattr(actor, "pk", None) else None)
    if len(attendee_users) + len(attendee_stakeholders) > MAX_ATTENDEES:
        raise ValidationError({"attendees": f"at most {MAX_ATTENDEES} attendees per meeting"})
    with transaction.atomic():
        meeting = create_audited(actor=actor, obj=Meeting(program=program, project=project, **fields))
        for user in attendee_users:
            _attendee_add(actor, meeting, user=user)
        for stakeholder in attendee_stakeholders:
            _attendee_add(actor, meeting, stakeholder=stakeholder)
    return meeting


def meeting_update(*, actor, meeting: Meeting, expected_version: int, **changes) -> Meeting:
    """Change a meeting; a change to what its invitation shows bumps its SEQUENCE (in the same update)."""
    _unknown_fields(changes, MEETING_FIELDS)
    meeting_policy.require(actor, "change", meeting)
    _user(changes, "organizer")
    if any(name in changes and getattr(meeting, name) != changes[name] for name in Meeting.schedule_fields):
        changes["sequence"] = meeting.sequence + 1
    return update_versioned(actor=actor, obj=meeting, changes=changes, expected_version=expected_version)


def meeting_cancel(*, actor, meeting: Meeting, expected_version: int) -> Meeting:
    return meeting_update(actor=actor, meeting=meeting, expected_version=expected_version,
                          status=MeetingStatus.CANCELLED)


def meeting_delete(*, actor, meeting: Meeting, expected_version: int) -> None:
    meeting_policy.require(actor, "delete", meeting)
    delete_versioned(actor=actor, obj=meeting, expected_version=expected_version)


# --- attendees --------------------------------------------------------------------------------------

def _attendee_add(actor, meeting: Meeting, *, user=None, stakeholder=None, optional: bool = False):
    if (user is None) == (stakeholder is None):
        raise ValidationError({"attendee": "give a user or a stakeholder"})
    if meeting.attendees.count() >= MAX_ATTENDEES:
        raise ValidationError({"attendee": f"at most {MAX_ATTENDEES} attendees per meeting"})
    if user is not None:
        pk = _pk(user)
        found = active_user(pk if _is_id(pk) else -1, field="user")
        if not user_sees_meeting(found, meeting):
            raise ValidationError({"user": f"{found.display_name} cannot open meetings of "
                                           f"{(meeting.project or meeting.program).code}: invite them as a "
                                           f"stakeholder, or give them a role first"})
        if meeting.attendees.filter(user=found).exists():
            raise ValidationError({"user": f"{found.display_name} is already invited"})
        row = MeetingAttendee(meeting=meeting, user=found, optional=optional)
    else:
        pk = _pk(stakeholder)
        found = (Stakeholder.objects.filter(pk=pk, program_id=meeting.program_id).first() if _is_id(pk) else None)
        if found is None:
            raise ValidationError({"stakeholder": f"no stakeholder with id {pk} in {meeting.program.code}"})
        if meeting.attendees.filter(stakeholder=found).exists():
            raise ValidationError({"stakeholder": f"{found.name} is already invited"})
        row = MeetingAttendee(meeting=meeting, stakeholder=found, optional=optional)
    return create_audited(actor=actor, obj=row)


def _touch(actor, meeting: Meeting) -> None:
    """The invitation changed (attendees, agenda): bump SEQUENCE without making the meeting's ETag stale."""
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)


def attendee_add(*, actor, meeting: Meeting, user=None, stakeholder=None, optional: bool = False) -> MeetingAttendee:
    meeting_policy.require(actor, "change", meeting, "you may not invite people to this meeting")
    with transaction.atomic():
        row = _attendee_add(actor, meeting, user=user, stakeholder=stakeholder, optional=optional)
        _touch(actor, meeting)
    return row


def attendee_remove(*, actor, attendee: MeetingAttendee, expected_version: int) -> None:
    attendee_policy.require(actor, "delete", attendee)
    with transaction.atomic():
        delete_versioned(actor=actor, obj=attendee, expected_version=expected_version)
        _touch(actor, attendee.meeting)


# --- agenda -----------------------------------------------------------------------------------------

def _subject(actor, subject):
    """``subject`` (any model instance the actor can see) as (content type, id)."""
    if subject is None:
        return None, None
    policy = policy_for(subject)
    if policy is not None and not policy.can(actor, "view", subject):
        raise ValidationError({"subject": f"no {subject._meta.verbose_name} with id {subject.pk}"})
    return ContentType.objects.get_for_model(subject), subject.pk


def agenda_item_add(*, actor, meeting: Meeting, title: str, subject=None, **fields) -> AgendaItem:
    """Add an item to the meeting's agenda (at the end unless ``order`` is given); ``subject`` is any object the
    actor can see (a gate review, a change request...), which the item links to."""
    fields = {"title": title, **fields}
    _unknown_fields(fields, AGENDA_FIELDS)
    meeting_policy.require(actor, "change", meeting, "you may not change this meeting's agenda")
    _user(fields, "presenter")
    subject_type, subject_id = _subject(actor, subject)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.agenda.count() >= MAX_AGENDA_ITEMS:
            raise ValidationError({"agenda": f"at most {MAX_AGENDA_ITEMS} agenda items per meeting"})
        if fields.get("order") is None:
            fields["order"] = (locked.agenda.aggregate(last=Max("order"))["last"] or 0) + 1
        item = create_audited(actor=actor, obj=AgendaItem(meeting=locked, subject_type=subject_type,
                                                          subject_id=subject_id, **fields))
        _touch(actor, meeting)
    return item


def agenda_item_update(*, actor, item: AgendaItem, expected_version: int, **changes) -> AgendaItem:
    _unknown_fields(changes, AGENDA_FIELDS)
    agenda_item_policy.require(actor, "change", item)
    _user(changes, "presenter")
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=item, changes=changes, expected_version=expected_version)
        if {"order", "title"} & set(changes):
            _touch(actor, item.meeting)
    return saved


def agenda_item_delete(*, actor, item: AgendaItem, expected_version: int) -> None:
    agenda_item_policy.require(actor, "delete", item)
    with transaction.atomic():
        delete_versioned(actor=actor, obj=item, expected_version=expected_version)
        _touch(actor, item.meeting)


# --- actions ----------------------------------------------------------------------------------------

def _action_references(meeting: Meeting, fields: dict) -> None:
    _user(fields, "owner")
    if fields.get("owner") is not None and not user_sees_meeting(fields["owner"], meeting):
        raise ValidationError({"owner": f"{fields['owner'].display_name} cannot open this meeting"})
    if fields.get("agenda_item") is not None:
        pk = _pk(fields["agenda_item"])
        found = meeting.agenda.filter(pk=pk).first() if _is_id(pk) else None
        if found is None:
            raise ValidationError({"agenda_item": f"no agenda item with id {pk} in this meeting"})
        fields["agenda_item"] = found


def action_create(*, actor, meeting: Meeting, **fields) -> MeetingAction:
    """Record an action agreed in the meeting; its owner is told (notifications, when installed)."""
    _unknown_fields(fields, ACTION_FIELDS)
    meeting_policy.require(actor, "change", meeting, "you may not record actions of this meeting")
    _action_references(meeting, fields)
    if meeting.actions.count() >= MAX_ACTIONS:
        raise ValidationError({"meeting": f"at most {MAX_ACTIONS} actions per meeting"})
    with transaction.atomic():
        action = create_audited(actor=actor, obj=MeetingAction(meeting=meeting, **fields))
        if action.owner_id:
            _assigned(actor, action)
    return action


def action_update(*, actor, action: MeetingAction, expected_version: int, **changes) -> MeetingAction:
    """Change an action; its owner may change only its status and note."""
    _unknown_fields(changes, ACTION_FIELDS)
    meeting_action_policy.require(actor, "change", action)
    if not manages_meetings(actor, action.meeting.program_id, action.meeting.project_id):
        beyond = sorted(set(changes) - {"status", "note"})
        if beyond:
            raise PermissionDenied(f"as the action's owner you may change its status and note, not {beyond[0]}")
    _action_references(action.meeting, changes)
    with transaction.atomic():
        saved = update_versioned(actor=actor, obj=action, changes=changes, expected_version=expected_version)
        if saved.owner_id and saved.owner_id != action.owner_id:
            _assigned(actor, saved)
    return saved


def action_delete(*, actor, action: MeetingAction, expected_version: int) -> None:
    meeting_action_policy.require(actor, "delete", action)
    delete_versioned(actor=actor, obj=action, expected_version=expected_version)


def _assigned(actor, action: MeetingAction) -> None:
    """Tell the owner of a newly assigned action (through the notifications app, after commit)."""
    from .notify import action_assigned

    action_assigned(actor, action)


# --- the communication plan ----------------------------------------------------------------------------

def _plan_program(actor, program) -> Program:
    if program is None:
        raise ValidationError({"program": "give the program of the communication"})
    found = program_policy.visible(actor).filter(pk=_pk(program)).first()
    if found is None:
        raise ValidationError({"program": f"no program with id {_pk(program)}"})
    return found


def communication_create(*, actor, program: Program, audiences=(), **fields) -> Communication:
    """Add an item to the program's communication plan; ``audiences`` are dicts with one of ``stakeholder``,
    ``group`` or ``role``."""
    _unknown_fields(fields, COMMUNICATION_FIELDS)
    program = _plan_program(actor, program)
    if not manages_program(actor, program.pk):
        raise PermissionDenied(f"you may not change the communication plan of {program.code}")
    _user(fields, "owner")
    if len(audiences) > MAX_AUDIENCE:
        raise ValidationError({"audiences": f"at most {MAX_AUDIENCE} audiences per communication"})
    with transaction.atomic():
        item = create_audited(actor=actor, obj=Communication(program=program, **fields))
        for audience in audiences:
            _audience_add(actor, item, **audience)
    return item


def communication_update(*, actor, communication: Communication, expected_version: int,
                         **changes) -> Communication:
    _unknown_fields(changes, COMMUNICATION_FIELDS)
    communication_policy.require(actor, "change", communication)
    _user(changes, "owner")
    return update_versioned(actor=actor, obj=communication, changes=changes, expected_version=expected_version)


def communication_delete(*, actor, communication: Communication, expected_version: int) -> None:
    communication_policy.require(actor, "delete", communication)
    delete_versioned(actor=actor, obj=communication, expected_version=expected_version)


def _audience_add(actor, communication: Communication, *, stakeholder=None, group=None, role: str = "") -> Audience:
    given = [name for name, value in (("stakeholder", stakeholder), ("group", group), ("role", role)) if value]
    if len(given) != 1:
        raise ValidationError({"audience": "give exactly one of a stakeholder, a stakeholder group or a role"})
    if communication.audiences.count() >= MAX_AUDIENCE:
        raise ValidationError({"audience": f"at most {MAX_AUDIENCE} audiences per communication"})
    program = communication.program
    row = Audience(communication=communication)
    if stakeholder is not None:
        pk = _pk(stakeholder)
        row.stakeholder = Stakeholder.objects.filter(pk=pk, program=program).first() if _is_id(pk) else None
        if row.stakeholder is None:
            raise ValidationError({"stakeholder": f"no stakeholder with id {pk} in {program.code}"})
        duplicate = communication.audiences.filter(stakeholder=row.stakeholder)
    elif group is not None:
        pk = _pk(group)
        row.group = StakeholderGroup.objects.filter(pk=pk, program=program).first() if _is_id(pk) else None
        if row.group is None:
            raise ValidationError({"group": f"no stakeholder group with id {pk} in {program.code}"})
        duplicate = communication.audiences.filter(group=row.group)
    else:
        if role not in Role.values:
            raise ValidationError({"role": f"must be one of {', '.join(Role.values)}, not {role!r}"})
        row.role = role
        duplicate = communication.audiences.filter(role=role)
    if duplicate.exists():
        raise ValidationError({"audience": f"{row.label} is already an audience of this communication"})
    return create_audited(actor=actor, obj=row)


def audience_add(*, actor, communication: Communication, stakeholder=None, group=None, role: str = "") -> Audience:
    communication_policy.require(actor, "change", communication, "you may not change this communication's audience")
    return _audience_add(actor, communication, stakeholder=stakeholder, group=group, role=role)


def audience_remove(*, actor, audience: Audience, expected_version: int) -> None:
    audience_policy.require(actor, "delete", audience)
    delete_versioned(actor=actor, obj=audience, expected_version=expected_version)


# --- sending --------------------------------------------------------------------------------------------

@dataclass
class Recipients:
    """Who a communication goes to: users (by role; their notification preferences decide the channel) and the
    e-mail addresses of stakeholders (people without an account), with what could not be addressed."""

    users: list[User] = field(default_factory=list)
    addresses: list[tuple[str, str]] = field(default_factory=list)  # (address, stakeholder name)
    without_address: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.users) + len(self.addresses)


def recipients(communication: Communication) -> Recipients:
    """Resolve the audiences (three queries): users holding an audience role over the program, one of its projects
    or the whole portfolio (active, with an address); stakeholders named or in an audience group, by address. An
    address is written to once (a user's address wins over a stakeholder's, so the user's preference holds)."""
    audiences = list(communication.audiences.all())
    roles = {a.role for a in audiences if a.role}
    found = Recipients()
    if roles:
        holders = Membership.objects.filter(role__in=roles).filter(
            Q(program_id=communication.program_id) | Q(project__program_id=communication.program_id)
            | Q(program__isnull=True, project__isnull=True))
        found.users = list(User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
                           .exclude(email="").order_by("username"))
    taken = {u.email.lower() for u in found.users}
    stakeholder_ids = {a.stakeholder_id for a in audiences if a.stakeholder_id}
    group_ids = {a.group_id for a in audiences if a.group_id}
    if stakeholder_ids or group_ids:
        for stakeholder in (Stakeholder.objects.filter(program_id=communication.program_id)
                            .filter(Q(pk__in=stakeholder_ids) | Q(group_id__in=group_ids)).order_by("name", "pk")):
            address = stakeholder.email.strip()
            if not address:
                found.without_address.append(stakeholder.name)
            elif address.lower() not in taken:
                taken.add(address.lower())
                found.addresses.append((address, stakeholder.name))
    return found


def next_due_after(day: date, frequency: str, today: date) -> date | None:
    """The due date after ``day`` by ``frequency``, moved on until it is after ``today`` (missed occurrences are
    skipped, not sent one after the other); None for a one-off communication."""
    steps = {CommunicationFrequency.DAILY: relativedelta(days=1),
             CommunicationFrequency.WEEKLY: relativedelta(weeks=1),
             CommunicationFrequency.BIWEEKLY: relativedelta(weeks=2),
             CommunicationFrequency.MONTHLY: relativedelta(months=1),
             CommunicationFrequency.QUARTERLY: relativedelta(months=3)}
    step = steps.get(frequency)
    if step is None:
        return None
    n, following = 1, day + step
    while following <= today and n < 10_000:
        n += 1
        following = day + step * n  # from the first date, so monthly on the 31st stays at month ends
    return following


def _deliver(communication: Communication, found: Recipients, due: date) -> tuple[int, int]:
    """Hand the message to the notifications app (inside the caller's transaction; e-mails go after commit):
    users through ``notify`` (scope and preferences), stakeholders through ``send_email``. Returns (sent, skipped)."""
    from pmo.notifications.services import notify, send_email

    subject = communication.subject or communication.title
    body = communication.body or communication.purpose or communication.title
    key = f"communication:{communication.pk}:{due.isoformat()}"
    url = communication.get_absolute_url()
    made = notify(kind=KIND_SCHEDULED, recipients=found.users, subject=subject, body=body, url=url, dedupe_key=key,
                  program=communication.program) if found.users else 0
    rows = send_email(kind=KIND_SCHEDULED, to=[address for address, _ in found.addresses], subject=subject,
                      body=body, source=f"communication:{communication.pk}", program=communication.program,
                      dedupe_key=key) if found.addresses else []
    return made + len(rows), len(found.users) - made + len(found.without_address)


def communication_send(*, actor, communication: Communication, expected_due: date | None = None,
                       today: date | None = None) -> CommunicationSend | None:
    """Send the communication's occurrence due on ``next_due`` (an e-mail; other channels are recorded done), then
    move ``next_due`` on. ``actor`` None is the scheduler. Exactly once per due date, however many callers race:
    the communication row is locked, ``next_due`` is read again under the lock (a caller that expected another due
    date gets None), and the unique (communication, due) row of :class:`CommunicationSend` is written in the same
    transaction as the queued e-mails. Returns the send, or None when there was nothing (more) to send."""
    if actor is not None:
        communication_policy.require(actor, "send", communication)
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Communication.objects.select_for_update().select_related("program").get(pk=communication.pk)
        due = locked.next_due
        if due is None or (expected_due is not None and due != expected_due):
            return None
        if CommunicationSend.objects.filter(communication=locked, due=due).exists():
            return None
        sent = skipped = 0
        if locked.channel == CommunicationChannel.EMAIL:
            found = recipients(locked)
            if not found.count:
                raise ValidationError({"audiences": f"{locked.ref} has nobody to send to: add a role, a stakeholder "
                                                    f"or a group with an e-mail address"})
            sent, skipped = _deliver(locked, found, due)
        now = timezone.now()
        send = CommunicationSend.objects.create(communication=locked, due=due, sent_at=now,
                                                sent_by=actor if getattr(actor, "pk", None) else None,
                                                recipient_count=sent, skipped_count=skipped)
        update_versioned(actor=actor, obj=locked, expected_version=locked.version, action="send",
                         changes={"next_due": next_due_after(due, locked.frequency, today), "last_sent_at": now})
    return send


def send_due(today: date | None = None) -> int:
    """The scheduler: send every automatic e-mail communication due today or earlier (several workers may run it
    at the same time: each communication is sent once). Returns how many were sent."""
    today = today or timezone.localdate()
    done = 0
    due = (Communication.objects.filter(channel=CommunicationChannel.EMAIL, automatic=True, next_due__lte=today)
           .order_by("next_due", "pk").values_list("pk", "next_due")[:1000])
    for pk, day in list(due):
        communication = Communication.objects.filter(pk=pk).first()
        if communication is None:
            continue
        try:
            if communication_send(actor=None, communication=communication, expected_due=day, today=today):
                done += 1
        except ValidationError:
            logger.warning("communication CM-%s is due but has nobody to send to", pk)
    return done

