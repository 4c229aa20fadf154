"""Text for the search index, extracted inline at upload under strict limits.

Inline rather than as a background job: a PMO uploads a charter and searches for it the next minute, and
the limits below keep one extraction to a bounded time and memory (characters kept, PDF pages read,
seconds spent, bytes expanded from a zip), so a worker queue would add a "text pending" state without
making anything safer. Whatever goes wrong (a broken or hostile PDF, a zip that lies about its sizes,
XML with entities) the document is stored without text, with the reason on its version; it never fails
the upload.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from defusedxml.ElementTree import iterparse
from django.conf import settings

from .filetypes import DOCX, PDF, TEXT, XLSX, FileKind, zip_limits_ok

logger = logging.getLogger(__name__)

FULL, PARTIAL, NONE = "full", "partial", "none"


@dataclass(frozen=True)
class Extraction:
    text: str
    status: str  # full, partial (a limit stopped it), none (no text: see note)
    note: str = ""


class _Limit(Exception):
    """A limit was reached: keep what was extracted so far."""


class _Collector:
    def __init__(self, deadline: float):
        self.parts: list[str] = []
        self.size = 0
        self.limit = settings.PMO_DOCUMENT_TEXT_MAX_CHARS
        self.deadline = deadline
        self.reason = ""

    def add(self, text: str) -> None:
        if not text:
            return
        room = self.limit - self.size
        self.parts.append(text[:room])
        self.size += min(len(text), room)
        if self.size >= self.limit:
            self.reason = f"text kept up to {self.limit:,} characters"
            raise _Limit
        if time.monotonic() > self.deadline:
            self.reason = f"extraction stopped after {settings.PMO_DOCUMENT_EXTRACT_SECONDS} s"
            raise _Limit

    def text(self) -> str:
        return "".join(self.parts).strip()


class _Bounded(io.RawIOBase):
    """A reader that stops with _Limit after ``limit`` bytes (a zip member that expands beyond its size)."""

    def __init__(self, raw: BinaryIO, limit: int, collector: _Collector):
        self.raw, self.left, self.collector = raw, limit, collector

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(min(len(buffer), self.left + 1))
        if len(data) > self.left:
            self.collector.reason = "the archive expands beyond its limit"
            raise _Limit
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _xml_text(archive: zipfile.ZipFile, names: list[str], collector: _Collector, *, breaks: dict[str, str]) -> None:
    """Text of the ``t`` elements of the XML parts ``names``, streamed: each element is cleared once read
    and each part is read through a reader that stops at the archive's byte limit."""
    for name in names:
        with archive.open(archive.getinfo(name)) as raw:
            stream = io.BufferedReader(_Bounded(raw, settings.PMO_DOCUMENT_ZIP_MAX_BYTES, collector))
            for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
                tag = _local(element.tag)
                if tag == "t":
                    collector.add(element.text or "")
                elif tag in breaks:
                    collector.add(breaks[tag])
                    element.clear()


def _office(stream: BinaryIO, kind: FileKind, collector: _Collector) -> None:
    with zipfile.ZipFile(stream) as archive:
        problem = zip_limits_ok(archive)
        if problem:
            collector.reason = problem
            raise _Limit
        names = set(archive.namelist())
        if kind == DOCX:
            parts = [n for n in ("word/document.xml",) if n in names]
            _xml_text(archive, parts, collector, breaks={"p": "\n", "tab": " ", "br": "\n"})
        else:
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            parts = [n for n in ("xl/sharedStrings.xml",) if n in names] + sheets
            _xml_text(archive, parts, collector, breaks={"si": "\n", "row": "\n", "c": " "})


def _pdf(stream: BinaryIO, collector: _Collector) -> None:
    from pypdf import PdfReader

    reader = PdfReader(stream, strict=False)
    if reader.is_encrypted:
        collector.reason = "the PDF is encrypted"
        raise _Limit
    max_pages = settings.PMO_DOCUMENT_PDF_MAX_PAGES
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            collector.reason = f"text of the first {max_pages} pages"
            raise _Limit
        collector.add((page.extract_text() or "") + "\n")


def _text(stream: BinaryIO, collector: _Collector) -> None:
    data = stream.read(settings.PMO_DOCUMENT_TEXT_MAX_CHARS * 4 + 4)
    collector.add(data.decode("utf-8-sig", errors="ignore"))


def extract(stream: BinaryIO, kind: FileKind) -> Extraction:
    """The searchable text of a file of ``kind`` (checked by :func:`pmo.documents.filetypes.check`)."""
    collector = _Collector(time.monotonic() + settings.PMO_DOCUMENT_EXTRACT_SECONDS)
    stream.seek(0)
    try:
        if kind == PDF:
            _pdf(stream, collector)
        elif kind in (DOCX, XLSX):
            _office(stream, kind, collector)
        elif kind == TEXT:
            _text(stream, collector)
    except _Limit:
        text = collector.text()
        return Extraction(text, PARTIAL if text else NONE, collector.reason)
    except Exception as exc:  # noqa: BLE001 - a file the extractor cannot read is stored without text
        logger.info("no text extracted (%s): %s", kind.key, exc)
        return Extraction("", NONE, f"the text could not be extracted ({type(exc).__name__})")
    finally:
        stream.seek(0)
    text = collector.text()
    return Extraction(text, FULL if text else NONE, "" if text else "the file holds no text")
