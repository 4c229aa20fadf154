"""Notification pages: the inbox (mark read, mark all read), one notification, the bell in the navigation
(an htmx fragment, so pages pay no query for it), the preferences per event kind, the personal calendar URL
(create, revoke) and its ``.ics``, and the communication log (PMO Director, PMO Coordinator, in scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.core.navigation import breadcrumbs
from pmo.core.views import listing
from pmo.portfolio.policies import program_policy

from . import feed as ical_feed
from . import selectors, services
from .models import Channel, DeliveryChannel, DeliveryState, FeedToken
from .policies import delivery_policy, notification_policy, require_log_reader

#: the preferences table's column headings (the full label is read out)
SHORT = {Channel.IN_APP: "In-app", Channel.EMAIL: "+ e-mail", Channel.DIGEST: "+ digest", Channel.OFF: "Off"}
INBOX_SORTS = {"created": "created_at", "kind": "kind", "subject": "subject", "read": "read_at"}
LOG_SORTS = {"created": "created_at", "channel": "channel", "kind": "kind", "to": "to_address",
             "subject": "subject", "program": "program__code", "state": "state", "attempts": "attempts",
             "sent": "sent_at"}
LOG_FILTERS = {"state": "state", "channel": "channel", "program": "program__code"}


@login_required
def inbox(request):
    rows = selectors.inbox_for(request.user).select_related("program", "project")
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    found = listing(request, rows, sortable=INBOX_SORTS, default_sort="-created")
    if show == "unread":
        found.filters["show"] = "unread"
    return render(request, "notifications/inbox.html", {
        "listing": found, "show": show, "unread": selectors.unread_count(request.user),
        "labels": {key: spec.label for key, spec in selectors.registry.KINDS.items()},
        "breadcrumbs": breadcrumbs(request.user, "Notifications"),
    })


@login_required
@never_cache
@require_GET
def bell(request):
    """The navigation's bell: the unread count and the latest notifications (htmx fragment)."""
    return render(request, "notifications/_bell.html", {"unread": selectors.unread_count(request.user)})


@login_required
def detail(request, pk):
    notification = notification_policy.get(request.user, pk=pk)
    return render(request, "notifications/detail.html", {
        "object": notification, "label": selectors.kind_label(notification.kind),
        "breadcrumbs": breadcrumbs(request.user, notification),
    })


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def read(request, pk):
    """Mark one notification read; ``next`` (a local URL) opens what it is about."""
    notification = notification_policy.get(request.user, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    return redirect(_safe_next(request, reverse("notifications:inbox")))


@login_required
@require_POST
def read_all(request):
    count = services.notifications_read_all(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    kinds = selectors.kinds_for(request.user)
    errors, form_error = {}, ""
    if request.method == "POST":
        choices = {}
        for row in kinds:
            value = request.POST.get(f"kind-{row['kind']}", row["channel"])
            if value not in Channel.values:
                errors[row["kind"]] = f"choose one of: {', '.join(Channel.labels)}"
            choices[row["kind"]] = value
        if not errors:
            try:
                changed = services.preferences_set(actor=request.user, choices=choices)
            except ValidationError as exc:
                form_error = "; ".join(exc.messages)
            else:
                messages.success(request, f"Preferences saved ({changed} changed).")
                return redirect("notifications:preferences")
        for row in kinds:
            row["channel"] = choices.get(row["kind"], row["channel"])
    return render(request, "notifications/preferences.html", {
        "kinds": kinds, "channels": [(value, label, SHORT[value]) for value, label in Channel.choices],
        "errors": errors, "form_error": form_error,
        "breadcrumbs": breadcrumbs(request.user, "Notifications", "Preferences"),
    }, status=422 if errors or form_error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def feed(request):
    """The personal calendar: its URL is shown once, after it is made (POST); making another revokes the last."""
    new_url = ""
    if request.method == "POST":
        _token, key = services.feed_token_create(actor=request.user)
        new_url = services.absolute_url(reverse("notifications:ical", args=[key]))
    active = FeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "notifications/feed.html", {
        "active": active, "new_url": new_url,
        "breadcrumbs": breadcrumbs(request.user, "Notifications", "Personal calendar"),
    })


@login_required
@require_POST
def feed_revoke(request):
    revoked = services.feed_token_revoke(actor=request.user)
    messages.success(request, "Your calendar URL is revoked." if revoked else "You had no calendar URL.")
    return redirect("notifications:feed")


@never_cache
@require_GET
def ical(request, key):
    """The personal iCal feed: no session, the secret in the URL is the key; a revoked or unknown one is a 404."""
    user = services.user_for_feed(key)
    if user is None:
        raise Http404("no such calendar")
    response = HttpResponse(ical_feed.calendar_for(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pmo.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def log(request):
    """The communication log: every message sent, to whom, when, on which channel, and its outcome."""
    require_log_reader(request.user)
    rows = selectors.search_log(selectors.log_for(request.user), request.GET.get("q"))
    found = listing(request, rows, sortable=LOG_SORTS, default_sort="-created", filters=LOG_FILTERS)
    return render(request, "notifications/log.html", {
        "listing": found, "states": DeliveryState.choices, "channels": DeliveryChannel.choices,
        "programs": list(program_policy.visible(request.user).order_by("code").values_list("code", flat=True)),
        "breadcrumbs": breadcrumbs(request.user, "Communication log"),
    })


@login_required
def log_detail(request, pk):
    require_log_reader(request.user)
    delivery = delivery_policy.get(request.user, selectors.log_for(request.user), pk=pk)
    return render(request, "notifications/log_detail.html", {
        "object": delivery, "label": selectors.kind_label(delivery.kind),
        "breadcrumbs": breadcrumbs(request.user, delivery),
    })
