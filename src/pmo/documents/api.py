"""``/api/v1/documents`` and ``/document-versions`` (conventions in pmo.core.api).

Uploads are ``multipart/form-data`` (a ``file`` part and the fields); 413 when the file is larger than the
limit, 422 naming ``file`` when its content is not what its extension says. Downloads return the file itself.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from pmo.accounts.selectors import active_user
from pmo.core.api import IF_MATCH, IF_MATCH_OPTIONAL, Day, Id, Input, Pagination, expected_version, with_etag

from . import search as fts
from . import selectors, services
from .models import DocumentKind, DocumentStatus, TextStatus
from .policies import document_policy, target_visible
from .registry import ATTACHABLES
from .views import file_response

router = Router(tags=["documents"])


class VersionOut(Schema):
    id: int
    number: int
    file_name: str
    size: int
    sha256: str
    content_type: str
    text_status: TextStatus
    text_note: str
    note: str
    uploaded_by: int | None = Field(None, alias="created_by_id")
    uploaded_at: datetime = Field(..., alias="created_at")


class DocumentOut(Schema):
    id: int
    ref: str
    title: str
    kind: DocumentKind
    status: DocumentStatus
    owner: int | None = Field(None, alias="owner_id")
    review_date: date | None
    retain_until: date | None
    target_type: str = Field(..., alias="content_type.model")
    target_id: int = Field(..., alias="object_id")
    program: int = Field(..., alias="program_id")
    project: int | None = Field(None, alias="project_id")
    current: VersionOut | None
    version: int
    created_at: datetime
    updated_at: datetime


class SearchHitOut(DocumentOut):
    snippet: str = Field("", description="matching text with the words in <mark> (HTML-escaped)")


class DocumentPatch(Input):
    title: str = Field(None, min_length=1, max_length=200)
    kind: DocumentKind = None
    status: DocumentStatus = None
    owner: Id | None = None
    review_date: Day | None = None
    retain_until: Day | None = None


class DocumentFilter(Schema):
    q: str | None = Field(None, max_length=200, description="full-text search in titles and file text (best first)")
    program: Id | None = None
    project: Id | None = None
    status: DocumentStatus | None = None
    kind: DocumentKind | None = None


class UploadIn(Schema):
    target_type: str = Field(..., max_length=40, description="what the document belongs to: " + "program, project"
                             " or another registered kind")
    target_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    kind: DocumentKind = DocumentKind.OTHER
    status: DocumentStatus = DocumentStatus.DRAFT
    review_date: Day | None = None
    retain_until: Day | None = None
    note: str = Field("", max_length=500)


class VersionIn(Schema):
    note: str = Field("", max_length=500)


def _too_large(exc: services.TooLarge) -> JsonResponse:
    return JsonResponse({"detail": str(exc)}, status=413)


def _document(request, document_id: int):
    document = selectors.document_detail(request.user, document_id)
    if not document_policy.can(request.user, "view", document):
        from django.http import Http404

        raise Http404
    return document


@router.get("/documents", response=list[SearchHitOut])
@paginate(Pagination)
def list_documents(request: HttpRequest, filters: Query[DocumentFilter]):
    """Documents you may see; with ``q``, those matching every word (stemmed) best first, with a snippet."""
    documents = selectors.filter_documents(selectors.documents_for(request.user), program=filters.program,
                                           project=filters.project, status=filters.status, kind=filters.kind)
    if filters.q and fts.terms(filters.q):
        results = fts.search(documents, filters.q, limit=500)
        hits = []
        for hit in results.hits:
            hit.document.snippet = str(hit.snippet)
            hits.append(hit.document)
        return hits
    return documents.order_by("-updated_at", "-pk")


@router.post("/documents", response={201: DocumentOut, 413: dict})
def create_document(request: HttpRequest, response: HttpResponse, file: File[UploadedFile], meta: Form[UploadIn]):
    """Upload a new document (its first version) for a program, project or other registered object."""
    attachable = ATTACHABLES.get(meta.target_type)
    if attachable is None:
        raise ValidationError({"target_type": f"documents attach to {', '.join(sorted(ATTACHABLES))}"})
    target = attachable.model._default_manager.filter(pk=meta.target_id).first()
    if target is None or not target_visible(request.user, target):
        raise ValidationError({"target_id": f"no {meta.target_type} with id {meta.target_id}"})
    data = meta.model_dump(exclude={"target_type", "target_id", "note"})
    try:
        document = services.document_create(actor=request.user, target=target, upload=file, note=meta.note, **data)
    except services.TooLarge as exc:
        return _too_large(exc)
    document = _document(request, document.pk)
    with_etag(response, document)
    return Status(201, document)


@router.get("/documents/{document_id}", response=DocumentOut)
def get_document(request: HttpRequest, response: HttpResponse, document_id: Id):
    document = _document(request, document_id)
    with_etag(response, document)
    return document


@router.patch("/documents/{document_id}", response=DocumentOut, openapi_extra=IF_MATCH)
def update_document(request: HttpRequest, response: HttpResponse, document_id: Id, payload: DocumentPatch):
    """Change the metadata (title, type, owner, status, review date, retention)."""
    document = _document(request, document_id)
    changes = payload.model_dump(exclude_unset=True)
    if "owner" in changes:
        changes["owner"] = active_user(changes["owner"], field="owner")
    services.document_update(actor=request.user, document=document, expected_version=expected_version(request),
                             **changes)
    document = _document(request, document_id)
    with_etag(response, document)
    return document


@router.delete("/documents/{document_id}", response={204: None}, openapi_extra=IF_MATCH)
def delete_document(request: HttpRequest, document_id: Id):
    """Delete a document and its files (422 while it is retained)."""
    document = _document(request, document_id)
    services.document_delete(actor=request.user, document=document, expected_version=expected_version(request))
    return Status(204, None)


@router.get("/documents/{document_id}/versions", response=list[VersionOut])
@paginate(Pagination)
def list_document_versions(request: HttpRequest, document_id: Id):
    return selectors.versions_of(_document(request, document_id))


@router.post("/documents/{document_id}/versions", response={201: VersionOut, 413: dict},
             openapi_extra=IF_MATCH_OPTIONAL)
def create_document_version(request: HttpRequest, response: HttpResponse, document_id: Id, file: File[UploadedFile],
                            meta: Form[VersionIn]):
    """Upload a new current version; a document in review or approved goes back to draft."""
    document = _document(request, document_id)
    expected = expected_version(request) if request.headers.get("If-Match") else None
    try:
        version = services.version_add(actor=request.user, document=document, upload=file, note=meta.note,
                                       expected_version=expected)
    except services.TooLarge as exc:
        return _too_large(exc)
    with_etag(response, _document(request, document_id))
    return Status(201, version)


@router.get("/document-versions/{version_id}/download")
def download_document_version(request: HttpRequest, version_id: Id):
    """The file of one version (``Content-Disposition: attachment``)."""
    version = selectors.version_for(request.user, version_id)
    _document(request, version.document_id)
    return file_response(version)
