"""Gantt geometry for the server-rendered SVG: rows in outline order, bars, baselines, arrows, scale.

Pure arithmetic over rows already loaded by the view (no queries here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

ZOOMS = {"day": 24.0, "week": 6.0, "month": 2.0, "quarter": 0.75}
ROW = 24
HEADER = 40
LABEL = 340
#: room after the last bar for a milestone's date label ("24 Aug" at font-size 11)
END_MARGIN = 48
#: today widens the axis when it falls at most this long before the first bar (a plan about to start)
LEAD_IN = timedelta(weeks=13)
#: the chart opens with today (or the first bar) this far from the task labels
SCROLL_MARGIN = 60
#: rows on the first screen, and chart pixels surely in view beside the labels when the page opens
FIRST_SCREEN = 30
IN_VIEW = 600


def label_width(text: str) -> float:
    """A generous estimate of a tick label's width at font-size 11 (SVG cannot measure server-side)."""
    return 3 + 7 * len(text)


@dataclass
class Row:
    y: int
    label: str
    wbs: str
    depth: int
    kind: str  # task, milestone, summary, project
    task: object | None = None
    x: float = 0
    w: float = 0
    progress_w: float = 0
    critical: bool = False
    baseline: tuple[float, float] | None = None
    href: str = ""

    @property
    def mid(self) -> int:
        return self.y + ROW // 2

    @property
    def diamond(self) -> str:
        cx, cy, r = self.x, self.mid, 7
        return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"

    @property
    def summary_path(self) -> str:
        x0, x1, y = self.x, self.x + self.w, self.y + 7
        return f"M{x0},{y} H{x1} V{y + 10} L{x1 - 5},{y + 6} H{x0 + 5} L{x0},{y + 10} Z"


@dataclass
class Tick:
    x: float
    label: str
    major: bool


@dataclass
class Gantt:
    rows: list[Row]
    arrows: list[str]
    ticks: list[Tick]
    width: int
    height: int
    today_x: float | None
    zoom: str
    label_width: int = LABEL
    start: date | None = None
    finish: date | None = None
    scroll_x: int = 0
    zooms: tuple[str, ...] = field(default=tuple(ZOOMS))

    @property
    def chart_width(self) -> int:
        return self.width - self.label_width


def outline(tasks: list) -> list[tuple[object, int]]:
    """Tasks in outline order (depth-first by ``order``) with their depth."""
    children: dict[int | None, list] = {}
    ids = {t.pk for t in tasks}
    for t in sorted(tasks, key=lambda t: (t.order, t.pk)):
        children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
    out: list[tuple[object, int]] = []
    stack = [(t, 0) for t in reversed(children.get(None, []))]
    while stack:
        t, depth = stack.pop()
        out.append((t, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(t.pk, [])))
    return out


def build(groups: list[tuple[object | None, list]], links: list, baseline: dict[int, tuple], *, zoom: str,
          today: date, href=None) -> Gantt:
    """``groups``: (project or None, its tasks); ``baseline``: task id -> (start, finish)."""
    zoom = zoom if zoom in ZOOMS else "week"
    scale = ZOOMS[zoom]
    days = [d for _, tasks in groups for t in tasks for d in (t.start, t.finish) if d]
    days += [d for pair in baseline.values() for d in pair if d]
    first_bar, last_bar = min(days, default=today), max(days, default=today)
    # the axis runs from the first bar (or today, just before a plan starts) to the last bar
    first = (today if first_bar - LEAD_IN <= today < first_bar else first_bar) - timedelta(days=7)
    last = last_bar
    if zoom in {"month", "quarter"}:
        first = first.replace(day=1)

    def x(day: date, end: bool = False) -> float:
        return LABEL + ((day - first).days + (1 if end else 0)) * scale

    rows: list[Row] = []
    y = HEADER
    for project, tasks in groups:
        if project is not None:
            header = Row(y=y, label=f"{project.code} {project.name}", wbs="", depth=0, kind="project")
            starts = [t.start for t in tasks if t.start]
            finishes = [t.finish for t in tasks if t.finish]
            if starts and finishes:  # the project's span, as a summary bar
                header.x = x(min(starts))
                header.w = max(x(max(finishes), end=True) - header.x, 2.0)
            rows.append(header)
            y += ROW
        for t, depth in outline(tasks):
            kind = "summary" if t.is_summary else "milestone" if t.is_milestone else "task"
            row = Row(y=y, label=t.name, wbs=t.wbs, depth=depth, kind=kind, task=t, critical=t.is_critical,
                      href=href(t) if href else "")
            if t.start and t.finish:
                row.x = x(t.start) if kind != "milestone" else x(t.finish, end=True)
                row.w = max(x(t.finish, end=True) - x(t.start), 2.0) if kind != "milestone" else 0
                row.progress_w = row.w * float(t.percent_complete or 0) / 100
            base = baseline.get(t.pk)
            if base and base[0] and base[1]:
                row.baseline = (x(base[0]), max(x(base[1], end=True) - x(base[0]), 2.0))
            rows.append(row)
            y += ROW
    by_task = {r.task.pk: r for r in rows if r.task is not None}
    arrows = []
    for link in links:
        a, b = by_task.get(link.predecessor_id), by_task.get(link.successor_id)
        if a is None or b is None or not (a.task.start and b.task.start):
            continue
        from_finish = link.type in {"FS", "FF"}
        to_finish = link.type in {"FF", "SF"}
        x0 = a.x + (a.w if from_finish else 0)
        x1 = b.x + (b.w if to_finish else 0)
        y0, y1 = a.mid, b.mid
        step = 6 if from_finish else -6
        down = 1 if y1 > y0 else -1
        if (x1 - 4 >= x0 + step and not to_finish) or (to_finish and x1 + 4 <= x0 + step):
            arrows.append(f"M{x0},{y0} H{x0 + step} V{y1} H{x1}")
        else:
            mid_y = y1 - down * ROW // 2
            back = x1 - 8 if not to_finish else x1 + 8
            arrows.append(f"M{x0},{y0} H{x0 + step} V{mid_y} H{back} V{y1} H{x1}")
    ticks = _ticks(first, last, zoom, x)
    width = int(max([x(last, end=True) + END_MARGIN, *(t.x + label_width(t.label) for t in ticks)])) + 1
    today_x = x(today) if first <= today <= last else None
    # open where the first screen of rows has its bars, at today when those are in view from there
    top = [r.x for r in rows[:FIRST_SCREEN] if r.w or (r.kind == "milestone" and r.x)]
    first_x = min(top, default=x(first_bar))
    opening = today_x if today_x is not None and 0 <= first_x - today_x <= IN_VIEW else first_x
    scroll_x = max(0, int(opening - LABEL - SCROLL_MARGIN))
    return Gantt(rows=rows, arrows=arrows, ticks=ticks, width=width, height=y + 4, today_x=today_x, zoom=zoom,
                 start=first, finish=last, scroll_x=scroll_x)


def _ticks(first: date, last: date, zoom: str, x) -> list[Tick]:
    ticks = []
    day = first
    if zoom == "day":
        while day <= last:
            ticks.append(Tick(x(day), day.strftime("%d") if day.weekday() else day.strftime("%d %b"),
                              major=day.weekday() == 0))
            day += timedelta(days=1)
    elif zoom == "week":
        day = first - timedelta(days=first.weekday())
        while day <= last:
            ticks.append(Tick(x(day), day.strftime("%d %b"), major=day.day <= 7))
            day += timedelta(days=7)
    else:
        day = first.replace(day=1)
        while day <= last:
            if zoom == "month" or day.month in {1, 4, 7, 10}:
                label = day.strftime("%b %Y") if zoom == "month" else f"Q{(day.month - 1) // 3 + 1} {day.year}"
                ticks.append(Tick(x(day), label, major=day.month == 1))
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return ticks
