"""Document objects and request bodies for the role matrix in tests/test_permissions.py.

``targets(world, scope)`` uploads, in project A1 (own) or B1 (other), a document with one version (through the
service, so the file is really stored), and returns it by the names the matrix URLs use.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from pmo.documents import samples, services

KEYS = ("document", "docversion")
API_NAMES = {"list_documents", "create_document", "get_document", "update_document", "delete_document",
             "list_document_versions", "create_document_version", "download_document_version"}
MULTIPART = {"api:create_document", "api:create_document_version"}


def make_document(project, actor, *, title: str = "Project charter"):
    return services.document_create(
        actor=actor, target=project, title=title, kind="charter",
        upload=ContentFile(samples.pdf([f"{title} of {project.code}", "Objectives, scope and governance."]),
                           name="charter.pdf"))


def targets(world, scope: str) -> dict:
    cache = world.__dict__.setdefault("_documents", {})
    if scope not in cache:
        project = world.own("project") if scope == "own" else world.other("project")
        document = make_document(project, world.users["director"])
        cache[scope] = {"document": document, "docversion": document.current}
    return cache[scope]


def is_documents(name: str) -> bool:
    return name.startswith("documents:") or name.removeprefix("api:") in API_NAMES


def ids(world, scope: str, url: str) -> dict:
    if not any("{" + key + "}" in url for key in KEYS):
        return {}
    return {key: targets(world, scope)[key].pk for key in KEYS}


def etag_object(world, scope: str, name: str):
    return targets(world, scope)["document"] if is_documents(name) else None


def _file(name: str = "notes.txt", data: bytes = b"Minutes of the kickoff meeting.\n"):
    return ContentFile(data, name=name)


def request_data(world, name: str, scope: str):
    """Well-formed bodies of the document routes (so only permissions decide the status)."""
    project = world.own("project") if scope == "own" else world.other("project")
    document = targets(world, scope)["document"]
    meta = {"title": "Kickoff minutes", "kind": "minutes", "status": "draft", "owner": "", "review_date": "",
            "retain_until": ""}
    bodies = {
        "documents:document_create": lambda: meta | {"file": _file(), "note": ""},
        "documents:document_edit": lambda: meta | {"title": "Charter (renamed)", "version": document.version},
        "documents:version_create": lambda: {"file": _file(), "note": "second", "version": document.version},
        "documents:document_delete": lambda: {"version": document.version},
        "api:create_document": lambda: {"file": _file(), "target_type": "project", "target_id": project.pk,
                                        "title": "Kickoff minutes", "kind": "minutes"},
        "api:update_document": lambda: {"status": "in_review"},
        "api:create_document_version": lambda: {"file": _file(), "note": "second"},
    }
    body = bodies.get(name)
    return body() if body else None
