"""Reads of closure: the lessons library (search in text and tags), adoptions, and the closure report's figures.
Query counts do not grow with the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from pmo.portfolio.models import Program, Project
from pmo.portfolio.policies import project_policy

from . import checklist
from .models import Adoption, Lesson
from .policies import adoption_policy, lesson_policy

#: words of a search, each matched in the lesson's text or tags
MAX_WORDS = 8


def today() -> date:
    return timezone.localdate()


def lessons_for(user) -> QuerySet[Lesson]:
    return (lesson_policy.visible(user).select_related("program", "project", "created_by")
            .annotate(adoption_count=Count("adoptions")))


def adoptions_for(user) -> QuerySet[Adoption]:
    return adoption_policy.visible(user).select_related("lesson__program", "lesson__project", "project__program",
                                                        "created_by")


def search(queryset: QuerySet[Lesson], q: str | None, tag: str | None = None) -> QuerySet[Lesson]:
    """Every word of ``q`` in the title, what happened, the impact, the recommendation, the tags or the project's
    code (or ``LL-<id>``); ``tag``: one tag exactly."""
    if tag:
        queryset = queryset.filter(tags__contains=f",{' '.join(tag.split()).lower()},")
    for word in (q or "").split()[:MAX_WORDS]:
        match = (Q(title__icontains=word) | Q(what_happened__icontains=word) | Q(recommendation__icontains=word)
                 | Q(impact_note__icontains=word) | Q(tags__icontains=word) | Q(project__code__icontains=word)
                 | Q(program__code__icontains=word))
        if word.upper().startswith("LL-") and word[3:].isdigit() and len(word) < 20:
            match |= Q(pk=int(word[3:]))
        queryset = queryset.filter(match)
    return queryset


def tag_cloud(queryset: QuerySet[Lesson], limit: int = 30) -> list[tuple[str, int]]:
    """The most used tags of the lessons (one query over the tag column)."""
    counts: dict[str, int] = {}
    for tags in queryset.order_by().values_list("tags", flat=True)[:5000]:
        for tag in tags.split(","):
            if tag:
                counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def adoptions_of_project(user, project: Project) -> list[Adoption]:
    return list(adoptions_for(user).filter(project=project).order_by("-pk")[:200])


def adopted_from(user, target) -> list[Adoption]:
    """Adoptions by other projects of the lessons of ``target`` (a project or a program)."""
    rows = adoptions_for(user)
    rows = (rows.filter(lesson__project=target) if isinstance(target, Project)
            else rows.filter(lesson__program=target))
    return list(rows.order_by("-pk")[:200])


@dataclass
class Report:
    target: Project | Program
    planned_start: date | None
    planned_finish: date | None
    actual_start: date | None
    actual_finish: date | None
    money: checklist.Money | None
    currency: str
    evm: dict | None
    benefits: list
    checks: list[checklist.Check]
    lessons: list[Lesson]
    adopted: list[Adoption]
    projects: list[Project]

    @property
    def slip_days(self) -> int | None:
        if self.planned_finish and self.actual_finish:
            return (self.actual_finish - self.planned_finish).days
        return None

    @property
    def cost_variance_pct(self) -> Decimal | None:
        if self.money and self.money.budget:
            return (self.money.cost - self.money.budget) * 100 / self.money.budget
        return None


def _dates(project_ids: list[int]) -> tuple:
    """(planned start, planned finish) from each project's latest baseline, (actual start, finish) from the plan."""
    from pmo.planning.models import Task
    from pmo.planning.selectors import latest_baseline_dates

    planned = list(latest_baseline_dates(project_ids).values())
    actual = Task.objects.filter(project_id__in=project_ids).aggregate(s=Min("start"), f=Max("finish"))
    return (min((p[0] for p in planned if p[0]), default=None), max((p[1] for p in planned if p[1]), default=None),
            actual["s"], actual["f"])


def _evm(target, scope: checklist.Scope) -> dict | None:
    """Final indices at the last day of the plan (or today), from finance's earned value."""
    from pmo.finance.engine_adapter import project_evm, rollup_evm

    status = today()
    try:
        if scope.is_project:
            result = project_evm(target, status)
        else:
            result = rollup_evm(Project.objects.filter(pk__in=scope.project_ids), status, by="project",
                                currency=target.currency)
    except (ValueError, ZeroDivisionError):
        return None
    return result.as_dict()


def report(user, target) -> Report:
    scope = checklist.scope_of(target)
    planned_start, planned_finish, actual_start, actual_finish = _dates(scope.project_ids)
    from pmo.benefits.models import Benefit
    from pmo.benefits.policies import benefit_policy

    benefits = (Benefit.objects.filter(milestones__project_id=target.pk).distinct() if scope.is_project
                else Benefit.objects.filter(program=scope.program))
    lessons = list(scope.filter(Lesson.objects.all()).select_related("program", "project")
                   .annotate(adoption_count=Count("adoptions")).order_by("phase", "pk")[:500])
    projects = ([] if scope.is_project else
                list(project_policy.visible(user).filter(program=target).order_by("code")))
    hide_money = checklist.project_scoped(user, target)
    return Report(target=target, planned_start=planned_start, planned_finish=planned_finish,
                  actual_start=actual_start, actual_finish=actual_finish,
                  money=None if hide_money else checklist.money(scope),
                  currency=scope.program.currency, evm=None if hide_money else _evm(target, scope),
                  benefits=list(benefit_policy.visible(user, benefits).order_by("pk")[:200]),
                  checks=checklist.for_user(user, target, checklist.checklist(target)), lessons=lessons,
                  adopted=adopted_from(user, target), projects=projects)
