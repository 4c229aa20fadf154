"""Closure: the checklist marks people record (a hand tick where no app computes an item, or the PMO Director's
override of a computed item, with its reason), and the portfolio's lessons learned library with the adoptions of
its recommendations by later projects.

The checklist itself is computed (``checklist.py``); archiving is the portfolio's ``archived_at`` (see
``pmo.portfolio.archive``), set and cleared only by ``closure.services``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from pmo.core.models import GovernedModel
from pmo.core.navigation import Crumb
from pmo.portfolio.models import Lifecycle, Program, Project


class Item(models.TextChoices):
    """The closure checklist, in the order it is shown."""

    DELIVERABLES = "deliverables", "Deliverables accepted"
    CONTRACTS = "contracts", "Contracts and orders closed"
    BUDGET = "budget", "Budget reconciled"
    BENEFITS = "benefits", "Benefits handed over to their owners"
    LESSONS = "lessons", "Lessons captured"
    DOCUMENTS = "documents", "Documents approved"
    RAID = "raid", "Risks and issues closed"
    SIGNOFF = "signoff", "Closure signed off by the sponsor"
    PROJECTS = "projects", "Projects archived"


class MarkKind(models.TextChoices):
    TICK = "tick", "Ticked by hand"
    OVERRIDE = "override", "Overridden by the PMO Director"


def closure_crumb(target) -> Crumb:
    kind = "project" if isinstance(target, Project) else "program"
    return Crumb("Closure", reverse(f"closure:{kind}", args=[target.pk]), target)


class ChecklistMark(GovernedModel):
    """A hand tick of a checklist item no app computes, or the Director's override of a computed one."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", editable=False)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                editable=False, help_text="empty for the program's own checklist")
    item = models.CharField(max_length=16, choices=Item.choices)
    kind = models.CharField(max_length=10, choices=MarkKind.choices)
    note = models.CharField(max_length=1000, help_text="the evidence, or the reason for the override")

    audited_fields = ("program", "project", "item", "kind", "note")

    class Meta:
        ordering = ["program_id", "project_id", "item"]
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="closure_mark_one_per_project_item"),
            models.UniqueConstraint(fields=["program", "item"], condition=models.Q(project__isnull=True),
                                    name="closure_mark_one_per_program_item"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} ({self.get_kind_display().lower()})"

    @property
    def target(self):
        return self.project if self.project_id else self.program

    def get_absolute_url(self) -> str:
        return closure_crumb(self.target).url

    @property
    def crumb_parent(self):
        return closure_crumb(self.target)

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": "the project belongs to another program"})


class LessonCategory(models.TextChoices):
    SCOPE = "scope", "Scope and requirements"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost and finance"
    QUALITY = "quality", "Quality"
    RISK = "risk", "Risks and issues"
    RESOURCES = "resources", "Resources and people"
    PROCUREMENT = "procurement", "Procurement and suppliers"
    STAKEHOLDERS = "stakeholders", "Stakeholders and communication"
    GOVERNANCE = "governance", "Governance and decisions"
    TECHNICAL = "technical", "Technical"
    OTHER = "other", "Other"


class Impact(models.TextChoices):
    POSITIVE = "positive", "Positive (repeat it)"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


#: tags one lesson may carry, and the length of one tag
MAX_TAGS = 10
TAG_LENGTH = 30


def normalise_tags(value) -> str:
    """``"ERP, data migration ,erp"`` -> ``",erp,data migration,"`` (lower case, unique, in order; the commas at
    both ends let ``tags__contains=",erp,"`` find one tag exactly)."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    tags: list[str] = []
    for raw in items:
        tag = " ".join(str(raw).split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    errors = [f"{tag!r} is longer than {TAG_LENGTH} characters" for tag in tags if len(tag) > TAG_LENGTH]
    if len(tags) > MAX_TAGS:
        errors.append(f"at most {MAX_TAGS} tags")
    if errors:
        raise ValidationError({"tags": "; ".join(errors)})
    return f",{','.join(tags)}," if tags else ""


class Lesson(GovernedModel):
    """A lesson learned: what happened in a project (or at program level) and phase, its impact, and what the
    next projects should do; readable across the portfolio."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", editable=False)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="empty for a program-level lesson")
    phase = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.DELIVER)
    category = models.CharField(max_length=16, choices=LessonCategory.choices, default=LessonCategory.OTHER)
    title = models.CharField(max_length=200)
    what_happened = models.TextField(max_length=5000)
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.MEDIUM)
    impact_note = models.CharField("impact in detail", max_length=1000, blank=True)
    recommendation = models.TextField(max_length=5000)
    tags = models.CharField(max_length=(TAG_LENGTH + 1) * MAX_TAGS + 1, blank=True,
                            help_text="comma-separated, e.g. data migration, vendor")

    audited_fields = ("program", "project", "phase", "category", "title", "what_happened", "impact", "impact_note",
                      "recommendation", "tags")

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["program", "project"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"LL-{self.pk}"

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def scope_label(self) -> str:
        return self.project.code if self.project_id else self.program.code

    def get_absolute_url(self) -> str:
        return reverse("closure:lesson_detail", args=[self.pk])

    @property
    def crumb_parent(self):
        return Crumb("Lessons learned", reverse("closure:lessons"))

    @property
    def crumb_label(self) -> str:
        return self.ref

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": "the project belongs to another program"})


class AdoptionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ADOPTED = "adopted", "Adopted"
    NOT_APPLICABLE = "not_applicable", "Not applicable after all"


class Adoption(GovernedModel):
    """A later project adopting a lesson's recommendation; shown on the lesson and on the project's closure page."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="adoptions", editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", editable=False)
    status = models.CharField(max_length=16, choices=AdoptionStatus.choices, default=AdoptionStatus.PLANNED)
    note = models.CharField(max_length=1000, blank=True, help_text="how the project applies the recommendation")

    audited_fields = ("lesson", "project", "status", "note")

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["lesson", "project"], name="closure_adoption_once")]

    def __str__(self) -> str:
        return f"{self.project.code} adopts {self.lesson.ref}"

    def get_absolute_url(self) -> str:
        return self.lesson.get_absolute_url()

    @property
    def crumb_parent(self):
        return self.lesson

    def clean(self):
        if self.lesson_id and self.project_id and self.lesson.project_id == self.project_id:
            raise ValidationError({"project": "a project does not adopt its own lesson"})
