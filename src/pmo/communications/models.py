"""Communications: the communication plan of a program (who hears what, how, how often, who sends it, when next)
and meetings of any kind (program and/or project) with attendees, an ordered agenda, minutes and actions.

A meeting's schedule is a first occurrence (``starts_at``, aware, stored in UTC), a duration and an optional
recurrence from the RRULE subset FREQ=DAILY|WEEKLY|MONTHLY;INTERVAL=n;COUNT=n|UNTIL=date. A recurring series is
always bounded (a count or an end date, at most :data:`MAX_OCCURRENCES` occurrences), so expanding it for display
or for an iCal file is bounded work. ``uid`` is the iCalendar UID (stable for the meeting's life) and
``sequence`` its SEQUENCE, bumped by every change to what a calendar shows (time, place, title, recurrence,
cancellation) so that calendar clients replace the old invitation.

Agenda items may point at any object (``subject``, through contenttypes) so that higher apps (governance's gate
reviews and decisions, change requests) can put their objects on an agenda without this app knowing them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from pmo.accounts.models import Role
from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb

#: a recurring series never has more occurrences than this (count, or what an end date allows)
MAX_OCCURRENCES = 260
#: earliest and latest dates anything here may carry
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)
#: attendees, agenda items and actions per meeting; audience entries per communication
MAX_ATTENDEES = 200
MAX_AGENDA_ITEMS = 100
MAX_ACTIONS = 500
MAX_AUDIENCE = 200


def _in_range(errors: dict, name: str, value) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = f"must be between {FIRST_DAY} and {LAST_DAY}"


def meetings_crumb(program) -> Crumb:
    return Crumb("Meetings", reverse("communications:program_meetings", args=[program.pk]), program)


def plan_crumb(program) -> Crumb:
    return Crumb("Communication plan", reverse("communications:program_plan", args=[program.pk]), program)


# --- meetings ----------------------------------------------------------------------------------------

class MeetingKind(models.TextChoices):
    STEERING_COMMITTEE = "steering_committee", "Steering committee"
    PROJECT_BOARD = "project_board", "Project board"
    STATUS = "status", "Status meeting"
    WORKSHOP = "workshop", "Workshop"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Recurrence(models.TextChoices):
    NONE = "", "Does not repeat"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class Meeting(GovernedModel):
    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="empty for a program-level meeting")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.STATUS)
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, max_length=2000)
    location = models.CharField(max_length=200, blank=True, help_text="a room or a video-call link")
    starts_at = models.DateTimeField(help_text="the first (or only) occurrence")
    duration_minutes = models.PositiveSmallIntegerField(default=60, validators=[MinValueValidator(5),
                                                                                MaxValueValidator(1440)])
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, default=Recurrence.NONE, blank=True)
    interval = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(52)],
                                                help_text="every n days, weeks or months")
    count = models.PositiveSmallIntegerField(null=True, blank=True, validators=[
        MinValueValidator(1), MaxValueValidator(MAX_OCCURRENCES)], help_text="number of occurrences")
    until = models.DateField(null=True, blank=True, help_text="last day of the series")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(blank=True, max_length=20000)
    uid = models.CharField(max_length=80, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    audited_fields = ("program", "project", "kind", "title", "purpose", "location", "starts_at", "duration_minutes",
                      "recurrence", "interval", "count", "until", "organizer", "status", "minutes", "sequence")
    #: changing one of these changes the invitation: SEQUENCE goes up
    schedule_fields = ("title", "location", "starts_at", "duration_minutes", "recurrence", "interval", "count",
                       "until", "status")

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["program", "starts_at"]), models.Index(fields=["project", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = f"{uuid.uuid4()}@pmo"
        super().save(*args, **kwargs)

    @property
    def ref(self) -> str:
        return f"MT-{self.pk}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence)

    def get_absolute_url(self) -> str:
        return reverse("communications:meeting_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return meetings_crumb(self.program)

    def clean(self):
        errors: dict = {}
        _in_range(errors, "starts_at", self.starts_at)
        _in_range(errors, "until", self.until)
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = "the project belongs to another program"
        if self.recurrence:
            if self.count is None and self.until is None:
                errors["count"] = "a repeating meeting needs a number of occurrences or an end date"
            elif self.count is not None and self.until is not None:
                errors["until"] = "give a number of occurrences or an end date, not both"
            elif self.until is not None and self.starts_at and "until" not in errors:
                from .recurrence import occurrences_between_bound
                if self.until < self.starts_at.date():
                    errors["until"] = "the series ends before its first occurrence"
                elif occurrences_between_bound(self) > MAX_OCCURRENCES:
                    errors["until"] = f"a series has at most {MAX_OCCURRENCES} occurrences: end it earlier"
        elif self.count is not None or self.until is not None:
            errors["recurrence"] = "a number of occurrences or an end date needs a recurrence"
        if errors:
            raise ValidationError(errors)


class MeetingAttendee(GovernedModel):
    """A user or a stakeholder invited to a meeting (exactly one of the two)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    optional = models.BooleanField(default=False)

    audited_fields = ("meeting", "user", "stakeholder", "optional")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(user__isnull=True) ^ models.Q(stakeholder__isnull=True),
                                   name="attendee_user_xor_stakeholder"),
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_unique_user"),
            models.UniqueConstraint(fields=["meeting", "stakeholder"], name="attendee_unique_stakeholder"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.display_name if self.user_id else self.stakeholder.name

    @property
    def email(self) -> str:
        return (self.user.email if self.user_id else self.stakeholder.email) or ""

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#attendees"

    @property
    def crumb_parent(self):
        return self.meeting


class AgendaItem(GovernedModel):
    """An item of a meeting's agenda, in ``order``; ``subject`` optionally points at the object discussed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(MAX_AGENDA_ITEMS * 10)])
    title = models.CharField(max_length=200)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[
        MinValueValidator(1), MaxValueValidator(1440)])
    notes = models.TextField("notes / minutes", blank=True, max_length=10000)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    audited_fields = ("meeting", "order", "title", "presenter", "duration_minutes", "notes", "subject_type",
                      "subject_id")

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#agenda-{self.pk}"

    @property
    def crumb_parent(self):
        return self.meeting

    def clean(self):
        if (self.subject_type_id is None) != (self.subject_id is None):
            raise ValidationError({"subject": "give both the subject's type and id, or neither"})


class MeetingActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (MeetingActionStatus.OPEN, MeetingActionStatus.IN_PROGRESS)


class MeetingAction(GovernedModel):
    """An action agreed in a meeting (optionally under one agenda item)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=MeetingActionStatus.choices, default=MeetingActionStatus.OPEN)
    note = models.TextField(blank=True, max_length=2000)

    audited_fields = ("meeting", "agenda_item", "description", "owner", "due", "status", "note")

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due"])]

    def __str__(self) -> str:
        return self.description

    @property
    def ref(self) -> str:
        return f"MA-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or date.today()
        return self.status in OPEN_ACTION_STATUSES and self.due is not None and self.due < today

    def get_absolute_url(self) -> str:
        return reverse("communications:action_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return self.meeting

    def clean(self):
        errors: dict = {}
        _in_range(errors, "due", self.due)
        if self.agenda_item_id and self.meeting_id and self.agenda_item.meeting_id != self.meeting_id:
            errors["agenda_item"] = "the agenda item belongs to another meeting"
        if errors:
            raise ValidationError(errors)


# --- the communication plan ------------------------------------------------------------------------------

class CommunicationChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    REPORT = "report", "Report"
    PORTAL = "portal", "Portal"


class CommunicationFrequency(models.TextChoices):
    ONCE = "once", "Once"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Communication(GovernedModel):
    """An item of a program's communication plan: a message to an audience over a channel at a frequency.

    ``next_due`` is the day it is next due; sending it (an e-mail) or marking it done (other channels) through
    ``services.communication_send`` advances it by the frequency, past today (missed occurrences are not sent
    one after the other); a one-off communication is then done (``next_due`` empty)."""

    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("message", max_length=200)
    purpose = models.TextField(blank=True, max_length=2000)
    channel = models.CharField(max_length=8, choices=CommunicationChannel.choices, default=CommunicationChannel.EMAIL)
    frequency = models.CharField(max_length=10, choices=CommunicationFrequency.choices,
                                 default=CommunicationFrequency.MONTHLY)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", help_text="who sends it")
    next_due = models.DateField(null=True, blank=True, help_text="empty when nothing more is due")
    subject = models.CharField("e-mail subject", max_length=200, blank=True)
    body = models.TextField("e-mail text", blank=True, max_length=4000)
    automatic = models.BooleanField("send automatically", default=True,
                                    help_text="e-mail: the scheduler sends it on its due date; otherwise its owner "
                                              "sends it (or marks it done)")
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    audited_fields = ("program", "title", "purpose", "channel", "frequency", "owner", "next_due", "subject", "body",
                      "automatic", "last_sent_at")

    class Meta:
        ordering = ["next_due", "pk"]
        indexes = [models.Index(fields=["owner", "next_due"]), models.Index(fields=["channel", "next_due"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"CM-{self.pk}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.next_due is not None and self.next_due < (today or date.today())

    def get_absolute_url(self) -> str:
        return reverse("communications:communication_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return plan_crumb(self.program)

    def clean(self):
        errors: dict = {}
        _in_range(errors, "next_due", self.next_due)
        if errors:
            raise ValidationError(errors)


class Audience(GovernedModel):
    """One audience of a communication: a stakeholder, a stakeholder group, or a role (users holding it over the
    program, one of its projects, or the whole portfolio)."""

    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="audiences")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    group = models.ForeignKey("stakeholders.StakeholderGroup", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    role = models.CharField(max_length=32, blank=True, choices=Role.choices,
                            help_text="everyone holding this role over the program, its projects or the portfolio")

    audited_fields = ("communication", "stakeholder", "group", "role")

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(stakeholder__isnull=False, group__isnull=True, role="")
                       | models.Q(stakeholder__isnull=True, group__isnull=False, role="")
                       | (models.Q(stakeholder__isnull=True, group__isnull=True) & ~models.Q(role=""))),
            name="audience_exactly_one")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.stakeholder_id:
            return self.stakeholder.name
        if self.group_id:
            return f"{self.group.name} (group)"
        return f"{Role(self.role).label}s" if self.role in Role.values else self.role

    def get_absolute_url(self) -> str:
        return f"{self.communication.get_absolute_url()}#audience"

    @property
    def crumb_parent(self):
        return self.communication


class CommunicationSend(models.Model):
    """One sending of a communication for one due date (append-only). The unique (communication, due) pair is
    what makes a send happen once, whoever and however many workers try; each recipient's delivery and its
    outcome are in the notifications app's communication log."""

    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="sends")
    due = models.DateField(help_text="the due date this sending covers")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="empty when the scheduler sent it")
    recipient_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0, help_text="users whose preferences decline e-mail, "
                                                                     "audiences without an address")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["communication", "due"], name="communication_send_once")]

    def __str__(self) -> str:
        return f"{self.communication} for {self.due}"
