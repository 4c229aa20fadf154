"""Archived projects and programs are read-only everywhere: pages, API, commands and jobs.

The rule is written once. This module answers, for any object, the project or program it belongs to (found from
the model's foreign keys: its own ``project`` / ``program``, else through the object it hangs from, such as a task,
a risk or a control account) and whether that one is archived. Its :func:`refusal` is a
``pmo.core.policies.WRITE_GUARDS`` entry: every policy refuses every action but "view" on such an object
(so pages hide their edit controls), ``Policy.require`` names the archive in its 403, and ``core.audit.record``
refuses the write of any service that checks its own rules. No app has to know about archiving.

Archiving a program requires each of its projects archived first, so "the project is archived" answers for
everything that belongs to a project. The archived sets are read with one query, kept for the rest of a request
(reset when a request starts and when an archive changes).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models import Value

from .models import Program, Project

#: per request: {"ids": (archived project id -> code, archived program id -> code)}; None outside a request
_memo: ContextVar[dict | None] = ContextVar("pmo_archived", default=None)
#: model -> the foreign keys (attname, "project" | "program") on it, and the keys to follow when those are absent
_OWNER_FIELDS: dict[type, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {}
MAX_DEPTH = 3


def _begin(**_kwargs) -> None:
    _memo.set({})


def _end(**_kwargs) -> None:
    _memo.set(None)


request_started.connect(_begin, dispatch_uid="pmo.portfolio.archive.begin")
request_finished.connect(_end, dispatch_uid="pmo.portfolio.archive.end")


def forget() -> None:
    """Drop the archived sets read in this request (after archiving or unarchiving)."""
    if _memo.get() is not None:
        _memo.set({})


def archived() -> tuple[dict[int, str], dict[int, str]]:
    """(archived project id -> code, archived program id -> code), one query."""
    memo = _memo.get()
    if memo is not None and "ids" in memo:
        return memo["ids"]
    rows = (Project.objects.filter(archived_at__isnull=False).order_by().annotate(kind=Value("project"))
            .values_list("kind", "pk", "code")
            .union(Program.objects.filter(archived_at__isnull=False).order_by().annotate(kind=Value("program"))
                   .values_list("kind", "pk", "code"), all=True))
    projects: dict[int, str] = {}
    programs: dict[int, str] = {}
    for kind, pk, code in rows:
        (projects if kind == "project" else programs)[pk] = code
    if memo is not None:
        memo["ids"] = (projects, programs)
    return projects, programs


def _fields(model) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    if model not in _OWNER_FIELDS:
        owners, follow = [], []
        for field in model._meta.concrete_fields:
            if not field.is_relation or not (field.many_to_one or field.one_to_one):
                continue
            target = field.related_model
            if target is Project or target is Program:
                owners.append((field.attname, "project" if target is Project else "program"))
            elif (target._meta.label != settings.AUTH_USER_MODEL and target._meta.app_label != "contenttypes"
                  and not field.remote_field.parent_link):
                follow.append(field.name)
        # a project before a program (a program-level item has no project), a field named "project" first
        owners.sort(key=lambda owner: (owner[1] != "project", owner[0] != "project_id"))
        _OWNER_FIELDS[model] = (tuple(owners), tuple(follow))
    return _OWNER_FIELDS[model]


def owner_of(obj, depth: int = 0) -> tuple[str, int, models.Model | None] | None:
    """("project" | "program", its id, the instance when already loaded) that ``obj`` belongs to, or None (vendors,
    the pool, the PMO budget)."""
    if isinstance(obj, Project):
        return "project", obj.pk, obj
    if isinstance(obj, Program):
        return "program", obj.pk, obj
    if not isinstance(obj, models.Model) or depth > MAX_DEPTH:
        return None
    owners, follow = _fields(type(obj))
    for attname, kind in owners:
        pk = getattr(obj, attname)
        if pk is not None:
            field = obj._meta.get_field(attname.removesuffix("_id"))
            return kind, pk, getattr(obj, field.name) if field.is_cached(obj) else None
    if owners:
        return None
    for name in follow:
        parent = getattr(obj, name, None)
        found = owner_of(parent, depth + 1) if parent is not None else None
        if found:
            return found
    return None


def refusal(obj, *, fresh: bool = False) -> str | None:
    """The message refusing a write to ``obj`` when its project or program is archived, else None.

    Pages and policies read the owner's ``archived_at`` when it is loaded already (no query), else the archived
    ids of the request; ``fresh`` (the audit trail's check of a write) reads the owner's row.
    """
    owner = owner_of(obj)
    if owner is None:
        return None
    kind, pk, loaded = owner
    model = Project if kind == "project" else Program
    if fresh:
        code = model.objects.filter(pk=pk, archived_at__isnull=False).values_list("code", flat=True).first()
    elif loaded is not None and "archived_at" not in loaded.get_deferred_fields():
        code = loaded.code if loaded.archived_at is not None else None
    else:
        projects, programs = archived()
        code = (projects if kind == "project" else programs).get(pk)
    if code is None:
        return None
    return (f"{kind} {code} is archived: it and everything in it are read-only (closure); "
            f"only the PMO Director can unarchive it")


def is_archived(obj) -> bool:
    return refusal(obj) is not None
