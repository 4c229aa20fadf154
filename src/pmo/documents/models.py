"""Documents: files kept under the permissions of what they belong to, with their versions.

A document belongs to one object of any app (a program, a project, or whatever an app above registers in
:mod:`pmo.documents.registry`: a contract, a gate, a change request) through contenttypes, and carries the
program and project of that object, so its scope is known without asking the object. Its files live in the
``documents`` storage (``settings.STORAGES``: a private directory by default, an S3-compatible bucket when
configured), never under a public URL: each download passes through a view that applies the policies.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb


def documents_crumb() -> Crumb:
    return Crumb("Documents", reverse("documents:search"))


class DocumentKind(models.TextChoices):
    CHARTER = "charter", "Charter"
    PLAN = "plan", "Plan"
    REPORT = "report", "Status report"
    SPECIFICATION = "specification", "Specification"
    CONTRACT = "contract", "Contract"
    QUOTE = "quote", "Quote"
    MINUTES = "minutes", "Minutes"
    EVIDENCE = "evidence", "Evidence"
    OTHER = "other", "Other"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"


class TextStatus(models.TextChoices):
    FULL = "full", "Indexed"
    PARTIAL = "partial", "Partly indexed"
    NONE = "none", "No text"


class Document(GovernedModel):
    title = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    review_date = models.DateField(null=True, blank=True, help_text="when the document is next reviewed")
    retain_until = models.DateField("retain until", null=True, blank=True,
                                    help_text="the document cannot be deleted before this date")
    # what it belongs to, and that object's scope (kept here so lists and search filter without a join)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    target = GenericForeignKey("content_type", "object_id")
    program = models.ForeignKey("portfolio.Program", on_delete=models.PROTECT, related_name="+", editable=False)
    project = models.ForeignKey("portfolio.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False)
    current = models.ForeignKey("DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", editable=False)
    #: PostgreSQL full-text vector (title weight A, current text weight B); unused on SQLite (FTS5 table)
    search_vector = SearchVectorField(null=True, editable=False)

    audited_fields = ("title", "kind", "owner", "status", "review_date", "retain_until", "content_type",
                      "object_id", "program", "project")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"]), models.Index(fields=["program", "status"]),
                   models.Index(fields=["project"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"D-{self.pk}"

    @property
    def crumb_label(self) -> str:
        return self.ref

    @property
    def crumb_parent(self):
        return Crumb("Documents", reverse("documents:project_documents", args=[self.project_id]), self.project) \
            if self.project_id else Crumb("Documents", reverse("documents:program_documents", args=[self.program_id]),
                                          self.program)

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])


class DocumentVersion(GovernedModel):
    """One uploaded file of a document; versions are never changed, only added (``created_by``/``created_at``
    are who uploaded it and when)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    blob = models.CharField("stored as", max_length=200, editable=False,
                            help_text="the key in the documents storage (never derived from the file name)")
    file_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField("content type", max_length=100, help_text="detected from the content")
    text = models.TextField(blank=True, help_text="extracted for search")
    text_status = models.CharField(max_length=8, choices=TextStatus.choices, default=TextStatus.NONE)
    text_note = models.CharField(max_length=200, blank=True)
    note = models.CharField("what changed", max_length=500, blank=True)

    audited_fields = ("document", "number", "file_name", "size", "sha256", "content_type", "text_status", "note")

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="documents_version_number")]

    def __str__(self) -> str:
        return f"{self.document.ref} v{self.number} {self.file_name}"

    @property
    def crumb_parent(self):
        return self.document

    @property
    def format_label(self) -> str:
        """The detected type in a word (PDF, Word, Excel, Text)."""
        if self.content_type == "application/pdf":
            return "PDF"
        if "wordprocessingml" in self.content_type:
            return "Word"
        if "spreadsheetml" in self.content_type:
            return "Excel"
        return "Text"

    def get_absolute_url(self) -> str:
        return reverse("documents:version_download", args=[self.pk])
