"""Notifications: the in-app inbox, the communication log (every message sent, to whom, when, on which channel,
and its delivery outcome), per-user preferences per event kind, and the personal iCal feed tokens.

A ``Notification`` is one row of someone's inbox. A ``Delivery`` is one message on one channel: an in-app
notification (sent when created), an e-mail, or a daily digest e-mail; it is the communication log, and the
e-mail workers claim its rows (``state`` queued -> sending -> sent / queued again for a retry / failed).
Other apps (communications) send their messages through ``Delivery`` too, so the log is one table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb


class Channel(models.TextChoices):
    """What a user wants for an event kind. Every channel but ``off`` also shows the notification in the inbox."""

    IN_APP = "in_app", "In-app only"
    EMAIL = "email", "In-app and e-mail"
    DIGEST = "digest", "In-app and daily digest"
    OFF = "off", "Off"


class DeliveryChannel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "E-mail"
    DIGEST = "digest", "Daily digest"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One notification in one user's inbox. High-volume system rows: not versioned; reading is audited."""

    # indexes kept to what reads need (every one is maintained for 5,000 rows per notify): notif_unread leads
    # with the recipient, the log finds a notification's program through its own rows
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  db_index=False)
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=4000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    program = models.ForeignKey("portfolio.Program", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", db_index=False)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.IN_APP)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    #: the notify() call that made it (its log rows are written from its rows in one statement)
    batch = models.CharField(max_length=16, blank=True, db_index=True)
    #: set when a daily digest took this notification (channel ``digest`` only)
    digest = models.ForeignKey("Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_unread"),
                   models.Index(fields=["recipient", "digest"], condition=models.Q(channel="digest"),
                                name="notif_digest_pending")]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "dedupe_key"],
                                               condition=~models.Q(dedupe_key=""), name="notification_once")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("notifications:detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Notifications", reverse("notifications:inbox"))


class Delivery(models.Model):
    """One message on one channel: the communication log, and the e-mail workers' queue."""

    channel = models.CharField(max_length=8, choices=DeliveryChannel.choices)
    kind = models.CharField(max_length=64)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    #: the address written to (e-mail), or the user's name (in-app): what the log shows even if the user goes
    to_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    program = models.ForeignKey("portfolio.Program", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", db_index=False)  # delivery_program leads with it
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", db_index=False)
    #: who sent it: "notification", or the app and record of a scheduled communication ("communications:12")
    source = models.CharField(max_length=100, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    notification = models.ForeignKey(Notification, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="deliveries", db_index=False)
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: every attempt's outcome, oldest first: [{"at": iso, "outcome": "sent" | "error", "error": "..."}]
    history = models.JSONField(default=list, blank=True)
    last_error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        # the workers' indexes skip the in-app rows (half the log, never queued or claimed)
        indexes = [models.Index(fields=["next_attempt_at"], condition=models.Q(state="queued"),
                                name="delivery_queued"),
                   models.Index(fields=["program", "created_at"], name="delivery_program"),
                   models.Index(fields=["claim"], condition=~models.Q(claim=""), name="delivery_claimed")]
        constraints = [models.UniqueConstraint(fields=["recipient", "channel", "dedupe_key"],
                                               condition=~models.Q(dedupe_key=""), name="delivery_once")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to_address}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:log_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Communication log", reverse("notifications:log"))

    @property
    def crumb_label(self) -> str:
        return f"Message {self.pk}"

    @property
    def retried(self) -> bool:
        return self.attempts > 1


class Preference(GovernedModel):
    """A user's channel for one event kind; without a row the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    audited_fields = ("user", "kind", "channel")

    class Meta:
        ordering = ["user_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.get_channel_display()}"


class FeedToken(models.Model):
    """A personal iCal feed URL. Only the SHA-256 of its secret is stored; revoking it kills the URL."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"iCal feed {self.prefix}…"


class Tick(models.Model):
    """The periodic tick's single row: when it last ran, when the next is due, and the last digest day."""

    name = models.CharField(max_length=20, unique=True, default="tick")
    next_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"tick next at {self.next_at}"
