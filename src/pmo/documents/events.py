"""What documents notify (pmo.notifications) and put in the personal calendar.

- ``documents.review_due``: a document you own is due for review within a week (or overdue for it): told once per
  document and review date.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pmo.notifications.models import Channel
from pmo.notifications.registry import Event, FeedItem, register_feed_source, register_kind, register_provider

from .models import Document
from .policies import document_policy

#: how long before its review date a document's owner is told
AHEAD = timedelta(days=7)
LIMIT = 2000


def provide(now):
    today = timezone.localdate(now)
    documents = (Document.objects.filter(owner__isnull=False, review_date__lte=today + AHEAD)
                 .order_by("review_date", "pk")[:LIMIT])
    for document in documents:
        when = "was due" if document.review_date < today else "is due"
        yield Event(kind="documents.review_due", recipients=[document.owner_id],
                    subject=f"Review of “{document.title[:120]}” {when} on {document.review_date:%d %b %Y}",
                    url=document.get_absolute_url(),
                    dedupe_key=f"document:{document.pk}:review:{document.review_date.isoformat()}",
                    program=document.program_id, project=document.project_id)


def feed(user, start, end):
    """Reviews of the documents you own, in scope."""
    for document in (document_policy.visible(user).filter(owner=user, review_date__range=(start, end))
                     .order_by("review_date", "pk")):
        yield FeedItem(uid=f"document-review-{document.pk}", summary=f"Review: {document.title[:200]}",
                       start=document.review_date, url=document.get_absolute_url(), categories=("Document review",))


def register() -> None:
    register_kind("documents.review_due", "A document you own is due for review", default=Channel.DIGEST)
    register_provider("documents", provide)
    register_feed_source("documents.reviews", feed)
