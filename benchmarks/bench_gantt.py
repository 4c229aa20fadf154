"""Gantt page of a 2,000-task project: server time and query count, on SQLite.

Run with ``.venv/bin/python -m benchmarks.bench_gantt [--tasks N] [--repeat R]``. Builds a throw-away
SQLite database with one project of N tasks (20 summaries, chained links, scheduled and baselined, as
the page tests build it), then times ``GET /projects/<pk>/plan/`` through the Django test client at
each zoom. Beside it, the chart's SVG drawn by the old per-row template (kept here only as the naive
baseline) against the one-pass Python renderer the page uses now, on the same chart, with a check that
both give the same markup.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

OLD_TEMPLATE = (  # the chart part of planning/_gantt_svg.html before the one-pass renderer
    '<div class="gantt border rounded bg-white" style="overflow:auto; max-height:78vh" data-testid="g'
    'antt">\n<div style="display:flex; width:{{ gantt.width }}px">\n{# the task names stay in view whil'
    'e the chart scrolls sideways #}\n<div style="position:sticky; left:0; z-index:2; flex:0 0 {{ gant'
    't.label_width }}px; background:#fff; border-right:1px solid #c5ccd3">\n<svg xmlns="http://www.w3.'
    'org/2000/svg" width="{{ gantt.label_width }}" height="{{ gantt.height }}" font-family="system-ui'
    ', sans-serif" font-size="12" role="img" aria-label="Tasks">\n  {% for r in gantt.rows %}{% if r.k'
    'ind == "project" %}<rect x="0" y="{{ r.y }}" width="{{ gantt.label_width }}" height="24" fill="#'
    'e7eef7"/>{% elif forloop.counter|divisibleby:2 %}<rect x="0" y="{{ r.y }}" width="{{ gantt.label'
    '_width }}" height="24" fill="#f6f8fa"/>{% endif %}{% endfor %}\n  <line x1="0" y1="39" x2="{{ gan'
    'tt.label_width }}" y2="39" stroke="#c5ccd3"/>\n  <text x="8" y="30" fill="#5c6770" font-weight="6'
    '00">WBS · Task</text>\n  {% for r in gantt.rows %}<text x="{% widthratio r.depth 1 14 %}" dx="8" '
    'y="{{ r.mid|add:4 }}" {% if r.kind == "summary" or r.kind == "project" %}font-weight="600"{% end'
    'if %} fill="{% if r.critical and r.kind != \'summary\' %}#b02a2a{% else %}#1d2b36{% endif %}">{% i'
    'f r.href %}<a href="{{ r.href }}">{% endif %}{% if r.wbs %}{{ r.wbs }} {% endif %}{{ r.label|tru'
    'ncatechars:44 }}{% if r.href %}</a>{% endif %}</text>{% endfor %}\n</svg>\n</div>\n<svg xmlns="http'
    '://www.w3.org/2000/svg" width="{{ gantt.chart_width }}" height="{{ gantt.height }}" viewBox="{{ '
    'gantt.label_width }} 0 {{ gantt.chart_width }} {{ gantt.height }}" font-family="system-ui, sans-'
    'serif" font-size="12" role="img" aria-label="Gantt chart">\n  <defs><marker id="arrowhead" viewBo'
    'x="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 '
    'L0,8 z" fill="#5c6770"/></marker></defs>\n  {% for r in gantt.rows %}{% if r.kind == "project" %}'
    '<rect x="0" y="{{ r.y }}" width="{{ gantt.width }}" height="24" fill="#e7eef7"/>{% elif forloop.'
    'counter|divisibleby:2 %}<rect x="0" y="{{ r.y }}" width="{{ gantt.width }}" height="24" fill="#f'
    '6f8fa"/>{% endif %}{% endfor %}\n  {% for t in gantt.ticks %}<line x1="{{ t.x }}" y1="22" x2="{{ '
    't.x }}" y2="{{ gantt.height }}" stroke="{% if t.major %}#c5ccd3{% else %}#e3e7eb{% endif %}"/><t'
    'ext x="{{ t.x|add:3 }}" y="16" fill="#5c6770" font-size="11">{{ t.label }}</text>{% endfor %}\n  '
    '<line x1="0" y1="39" x2="{{ gantt.width }}" y2="39" stroke="#c5ccd3"/>\n  {% for r in gantt.rows '
    '%}\n    {% if r.baseline %}<rect x="{{ r.baseline.0 }}" y="{{ r.y|add:18 }}" width="{{ r.baseline'
    '.1 }}" height="4" fill="#a3acb5"><title>baseline</title></rect>{% endif %}\n    {% if r.kind == "'
    'project" and r.w %}<path d="{{ r.summary_path }}" fill="#1f4e79"><title>{{ r.label }}</title></p'
    'ath>\n    {% elif r.kind == "summary" and r.w %}<path d="{{ r.summary_path }}" fill="#2b3640"><ti'
    'tle>{{ r.wbs }} {{ r.label }}: {{ r.task.start }} – {{ r.task.finish }}</title></path>\n    {% el'
    'if r.kind == "milestone" and r.x %}<polygon points="{{ r.diamond }}" fill="{% if r.critical %}#d'
    '63031{% else %}#2b3640{% endif %}"><title>{{ r.label }}: {{ r.task.finish }}{% if r.critical %} '
    '(critical){% endif %}</title></polygon><text x="{{ r.x|add:10 }}" y="{{ r.mid|add:4 }}" fill="#2'
    'b3640" font-size="11">{{ r.task.finish|date:"j M" }}</text>\n    {% elif r.kind == "task" and r.w'
    ' %}<rect x="{{ r.x }}" y="{{ r.y|add:5 }}" width="{{ r.w }}" height="12" rx="2" fill="{% if r.cr'
    'itical %}#e55353{% else %}#4a90d9{% endif %}"><title>{{ r.wbs }} {{ r.label }}: {{ r.task.start '
    '}} – {{ r.task.finish }}, float {{ r.task.total_float|floatformat:"-1" }} d{% if r.critical %} ('
    'critical){% endif %}</title></rect>{% if r.progress_w %}<rect x="{{ r.x }}" y="{{ r.y|add:9 }}" '
    'width="{{ r.progress_w }}" height="4" fill="#1d2b36" opacity=".55"/>{% endif %}\n    {% endif %}\n'
    '  {% endfor %}\n  <g fill="none" stroke="#5c6770" stroke-width="1">{% for d in gantt.arrows %}<pa'
    'th d="{{ d }}" marker-end="url(#arrowhead)"/>{% endfor %}</g>\n  {% if gantt.today_x %}<line x1="'
    '{{ gantt.today_x }}" y1="22" x2="{{ gantt.today_x }}" y2="{{ gantt.height }}" stroke="#d63031" s'
    'troke-dasharray="4 3"/><text x="{{ gantt.today_x|add:3 }}" y="34" fill="#d63031" font-size="10">'
    'today</text>{% endif %}\n</svg>\n</div>\n</div>\n'
)


def _setup(path: Path) -> None:
    os.environ["PMO_SQLITE_PATH"] = str(path)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _build(n_tasks: int):
    from datetime import date

    from pmo.accounts.models import Membership, Role, User
    from pmo.planning import services
    from pmo.planning.models import Dependency, Task
    from pmo.portfolio.models import Program, Project

    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    program = Program.objects.create(code="BENCH", name="Benchmark program")
    project = Project.objects.create(program=program, code="BENCH-1", name="Benchmark project",
                                     start=date(2026, 1, 5))
    phases = [Task(project=project, name=f"Phase {i}", order=i * 1000, duration=0) for i in range(20)]
    Task.objects.bulk_create(phases)
    per_phase = max(1, (n_tasks - 20) // 20 + 1)
    leaves = [Task(project=project, parent=phases[i // per_phase], name=f"Task {i} of the benchmark plan",
                   order=(i // per_phase) * 1000 + 1 + i, duration=1 + i % 5, is_milestone=i % 97 == 96,
                   percent_complete=(i * 7) % 100 if i < n_tasks // 4 else 0)
              for i in range(n_tasks - 20)]
    for t in leaves:
        if t.is_milestone:
            t.duration = 0
    Task.objects.bulk_create(leaves, batch_size=1000)
    kinds = ["FS", "FS", "FS", "SS", "FF"]
    Dependency.objects.bulk_create([Dependency(predecessor=a, successor=b, type=kinds[i % 5])
                                    for i, (a, b) in enumerate(zip(leaves, leaves[1:], strict=False))],
                                   batch_size=1000)
    services._reschedule_project(project)
    services.baseline_create(actor=director, project=project)
    return director, project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args, _ = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3")
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        t0 = time.perf_counter()
        director, project = _build(args.tasks)
        print(f"built a {args.tasks}-task project (scheduled, baselined) in {time.perf_counter() - t0:.2f} s")
        client = Client()
        client.force_login(director)
        print(f"{'GET /projects/<pk>/plan/':<40}{'best s':>8}{'median s':>10}{'queries':>9}{'KB':>8}")
        for zoom in ("week", "day", "month", "quarter"):
            url = f"/projects/{project.pk}/plan/?zoom={zoom}"
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.status_code
            times.sort()
            print(f"{'zoom=' + zoom:<40}{times[0]:>8.3f}{times[len(times) // 2]:>10.3f}"
                  f"{len(ctx.captured_queries):>9}{len(response.content) / 1024:>8.0f}")
        _compare_renderers(project, args.repeat)


def _compare_renderers(project, repeat: int) -> None:
    """The SVG of the same chart: old per-row template (naive baseline) against the Python renderer."""
    from django.template import engines
    from django.test import RequestFactory

    from pmo.planning import views
    from pmo.planning.models import Task

    request = RequestFactory().get("/")
    tasks = list(Task.objects.filter(project=project).order_by("order", "pk"))
    chart = views._gantt(request, [(None, tasks)], [project.pk])
    old = engines["django"].from_string(OLD_TEMPLATE)
    timings = {}
    for label, render in (("per-row template (old)", lambda: old.render({"gantt": chart})),
                          ("one-pass Python (now)", lambda: views.gantt_svg(chart))):
        best = min(_timed(render) for _ in range(repeat))
        timings[label] = best
    same = old.render({"gantt": chart}) == str(views.gantt_svg(chart))
    print(f"SVG of the same {len(tasks)}-task chart: " + ", ".join(f"{k} {v:.3f} s" for k, v in timings.items())
          + f" ({timings['per-row template (old)'] / timings['one-pass Python (now)']:.0f}x); "
          + f"identical markup: {'yes' if same else 'NO'}")


def _timed(render) -> float:
    t0 = time.perf_counter()
    render()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
