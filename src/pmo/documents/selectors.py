"""Reads of documents, starting from what the user may see, with a query count independent of the rows."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Document, DocumentVersion
from .policies import document_policy


def documents_for(user) -> QuerySet[Document]:
    return document_policy.visible(user).select_related("program", "project", "owner", "current",
                                                        "content_type")


def document_detail(user, pk) -> Document:
    return document_policy.get(user, queryset=documents_for(user), pk=pk)


def versions_of(document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("created_by").defer("text").order_by("-number"))


def version_for(user, pk) -> DocumentVersion:
    """A version whose document the user sees (404 otherwise), with its document."""
    from .policies import version_policy

    return version_policy.get(user, queryset=DocumentVersion.objects.select_related(
        "document__program", "document__project").defer("text"), pk=pk)


def filter_documents(queryset: QuerySet[Document], *, program=None, project=None, status=None, kind=None,
                     q: str | None = None) -> QuerySet[Document]:
    """Filters of the list (``q`` matches titles only; full-text search is :func:`pmo.documents.search.search`)."""
    if program is not None:
        queryset = queryset.filter(program_id=program)
    if project is not None:
        queryset = queryset.filter(project_id=project)
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        q = q.strip()
        match = Q(title__icontains=q)
        if q.upper().startswith("D-") and q[2:].isdigit() and len(q) < 20:
            match |= Q(pk=int(q[2:]))
        queryset = queryset.filter(match)
    return queryset


def attach_targets(documents) -> None:
    """Fill each document's ``target`` (the object it belongs to) with one query per kind of object."""
    by_type: dict[int, list[Document]] = {}
    for document in documents:
        by_type.setdefault(document.content_type_id, []).append(document)
    for docs in by_type.values():
        model = docs[0].content_type.model_class()
        if model is None:
            continue
        found = model._default_manager.in_bulk([d.object_id for d in docs])
        field = Document._meta.get_field("target")
        for document in docs:
            field.set_cached_value(document, found.get(document.object_id))
