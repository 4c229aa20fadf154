"""What an uploaded file really is: its type from its first bytes (no libmagic), and a safe name for it.

Accepted: PDF (``%PDF-``), Word (.docx) and Excel (.xlsx) workbooks (a zip whose ``[Content_Types].xml``
names the main part of a document or a workbook), and plain text (.txt, .csv, .md: valid UTF-8 without NUL
bytes). The extension of the name must agree with the content. A zip that expands beyond the limits below
(entries, declared uncompressed size) is refused before anything reads it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError

#: a zip part we read to decide the type is never larger than this
MAX_CONTENT_TYPES_BYTES = 256 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class FileKind:
    key: str  # pdf, docx, xlsx, text
    mime: str
    label: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "application/pdf", "a PDF document", (".pdf",))
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "a Word document", (".docx",))
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "an Excel workbook", (".xlsx",))
TEXT = FileKind("text", "text/plain", "a plain text file", (".txt", ".csv", ".md"))
KINDS = (PDF, DOCX, XLSX, TEXT)
EXTENSIONS = {ext: kind for kind in KINDS for ext in kind.extensions}
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx) or plain text (.txt, .csv, .md)"

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_UNSAFE = re.compile(r'[<>:"|?*\\/]')
MAX_NAME = 150


def safe_name(name: str) -> str:
    """``name`` without path components, control or format characters, characters Windows forbids, reserved
    device names or leading dots; at most 150 characters, the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE.sub("_", name).strip().strip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:16]
    stem = stem.strip() or "document"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def zip_limits_ok(archive: zipfile.ZipFile) -> str | None:
    """Why the archive is refused (too many entries or too large uncompressed), or None."""
    entries = archive.infolist()
    if len(entries) > settings.PMO_DOCUMENT_ZIP_MAX_ENTRIES:
        return f"the archive holds {len(entries)} entries, more than {settings.PMO_DOCUMENT_ZIP_MAX_ENTRIES}"
    total = sum(entry.file_size for entry in entries)
    if total > settings.PMO_DOCUMENT_ZIP_MAX_BYTES:
        return (f"the archive expands to {total:,} bytes, more than "
                f"{settings.PMO_DOCUMENT_ZIP_MAX_BYTES:,} (a zip bomb?)")
    return None


def _office_kind(stream: BinaryIO) -> FileKind:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse("the file starts like a zip archive but is not a readable one") from exc
    with archive:
        problem = zip_limits_ok(archive)
        if problem:
            raise _refuse(problem)
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError as exc:
            raise _refuse(f"a zip archive that is not an Office document; upload {ACCEPTED}") from exc
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            raise _refuse("the Office document's [Content_Types].xml is too large")
        try:
            with archive.open(info) as part:
                root = ElementTree.fromstring(part.read(MAX_CONTENT_TYPES_BYTES + 1))
        except Exception as exc:  # noqa: BLE001 - any broken or hostile XML is one answer: refused
            raise _refuse("the Office document's [Content_Types].xml cannot be read") from exc
    types = {element.get("ContentType", "") for element in root.iter() if element.tag.endswith("Override")}
    if DOCX_MAIN in types:
        return DOCX
    if XLSX_MAIN in types:
        return XLSX
    raise _refuse(f"an Office file that is neither a Word document nor an Excel workbook; upload {ACCEPTED}")


def _is_text(stream: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(64 * 1024):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect(stream: BinaryIO) -> FileKind | None:
    """The kind of file ``stream`` holds, judged by its bytes only (None: none we accept)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(stream)
    if _is_text(stream):
        stream.seek(0)
        return TEXT
    return None


def check(stream: BinaryIO, name: str) -> FileKind:
    """The file's kind when its content is one we accept and its name's extension agrees, else a
    ValidationError on ``file`` that says what the file is."""
    ext = extension(name)
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise _refuse(f"“{ext or 'no extension'}” files are not accepted; upload {ACCEPTED}")
    stream.seek(0)
    if not stream.read(1):
        raise _refuse("the file is empty")
    kind = detect(stream)
    stream.seek(0)
    if kind is None:
        raise _refuse(f"the content is not {expected.label} (nor any type accepted: {ACCEPTED})")
    if kind != expected:
        raise _refuse(f"the name ends in {ext} but the content is {kind.label} ({'/'.join(kind.extensions)})")
    return kind
