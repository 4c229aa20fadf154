"""Document pages: search (with highlighted snippets), the documents of a program or project, a document with
its versions, the upload, new-version, edit and delete forms, and the download (the only way to a file)."""

from __future__ import annotations

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pmo.core.ids import parse_id
from pmo.core.navigation import breadcrumbs
from pmo.core.views import apply_service, detail_page, form_page, listing
from pmo.portfolio.policies import program_policy, project_policy

from . import search as fts
from . import selectors, services
from .forms import DocumentForm, UploadForm, VersionForm
from .models import DocumentKind, DocumentStatus, documents_crumb
from .policies import document_policy, manages_target, target_visible
from .registry import ATTACHABLES

SORTS = {"ref": "pk", "title": "title", "type": "kind", "scope": "program__code", "status": "status",
         "owner": "owner__username", "review": "review_date", "updated": "updated_at"}
FILTERS = {"status": "status", "kind": "kind", "program": "program__code"}
SEARCH_PAGE = 25
UPLOAD_TEMPLATE = "documents/upload_form.html"


def _max_mb() -> int:
    return settings.PMO_DOCUMENT_MAX_BYTES // (1024 * 1024)


def _too_large(request) -> bool:
    """The request body is larger than any allowed upload (checked before Django reads the body)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    return length.isdigit() and int(length) > settings.PMO_DOCUMENT_MAX_BYTES + 256 * 1024


def _refused(form):
    """An empty form that says the upload was too large (the body was never read)."""
    form.cleaned_data = {}
    form.add_error(None, f"The file is larger than the limit of {_max_mb()} MB.")
    return form


def _choices(request) -> dict:
    return {"statuses": DocumentStatus.choices, "kinds": DocumentKind.choices}


@login_required
@require_GET
def search(request):
    """Every document the user may see: full-text search when ``q`` is given (best matches first, snippets),
    otherwise the sortable list."""
    visible = selectors.documents_for(request.user)
    for param, lookup in FILTERS.items():
        if request.GET.get(param, "").strip():
            visible = visible.filter(**{lookup: request.GET[param].strip()})
    query = request.GET.get("q", "").strip()[:200]
    context = {**_choices(request), "query": query, "breadcrumbs": breadcrumbs(request.user, documents_crumb()),
               "programs": program_policy.visible(request.user).order_by("code"),
               "filters": {p: request.GET.get(p, "") for p in FILTERS}}
    if query:
        page_number = parse_id(request.GET.get("page")) or 1
        results = fts.search(visible, query, offset=min(page_number - 1, 10_000) * SEARCH_PAGE, limit=SEARCH_PAGE)
        selectors.attach_targets([hit.document for hit in results.hits])
        words = fts.terms(query)
        for hit in results.hits:
            hit.title = fts.mark_terms(hit.document.title, words)
        context |= {"results": results,
                    "page": Paginator(range(results.count), SEARCH_PAGE).get_page(page_number)}
    else:
        context["listing"] = listing(request, visible, sortable=SORTS, default_sort="-updated")
        selectors.attach_targets(context["listing"].page.object_list)
    return render(request, "documents/search.html", context)


def _scope_page(request, target, *, program, project):
    documents = selectors.documents_for(request.user).filter(program=program)
    if project is not None:
        documents = documents.filter(project=project)
    documents = selectors.filter_documents(documents, status=request.GET.get("status"),
                                           kind=request.GET.get("kind"), q=request.GET.get("q"))
    page = listing(request, documents, sortable=SORTS, default_sort="-updated")
    selectors.attach_targets(page.page.object_list)
    key = "project" if project is not None else "program"
    return render(request, "documents/scope.html", {
        **_choices(request), "listing": page, "query": page.query, "target": target, "program": program,
        "project": project, "key": key, "can_upload": manages_target(request.user, target),
        "breadcrumbs": breadcrumbs(request.user, target, "Documents")})


@login_required
@require_GET
def program_documents(request, pk):
    program = program_policy.get(request.user, pk=pk)
    return _scope_page(request, program, program=program, project=None)


@login_required
@require_GET
def project_documents(request, pk):
    project = project_policy.get(request.user, queryset=project_policy.visible(request.user)
                                 .select_related("program"), pk=pk)
    return _scope_page(request, project, program=project.program, project=project)


@login_required
@require_GET
def document_detail(request, pk):
    document = selectors.document_detail(request.user, pk)
    if not document_policy.can(request.user, "view", document):
        raise Http404("no such document")
    return detail_page(request, document, "documents/document_detail.html", {
        "document": document, "versions": selectors.versions_of(document), "max_mb": _max_mb(),
        "version_form": VersionForm(initial={"version": document.version}, auto_id="v_%s"),
    }, actions=("change", "delete"))


def _target(request, key: str, object_pk: int):
    attachable = ATTACHABLES.get(key)
    if attachable is None:
        raise Http404(f"documents do not attach to {key}")
    target = attachable.model._default_manager.filter(pk=object_pk).first()
    if target is None or not target_visible(request.user, target):
        raise Http404(f"no {attachable.label} {object_pk}")
    return target


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request, key, object_pk):
    target = _target(request, key, object_pk)
    if not manages_target(request.user, target):
        raise PermissionDenied(f"you may not add documents to {target}")
    title = f"New document for {getattr(target, 'crumb_label', target)}"
    if request.method == "POST" and _too_large(request):
        form = _refused(UploadForm(max_mb=_max_mb()))
        return form_page(request, form, title, target, "New document", status=413, template=UPLOAD_TEMPLATE)
    form = UploadForm(request.POST or None, request.FILES or None, max_mb=_max_mb(),
                      initial={"owner": request.user.pk})
    status = None
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            document = apply_service(form, lambda: services.document_create(
                actor=request.user, target=target, upload=form.cleaned_data["file"],
                note=form.cleaned_data.get("note", ""), **data))
        except services.TooLarge as exc:
            form.add_error("file", str(exc))
            document, status = None, 413
        if document:
            messages.success(request, f"{document.ref} uploaded.")
            return redirect(document)
    return form_page(request, form, title, target, "New document", status=status, template=UPLOAD_TEMPLATE)


@login_required
@require_http_methods(["GET", "POST"])
def version_create(request, pk):
    document = selectors.document_detail(request.user, pk)
    document_policy.require(request.user, "change", document, f"you may not add versions to {document.ref}")
    title = f"New version of {document}"
    if request.method == "POST" and _too_large(request):
        form = _refused(VersionForm())
        return form_page(request, form, title, document, "New version", status=413, template=UPLOAD_TEMPLATE)
    form = VersionForm(request.POST or None, request.FILES or None, initial={"version": document.version})
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            version = apply_service(form, lambda: services.version_add(
                actor=request.user, document=document, upload=form.cleaned_data["file"],
                note=form.cleaned_data.get("note", ""), expected_version=form.cleaned_data.get("version")))
        except services.TooLarge as exc:
            form.add_error("file", str(exc))
            version, status = None, 413
        if version:
            messages.success(request, f"Version {version.number} of {document.ref} uploaded.")
            return redirect(document)
    return form_page(request, form, title, document, "New version", status=status, template=UPLOAD_TEMPLATE)


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request, pk):
    document = selectors.document_detail(request.user, pk)
    document_policy.require(request.user, "change", document)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(form, lambda: services.document_update(
            actor=request.user, document=document, expected_version=form.cleaned_data["version"] or 0,
            **form.changes()))
        if saved:
            messages.success(request, f"{saved.ref} saved.")
            return redirect(saved)
    return form_page(request, form, f"Edit {document}", document, "Edit")


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    document = selectors.document_detail(request.user, pk)
    document_policy.require(request.user, "delete", document)
    error = None
    if request.method == "POST":
        form = django_forms.Form(request.POST)
        form.fields["version"] = django_forms.IntegerField()
        back = document.crumb_parent.url
        if form.is_valid() and apply_service(form, lambda: services.document_delete(
                actor=request.user, document=document, expected_version=form.cleaned_data["version"]) or True):
            messages.success(request, f"{document.ref} deleted.")
            return redirect(back)
        error = " ".join(e for errors in form.errors.values() for e in errors)
    return render(request, "portfolio/confirm_delete.html", {
        "object": document, "error": error, "breadcrumbs": breadcrumbs(request.user, document, "Delete")},
        status=409 if error else 200)


def file_response(version) -> FileResponse:
    """The stored file as an attachment: a safe name, the detected type, never sniffed, never cached publicly."""
    stream = services.storage().open(version.blob, "rb")
    response = FileResponse(stream, as_attachment=True, filename=version.file_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def version_download(request, pk):
    version = selectors.version_for(request.user, pk)
    if not document_policy.can(request.user, "view", version.document):
        raise Http404("no such document")
    return file_response(version)

