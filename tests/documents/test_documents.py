"""Documents: hostile uploads, versions, scope isolation (page, API, download, search), the text extractors."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.documents import filetypes, samples, services
from pmo.documents.extract import extract
from pmo.documents.models import Document, DocumentVersion

from ..conftest import client_for

CHARTER = samples.pdf(["Identity platform charter", "Scope: single sign-on for the zebrafish registry."])


def upload(world, target=None, *, data=CHARTER, name="charter.pdf", title="Charter", actor="director", **fields):
    return services.document_create(actor=world.users[actor], target=target or world.program_a,
                                    upload=ContentFile(data, name=name), title=title, **fields)


def post_file(client, url, data: bytes, name: str, **fields):
    return client.post(url, {"file": ContentFile(data, name=name), **fields})


# --- the file checker ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "cleaned"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
    ("re\x00port\x1b[31m\u202e.pdf", "report[31m.pdf"),
    ("CON.txt", "_CON.txt"),
    ("lpt1.csv", "_lpt1.csv"),
    ("  ...hidden.md ", "hidden.md"),
    ("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf"),
    (".pdf", "pdf"),
    ("x" * 400 + ".pdf", "x" * 146 + ".pdf"),
])
def test_safe_names(raw, cleaned):
    assert filetypes.safe_name(raw) == cleaned


def test_kinds_by_magic_bytes():
    assert filetypes.check(io.BytesIO(CHARTER), "a.pdf") == filetypes.PDF
    assert filetypes.check(io.BytesIO(samples.docx(["hello"])), "a.docx") == filetypes.DOCX
    assert filetypes.check(io.BytesIO(samples.xlsx([["a", 1]])), "a.xlsx") == filetypes.XLSX
    assert filetypes.check(io.BytesIO("naïve café\n".encode()), "a.txt") == filetypes.TEXT


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"MZ\x90\x00binary", "report.pdf", "not a PDF"),
    (CHARTER, "report.docx", "content is a PDF"),
    (samples.xlsx([["a"]]), "budget.docx", "content is an Excel workbook"),
    (b"plain\x00with nul", "notes.txt", "not a plain text"),
    (b"\xff\xfe\xfa not utf-8", "notes.txt", "not a plain text"),
    (b"#!/bin/sh\nrm -rf /\n", "run.sh", "not accepted"),
    (b"", "empty.txt", "empty"),
])
def test_wrong_content_is_refused(data, name, message):
    with pytest.raises(Exception) as caught:
        filetypes.check(io.BytesIO(data), name)
    assert message in str(caught.value)


def zip_bomb() -> bytes:
    """A docx whose document.xml expands to 300 MB (declared honestly; it compresses to ~300 kB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", samples.CONTENT_TYPES_DOCX)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"<w:t>" + b"A" * (1024 * 1024) + b"</w:t>"
            for _ in range(300):
                part.write(chunk)
    return out.getvalue()


def test_zip_bomb_is_refused_without_reading_it():
    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(Exception, match="expands to"):
        filetypes.check(io.BytesIO(bomb), "bomb.docx")


def test_lying_zip_sizes_stop_extraction(settings):
    """A part larger than the limit (here the limit is lowered) yields partial or no text, never a crash."""
    settings.PMO_DOCUMENT_ZIP_MAX_BYTES = 64 * 1024
    settings.PMO_DOCUMENT_TEXT_MAX_CHARS = 10**9
    data = samples.docx(["word " * 40_000])
    result = extract(io.BytesIO(data), filetypes.DOCX)
    assert result.status in {"partial", "none"}
    assert len(result.text) <= 64 * 1024


def test_extractors_find_text():
    assert "zebrafish" in extract(io.BytesIO(CHARTER), filetypes.PDF).text
    assert "Kickoff minutes" in extract(io.BytesIO(samples.docx(["Kickoff minutes", "second"])), filetypes.DOCX).text
    sheet = extract(io.BytesIO(samples.xlsx([["Vendor", "Quote"], ["Nordwind", 12500]])), filetypes.XLSX)
    assert "Nordwind" in sheet.text and sheet.status == "full"


def test_entities_in_office_xml_give_no_text():
    evil = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{samples.W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>')
    data = samples.docx([], extra={})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, evil if item.filename == "word/document.xml" else src.read(item))
    result = extract(io.BytesIO(out.getvalue()), filetypes.DOCX)
    assert result.status == "none" and result.text == ""


def test_broken_pdf_is_stored_without_text(world):
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
    document = upload(world, data=broken, name="broken.pdf")
    assert document.current.text_status == "none"
    assert document.current.text_note


# --- pages: upload, hostile uploads ---------------------------------------------------------------

def test_upload_page_stores_the_file_and_its_text(world):
    client = client_for(world, "coordinator")
    response = post_file(client, f"/documents/new/program/{world.program_a.pk}/", CHARTER, "../../Charter v1.pdf",
                         title="Program charter", kind="charter", status="draft", owner=world.users["coordinator"].pk)
    assert response.status_code == 302, response.content[:500]
    document = Document.objects.get()
    version = document.current
    assert (version.file_name, version.size, version.sha256, version.content_type) == (
        "Charter v1.pdf", len(CHARTER), hashlib.sha256(CHARTER).hexdigest(), "application/pdf")
    assert version.created_by == world.users["coordinator"] and version.text_status == "full"
    assert "Charter" not in version.blob and version.blob.startswith(f"documents/{document.pk}/")
    download = client.get(f"/documents/versions/{version.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == CHARTER
    assert download["Content-Disposition"] == 'attachment; filename="Charter v1.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("data", "name"), [
    (b"MZ\x90\x00 not a pdf", "invoice.pdf"),
    (CHARTER, "charter.xlsx"),
    (zip_bomb(), "bomb.docx"),
    (b"\x00\x01\x02", "notes.txt"),
])
def test_hostile_uploads_are_a_4xx_naming_the_file(world, data, name):
    client = client_for(world, "director")
    response = post_file(client, f"/documents/new/program/{world.program_a.pk}/", data, name, title="Bad",
                         kind="other", status="draft")
    assert response.status_code == 422
    assert b"file_error" in response.content
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_oversize_upload_is_413_page_and_api(world, settings, api_token):
    settings.PMO_DOCUMENT_MAX_BYTES = 1024
    big = b"a" * 2048
    client = client_for(world, "director")
    response = post_file(client, f"/documents/new/program/{world.program_a.pk}/", big, "big.txt", title="Big",
                         kind="other", status="draft")
    assert response.status_code == 413
    response = client.post("/api/v1/documents", {"file": ContentFile(big, name="big.txt"), "target_type": "program",
                                                 "target_id": world.program_a.pk, "title": "Big"})
    assert response.status_code == 413, response.content
    assert not Document.objects.exists()


def test_oversize_body_refused_before_reading(world, settings):
    settings.PMO_DOCUMENT_MAX_BYTES = 1024
    client = client_for(world, "director")
    big = b"a" * (400 * 1024)
    response = post_file(client, f"/documents/new/program/{world.program_a.pk}/", big, "big.txt", title="Big")
    assert response.status_code == 413


# --- versions ----------------------------------------------------------------------------------------

def test_new_version_becomes_current_and_sends_approved_back_to_draft(world):
    document = upload(world, status="approved")
    assert document.status == "approved"
    client = client_for(world, "program_manager")
    text = b"Revised charter: adds the wombat interface.\n"
    response = post_file(client, f"/documents/{document.pk}/versions/new/", text, "charter-v2.txt",
                         note="adds an interface", version=Document.objects.get().version)
    assert response.status_code == 302, response.content[:400]
    document.refresh_from_db()
    assert document.status == "draft"
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert document.current == versions[1] and versions[1].note == "adds an interface"
    page = client.get(document.get_absolute_url()).content.decode()
    assert "charter-v2.txt" in page and "charter.pdf" in page
    old = client.get(f"/documents/versions/{versions[0].pk}/download/")
    assert b"".join(old.streaming_content) == CHARTER
    # search follows the current version
    hits = client.get("/api/v1/documents", {"q": "wombat"}).json()
    assert [h["id"] for h in hits["items"]] == [document.pk]
    assert client.get("/api/v1/documents", {"q": "zebrafish"}).json()["count"] == 0


def test_stale_version_form_is_409(world):
    document = upload(world)
    client = client_for(world, "director")
    response = post_file(client, f"/documents/{document.pk}/versions/new/", b"text", "v2.txt", version=99)
    assert response.status_code == 409
    assert document.versions.count() == 1


def test_retained_document_is_not_deleted(world, django_capture_on_commit_callbacks):
    document = upload(world, retain_until=date.today() + timedelta(days=30))
    client = client_for(world, "director")
    response = client.delete(f"/api/v1/documents/{document.pk}", HTTP_IF_MATCH=f'"{document.version}"')
    assert response.status_code == 422 and "retain_until" in response.content.decode()
    Document.objects.filter(pk=document.pk).update(retain_until=None)
    blob = document.current.blob
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/documents/{document.pk}", HTTP_IF_MATCH=f'"{document.version}"')
    assert response.status_code == 204
    assert not services.storage().exists(blob)


def test_api_metadata_patch_needs_if_match(world):
    document = upload(world)
    client = client_for(world, "coordinator")
    url = f"/api/v1/documents/{document.pk}"
    got = client.get(url)
    assert got["ETag"] == f'"{document.version}"'
    assert client.patch(url, {"status": "in_review"}, content_type="application/json").status_code == 428
    assert client.patch(url, {"status": "in_review"}, content_type="application/json",
                        HTTP_IF_MATCH='"999"').status_code == 412
    response = client.patch(url, {"status": "in_review", "review_date": "2026-09-30"},
                            content_type="application/json", HTTP_IF_MATCH=got["ETag"])
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    assert client.patch(url, {"title": ""}, content_type="application/json",
                        HTTP_IF_MATCH=response["ETag"]).status_code == 422


def test_api_upload_and_versions(world):
    client = client_for(world, "project_manager")
    response = client.post("/api/v1/documents", {
        "file": ContentFile(samples.xlsx([["Vendor", "Amount"], ["Quokka Ltd", 5000]]), name="quote.xlsx"),
        "target_type": "project", "target_id": world.project_a1.pk, "title": "Vendor quote", "kind": "quote"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current"]["content_type"].endswith("spreadsheetml.sheet") and body["project"] == world.project_a1.pk
    response = client.post(f"/api/v1/documents/{body['id']}/versions",
                           {"file": ContentFile(b"%PDF-1.4 nonsense", name="quote.xlsx")})
    assert response.status_code == 422 and "file" in response.content.decode()
    # project managers may not attach to the program
    response = client.post("/api/v1/documents", {"file": ContentFile(CHARTER, name="c.pdf"), "target_type": "program",
                                                 "target_id": world.program_a.pk, "title": "Charter"})
    assert response.status_code == 403


# --- scope isolation -------------------------------------------------------------------------------------

def test_scope_isolation_in_page_api_download_and_search(world):
    own = upload(world, world.project_a1, title="Own secret", data=b"quetzal own words", name="own.txt")
    other = upload(world, world.project_b1, title="Other secret", data=b"quetzal other words", name="other.txt")
    program_doc = upload(world, world.program_a, title="Program charter", data=b"quetzal program", name="p.txt")
    for role, sees in {"coordinator": {own, program_doc}, "program_manager": {own, program_doc},
                       "steering": {own, program_doc}, "project_manager": {own},
                       "analyst": {own, other, program_doc}}.items():
        client = client_for(world, role)
        found = {d["id"] for d in client.get("/api/v1/documents", {"q": "quetzal"}).json()["items"]}
        assert found == {d.pk for d in sees}, role
        listed = {d["id"] for d in client.get("/api/v1/documents").json()["items"]}
        assert listed == {d.pk for d in sees}, role
        page = client.get("/documents/", {"q": "quetzal"}).content.decode()
        for document in (own, other, program_doc):
            expected = 200 if document in sees else 404
            assert (document.title in page) == (document in sees), (role, document)
            assert client.get(document.get_absolute_url()).status_code == expected, (role, document)
            assert client.get(f"/api/v1/documents/{document.pk}").status_code == expected
            assert client.get(f"/documents/versions/{document.current.pk}/download/").status_code == expected
            assert client.get(f"/api/v1/document-versions/{document.current.pk}/download").status_code == expected


def test_search_highlights_and_escapes(world):
    upload(world, data=b"The <script>alert(1)</script> budget for the aardvark migration.",
           name="n.txt", title="Aardvark <b>plan</b>")
    page = client_for(world, "director").get("/documents/", {"q": "aardvark"}).content.decode()
    assert "<mark>aardvark</mark>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page or connection.vendor == "postgresql"  # ts_headline drops the tag itself
    assert "<mark>Aardvark</mark> &lt;b&gt;plan&lt;/b&gt;" in page


def test_search_query_syntax_is_never_an_error(world):
    upload(world)
    client = client_for(world, "director")
    for query in ['"', "AND OR NOT", "*", "NEAR(a b)", "title:x", "')--", "ü" * 300]:
        assert client.get("/documents/", {"q": query}).status_code == 200
        assert client.get("/api/v1/documents", {"q": query[:200]}).status_code == 200


def test_list_query_counts_do_not_grow(world):
    for i in range(3):  # one of each kind of object they belong to (one query per kind)
        upload(world, world.project_a1 if i else world.program_a, title=f"Doc {i}", data=f"text {i}".encode(),
               name=f"d{i}.txt")
    client = client_for(world, "coordinator")

    def count(url, params=None):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        return len(queries)

    urls = [("/documents/", None), ("/documents/", {"q": "text"}), (f"/documents/programs/{world.program_a.pk}/", None),
            ("/api/v1/documents", None), ("/api/v1/documents", {"q": "text"})]
    before = [count(u, p) for u, p in urls]
    for i in range(3, 12):
        upload(world, world.project_a1, title=f"Doc {i}", data=f"text {i}".encode(), name=f"d{i}.txt")
    assert [count(u, p) for u, p in urls] == before
