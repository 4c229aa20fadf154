"""Full-text search over 100,000 documents on SQLite (FTS5) and PostgreSQL (tsvector + GIN), beside a naive
``icontains`` scan of titles and texts in the same run.

Run with ``.venv/bin/python -m benchmarks.bench_documents [--documents N] [--database sqlite|postgres]``.
Each document has a title and a current version with about 120 words of text drawn from a 6,000-word
vocabulary (Zipf-like), in 20 programs of 5 projects; planted words match 20 documents (rare), 1 % (medium)
and 30 % (common). ``pmo.documents.search.search`` (count, best 25 by rank, snippets) is timed as the PMO
Director (sees everything) and as a Program Manager of 2 programs (the scope filter inside the search), beside
``title__icontains | text__icontains`` (count and the first 25). Both must find the same documents for the
rare word. Uses a throw-away SQLite file and PostgreSQL database ``pmo_documents_bench`` on
``PMO_BENCH_POSTGRES`` (its host), each backend in its own process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTGRES = os.environ.get("PMO_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/pmo_bench").rsplit("/", 1)[0] \
    + "/pmo_documents_bench"
PLANTED = {"rare": ("quetzalcoatl", None), "medium": ("wombat", 0.01), "common": ("budget", 0.30)}


def _setup(path: Path, database: str) -> None:
    if database == "postgres":
        from benchmarks.bench_reschedule import _fresh_postgres

        _fresh_postgres(POSTGRES)
        os.environ["DATABASE_URL"] = POSTGRES
    else:
        os.environ["PMO_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    os.environ["PMO_DOCUMENTS_ROOT"] = str(path.parent / "documents")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ten", "ra", "sul", "ve", "dor", "pa", "ni", "gro", "shu", "bel", "ta", "quo"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _build(n: int, seed: int):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from pmo.accounts.models import Membership, Role, User
    from pmo.documents import search
    from pmo.documents.models import Document, DocumentVersion
    from pmo.portfolio.models import Program, Project

    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 6000)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    director = User.objects.create_user("bench", "bench@example.com", "x")
    Membership.objects.create(user=director, role=Role.PMO_DIRECTOR)
    manager = User.objects.create_user("pm", "pm@example.com", "x")
    projects = []
    for p in range(20):
        program = Program.objects.create(code=f"P{p:02d}", name=f"Program {p}")
        if p < 2:
            Membership.objects.create(user=manager, role=Role.PROGRAM_MANAGER, program=program)
        projects += [Project.objects.create(program=program, code=f"P{p:02d}-{j}", name=f"Project {p}.{j}")
                     for j in range(5)]
    project_type = ContentType.objects.get_for_model(Project)
    rare = set(rng.sample(range(n), 20))
    kinds = ["charter", "plan", "report", "specification", "contract", "quote", "minutes", "evidence"]
    chunk = 5000
    for start in range(0, n, chunk):
        with transaction.atomic():
            docs, texts = [], []
            for i in range(start, min(n, start + chunk)):
                project = projects[i % len(projects)]
                words = rng.choices(vocabulary, weights, k=120)
                for key, (word, share) in PLANTED.items():
                    if (i in rare) if key == "rare" else rng.random() < share:
                        words[rng.randrange(len(words))] = word
                title = f"{rng.choice(kinds).title()} {' '.join(rng.choices(vocabulary, weights, k=3))}"
                docs.append(Document(title=title, kind=rng.choice(kinds), content_type=project_type,
                                     object_id=project.pk, program_id=project.program_id, project=project,
                                     created_by=director))
                texts.append(" ".join(words))
            Document.objects.bulk_create(docs)
            versions = DocumentVersion.objects.bulk_create([
                DocumentVersion(document=d, number=1, blob=f"documents/{d.pk}/x", file_name="f.txt",
                                size=len(t), sha256="0" * 64, content_type="text/plain", text=t, text_status="full")
                for d, t in zip(docs, texts, strict=True)])
            for d, v in zip(docs, versions, strict=True):
                d.current = v
            Document.objects.bulk_update(docs, ["current"])
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany("INSERT INTO documents_fts(rowid, title, body) VALUES (%s, %s, %s)",
                                       [(d.pk, d.title, t) for d, t in zip(docs, texts, strict=True)])
            else:
                for d, t in zip(docs, texts, strict=True):
                    search.index(d.pk, d.title, t)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE documents_document") if not connection.in_atomic_block else None
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return director, manager


def _time(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    fn()  # warm the caches
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260612)
    parser.add_argument("--database", choices=["sqlite", "postgres"], help="one backend (default: both, in turn)")
    args, _ = parser.parse_known_args()
    if args.database is None:
        for database in ("sqlite", "postgres"):
            print(f"--- {database}", flush=True)
            subprocess.run([sys.executable, "-m", "benchmarks.bench_documents", "--database", database,
                            *(f"--{k}={v}" for k, v in vars(args).items() if k != "database")], check=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp) / "bench.sqlite3", args.database)
        from django.db.models import Q

        from pmo.documents import search, selectors

        t0 = time.perf_counter()
        director, manager = _build(args.documents, args.seed)
        print(f"built {args.documents:,} documents with text and index in {time.perf_counter() - t0:.0f} s", flush=True)
        print(f"{'user':9} {'query':22} {'matches':>8} {'search ms':>10} {'icontains ms':>13} {'ratio':>6}")
        worst = 0.0
        for user, label in ((director, "director"), (manager, "pm 2 prog")):
            for key, (word, _share) in PLANTED.items():
                for query in (word, f"{word} budget" if key != "common" else None):
                    if query is None:
                        continue
                    visible = selectors.documents_for(user)
                    fast, results = _time(lambda v=visible, q=query: search.search(v, q, limit=25), args.repeats)
                    words = query.split()

                    def naive(v=visible, words=words):
                        match = Q()
                        for w in words:
                            match &= Q(title__icontains=w) | Q(current__text__icontains=w)
                        found = v.filter(match)
                        return found.count(), list(found.order_by("-updated_at", "-pk")[:25])

                    slow, (count, _page) = _time(naive, max(1, args.repeats // 2))
                    if key == "rare" and query == word:
                        assert results.count == count, (results.count, count)
                    worst = max(worst, fast)
                    print(f"{label:9} {query:22} {results.count:>8,} {fast:>10.1f} {slow:>13.1f} {slow / fast:>5.0f}x",
                          flush=True)
        print(f"slowest search: {worst:.1f} ms (target 200 ms)")


if __name__ == "__main__":
    main()
