"""Full-text search over document titles and the text of their current version.

SQLite: an FTS5 table ``documents_fts(title, body)`` whose rowid is the document's id (porter stemming,
diacritics folded), created by migration 0002 and kept by :func:`index` / :func:`unindex`, which the services
call in the same transaction as the write. PostgreSQL: ``Document.search_vector`` (title weight A, text weight
B) with a GIN index, searched with ``SearchQuery``/``SearchRank``/``SearchHeadline``. Either way the search
runs inside the user's visible documents (the policy's queryset), so nothing outside their scope is ever
matched, counted or quoted.

Snippets come back as HTML-safe text with the matched words in ``<mark>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, QuerySet, TextField, Window
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Document

START, STOP = "\ue000", "\ue001"  # private-use markers: they never occur in text, so escaping stays simple
MAX_TERMS = 12
#: characters of a document's text that PostgreSQL's headline reads (ts_headline cost grows with the text)
HEADLINE_CHARS = 50_000
_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[str]:
    return _WORD.findall(query or "")[:MAX_TERMS]


def _config() -> str:
    return settings.PMO_DOCUMENT_SEARCH_CONFIG


def index(document_id: int, title: str, text: str) -> None:
    """(Re)index one document; called by the services inside their transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])
            cursor.execute("INSERT INTO documents_fts(rowid, title, body) VALUES (%s, %s, %s)",
                           [document_id, title, text])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE documents_document SET search_vector = "
                "setweight(to_tsvector(%s::regconfig, %s), 'A') || setweight(to_tsvector(%s::regconfig, %s), 'B') "
                "WHERE id = %s", [_config(), title, _config(), text, document_id])


def unindex(document_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])


@dataclass
class Hit:
    document: Document
    snippet: SafeString


@dataclass
class Results:
    hits: list[Hit]
    count: int


def highlight(text: str) -> SafeString:
    """``text`` with START/STOP markers as escaped HTML with ``<mark>``."""
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 - escaped above


def mark_terms(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with whole words that start like one of ``words`` in ``<mark>`` (for titles)."""
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    return highlight(pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text))


def search(visible: QuerySet[Document], query: str, *, offset: int = 0, limit: int = 25) -> Results:
    """Documents of ``visible`` matching ``query`` (every word, stemmed), best first, with snippets."""
    words = terms(query)
    if not words:
        return Results([], 0)
    if connection.vendor == "postgresql":
        return _search_postgresql(visible, words, offset, limit)
    return _search_sqlite(visible, words, offset, limit)


def _search_sqlite(visible: QuerySet[Document], words: list[str], offset: int, limit: int) -> Results:
    match = " ".join('"' + w.replace('"', "") + '"' for w in words)
    # the FTS5 table joined to the visible documents: the MATCH drives, the scope filters the matches
    matched = visible.extra(tables=["documents_fts"], where=["documents_fts.rowid = documents_document.id",
                                                           "documents_fts MATCH %s"], params=[match])
    count = matched.count()
    ids = list(matched.extra(select={"fts_rank": "documents_fts.rank"}, order_by=["fts_rank", "-id"])
               .values_list("pk", flat=True)[offset:offset + limit])
    snippets = {}
    if ids:  # snippets only for the page shown
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, snippet(documents_fts, 1, %s, %s, '…', 24) FROM documents_fts "  # noqa: S608
                           f"WHERE documents_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                           [START, STOP, match, *ids])
            snippets = dict(cursor.fetchall())
    documents = visible.in_bulk(ids)
    return Results([Hit(documents[pk], highlight(snippets.get(pk) or "")) for pk in ids if pk in documents], count)


def _search_postgresql(visible: QuerySet[Document], words: list[str], offset: int, limit: int) -> Results:
    query = SearchQuery(" ".join(words), config=_config(), search_type="plain")
    # one pass over the matches: the rank orders them, a window counts them all
    rows = list(visible.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query), total=Window(Count("pk")))
                .order_by("-rank", "-pk").values_list("pk", "total")[offset:offset + limit])
    ids = [pk for pk, _ in rows]
    count = rows[0][1] if rows else (visible.filter(search_vector=query).count() if offset else 0)
    # headlines only for the page shown (ts_headline re-parses the text: the costly part)
    snippets = dict(Document.objects.filter(pk__in=ids).annotate(snippet=SearchHeadline(
        Left("current__text", HEADLINE_CHARS, output_field=TextField()), query, config=_config(),
        start_sel=START, stop_sel=STOP, max_words=30, min_words=12, max_fragments=2,
        fragment_delimiter=" … ")).values_list("pk", "snippet"))
    documents = visible.in_bulk(ids)
    return Results([Hit(documents[pk], highlight(snippets.get(pk) or "")) for pk in ids if pk in documents], count)
