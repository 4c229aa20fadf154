"""Every write to documents: policy check, file checks, storage, text, search index and audit in one transaction.

Rules kept here (one place each):
- a file is accepted only when its bytes are a type we accept and its extension agrees (``filetypes.check``),
  within ``PMO_DOCUMENT_MAX_BYTES`` (:class:`TooLarge`, HTTP 413); its name is made safe and is never the key
  it is stored under (``documents/<document id>/<random>``);
- a new version of a document in review or approved sends it back to draft (the new content is not reviewed);
- a document is not deleted before its ``retain_until`` date;
- the search index (FTS5 or the PostgreSQL vector) follows the title and the current version's text.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Max

from pmo.core import audit
from pmo.core.errors import StaleVersion
from pmo.core.services import create_audited, delete_versioned, update_versioned

from . import filetypes, search
from .extract import extract
from .models import Document, DocumentStatus, DocumentVersion
from .policies import document_policy, manages_target, target_visible
from .registry import for_model

DOCUMENT_FIELDS = ("title", "kind", "owner", "status", "review_date", "retain_until")


class TooLarge(Exception):
    """The upload is larger than ``PMO_DOCUMENT_MAX_BYTES`` (HTTP 413)."""

    def __init__(self, size: int | None = None):
        limit = settings.PMO_DOCUMENT_MAX_BYTES
        super().__init__(f"the file is larger than the limit of {limit // (1024 * 1024)} MB"
                         + (f" ({size:,} bytes)" if size else ""))


def storage():
    return storages["documents"]


def _unknown_fields(changes: dict) -> None:
    unknown = sorted(set(changes) - set(DOCUMENT_FIELDS))
    if unknown:
        raise ValidationError({name: "unknown or read-only field" for name in unknown})


def _file(upload, file_name: str | None):
    """(safe name, kind, size, sha256) of an upload (any Django File), or a ValidationError / TooLarge."""
    if upload is None:
        raise ValidationError({"file": "choose the file to upload"})
    size = upload.size
    if size is not None and size > settings.PMO_DOCUMENT_MAX_BYTES:
        raise TooLarge(size)
    name = filetypes.safe_name(file_name or getattr(upload, "name", "") or "")
    kind = filetypes.check(upload, name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, kind, size, digest.hexdigest()


def _store_version(*, actor, document: Document, upload, file_name: str | None, note: str,
                   stored: list[str]) -> DocumentVersion:
    name, kind, size, sha256 = _file(upload, file_name)
    text = extract(upload, kind)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    blob = storage().save(f"documents/{document.pk}/{secrets.token_hex(16)}", upload)
    stored.append(blob)
    version = create_audited(actor=actor, obj=DocumentVersion(
        document=document, number=number, blob=blob, file_name=name, size=size, sha256=sha256,
        content_type=kind.mime, text=text.text, text_status=text.status, text_note=text.note[:200],
        note=note or ""))
    Document.objects.filter(pk=document.pk).update(current=version)
    document.current = version
    search.index(document.pk, document.title, version.text)
    return version


class _RemoveOnFailure:
    """Files stored inside a transaction that then fails are removed again (no orphans in the storage)."""

    def __init__(self):
        self.stored: list[str] = []

    def __enter__(self):
        return self.stored

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            for blob in self.stored:
                storage().delete(blob)
        return False


def target_scope(target) -> dict:
    attachable = for_model(target)
    if attachable is None:
        raise ValidationError({"target": f"documents cannot be attached to a {type(target).__name__}"})
    program, project = attachable.scope(target)
    return {"program": program, "project": project}


def document_create(*, actor, target, upload, file_name: str | None = None, note: str = "", **fields) -> Document:
    """A new document of ``target`` (any registered object) with its first version."""
    _unknown_fields(fields)
    scope = target_scope(target)
    if not target_visible(actor, target):
        kind = type(target).__name__.lower()
        raise ValidationError({"target": f"no {kind} with id {target.pk}"})
    if not manages_target(actor, target):
        raise PermissionDenied(f"you may not add documents to {target}")
    fields.setdefault("owner", actor if getattr(actor, "pk", None) else None)
    fields = {k: v for k, v in fields.items() if v is not None or k == "owner"}
    with _RemoveOnFailure() as stored, transaction.atomic():
        document = create_audited(actor=actor, obj=Document(target=target, **scope, **fields))
        _store_version(actor=actor, document=document, upload=upload, file_name=file_name, note=note, stored=stored)
    return document


def version_add(*, actor, document: Document, upload, file_name: str | None = None, note: str = "",
                expected_version: int | None = None) -> DocumentVersion:
    """A new current version; a document in review or approved goes back to draft."""
    document_policy.require(actor, "change", document, f"you may not add versions to {document.ref}")
    with _RemoveOnFailure() as stored, transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked.version)
        if locked.status != DocumentStatus.DRAFT:
            locked = update_versioned(actor=actor, obj=locked, changes={"status": DocumentStatus.DRAFT},
                                      expected_version=locked.version, action="new_version")
        else:
            Document.objects.filter(pk=locked.pk).update(version=F("version") + 1)
            locked.refresh_from_db()
        return _store_version(actor=actor, document=locked, upload=upload, file_name=file_name, note=note,
                              stored=stored)


def document_update(*, actor, document: Document, expected_version: int, **changes) -> Document:
    _unknown_fields(changes)
    document_policy.require(actor, "change", document)
    if "title" in changes and not (changes["title"] or "").strip():
        raise ValidationError({"title": "give the document a title"})
    with transaction.atomic():
        updated = update_versioned(actor=actor, obj=document, changes=changes, expected_version=expected_version)
        if updated.title != document.title:
            search.index(updated.pk, updated.title, updated.current.text if updated.current_id else "")
    return updated


def document_delete(*, actor, document: Document, expected_version: int, today: date | None = None) -> None:
    """Delete a document and its files, unless it is retained."""
    document_policy.require(actor, "delete", document)
    today = today or date.today()
    if document.retain_until and document.retain_until >= today:
        raise ValidationError({"retain_until": f"{document.ref} is retained until {document.retain_until:%Y-%m-%d}"
                                               " and cannot be deleted before"})
    blobs = list(document.versions.values_list("blob", flat=True))
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(current=None)
        for version in document.versions.all():
            audit.record(actor=actor, action="delete", obj=version, before=audit.snapshot(version), after=None)
        delete_versioned(actor=actor, obj=document, expected_version=expected_version)
        search.unindex(document.pk)
        transaction.on_commit(lambda: [storage().delete(blob) for blob in blobs])
