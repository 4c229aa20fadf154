"""PSPLIB single-mode RCPSP files (``.sm``) and their result tables (``j30opt.sm``, ``j120hrs.sm``, ``j120lb.sm``).

An ``.sm`` file describes one project: jobs numbered 1..n (job 1 and job n are the dummy source and sink),
each with one mode (a duration and a request per resource), its successors (finish-to-start, lag 0), and the
capacity of each renewable resource. Kolisch & Sprecher (1997), PSPLIB - a project scheduling problem
library, EJOR 96(1). The result tables give, per parameter set and instance, the optimum (``j30opt.sm``),
the best known makespan (``*hrs.sm``) or the best upper and lower bounds (``*lb.sm``).

Malformed input raises :class:`PsplibError`, which names the line and the reason.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pmo.engine import leveling
from pmo.engine.cpm import LinkType
from pmo.engine.network import CycleError, topological_order

#: the sections every ``.sm`` file has, in file order
SECTIONS = ("PRECEDENCE RELATIONS", "REQUESTS/DURATIONS", "RESOURCEAVAILABILITIES")


class PsplibError(ValueError):
    """A PSPLIB file is malformed or describes an infeasible project; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str, source: str = ""):
        self.line = line
        self.reason = reason
        super().__init__(f"{source + ' ' if source else ''}line {line}: {reason}")


@dataclass(frozen=True, slots=True)
class Job:
    """One job: its number in the file (1-based), duration, successors' numbers, one request per resource."""

    number: int
    duration: int
    successors: tuple[int, ...]
    requests: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PsplibProblem:
    """A single-mode RCPSP instance as the file states it (nonrenewable resources, unused in one mode, dropped)."""

    jobs: tuple[Job, ...]
    capacities: tuple[int, ...]
    resources: tuple[str, ...]
    horizon: int
    name: str = ""

    def to_leveling(self) -> leveling.Problem:
        """The instance as a :class:`pmo.engine.leveling.Problem`: activity ids are the job numbers as strings,
        successors become FS links with lag 0, resources keep the file's names (``R1``, ``R2``...)."""
        return leveling.Problem(
            activities=[
                leveling.Activity(
                    str(job.number),
                    job.duration,
                    requests={r: q for r, q in zip(self.resources, job.requests, strict=True) if q},
                )
                for job in self.jobs
            ],
            links=[
                leveling.Link(str(job.number), str(s), LinkType.FS, 0) for job in self.jobs for s in job.successors
            ],
            resources=[leveling.Resource(r, c) for r, c in zip(self.resources, self.capacities, strict=True)],
        )


@dataclass(frozen=True, slots=True)
class Reference:
    """A result-table row: ``upper`` is the optimum or best known makespan, ``lower`` the best lower bound
    (equal to ``upper`` in ``j30opt.sm``; ``None`` where the table has none, as in ``*hrs.sm``)."""

    upper: int
    lower: int | None

    @property
    def optimal(self) -> bool:
        return self.lower == self.upper


def read_sm(path: str | os.PathLike) -> PsplibProblem:
    """Parse the ``.sm`` file at ``path``; errors name the file and the line."""
    path = Path(path)
    return parse_sm(path.read_text(encoding="latin-1"), name=path.stem)


def parse_sm(text: str, *, name: str = "") -> PsplibProblem:
    """Parse the text of a single-mode ``.sm`` file."""
    return _SmParser(text, name).parse()


def read_reference(path: str | os.PathLike) -> dict[tuple[int, int], Reference]:
    """Parse a result table file (``j30opt.sm``, ``jXXhrs.sm``, ``jXXlb.sm``; UTF-8 or Latin-1)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # j120lb.sm spells authors' names in Latin-1
    return parse_reference(text, source=Path(path).name)


_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)(?:\s+(\S+))?")


def parse_reference(text: str, *, source: str = "") -> dict[tuple[int, int], Reference]:
    """``(parameter set, instance) -> Reference`` from the text of a result table.

    The column header says which table it is: ``... Makespan CPU-Time`` (proven optima), ``... Makespan
    Date ... Author`` (best known, no lower bound) or ``... UB LB ...`` (bounds; ``*`` marks LB = UB).
    """
    kind = None
    rows: dict[tuple[int, int], Reference] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if kind is None:
            if len(words) >= 3 and words[0].lower() in ("par", "paramter", "parameter"):
                if "UB" in words and "LB" in words:
                    kind = "bounds"
                elif "Makespan" in words and any(w.startswith("CPU") for w in words):
                    kind = "optimum"
                elif "Makespan" in words:
                    kind = "best"
            continue
        if not words or not words[0].isdigit():
            continue
        match = _ROW.match(line)
        if match is None or (kind == "bounds" and not (match.group(4) or "").isdigit()):
            raise PsplibError(number, f"expected a {kind} row (parameter, instance, value...), got {line.strip()!r}",
                              source)
        key = (int(match.group(1)), int(match.group(2)))
        if key in rows:
            raise PsplibError(number, f"parameter {key[0]} instance {key[1]} appears twice", source)
        upper = int(match.group(3))
        lower = int(match.group(4)) if kind == "bounds" else upper if kind == "optimum" else None
        rows[key] = Reference(upper, lower)
    if kind is None:
        raise PsplibError(len(text.splitlines()), "no column header (Par Inst Makespan... or Par Inst UB LB)", source)
    return rows


class _SmParser:
    def __init__(self, text: str, name: str):
        self.lines = text.splitlines()
        self.name = name

    def error(self, line: int, reason: str) -> PsplibError:
        return PsplibError(line, reason, self.name)

    def ints(self, index: int, count: int | None = None, what: str = "row") -> list[int]:
        """The integers of line ``index`` (0-based); ``count`` columns exactly when given."""
        words = self.lines[index].split()
        if count is not None and len(words) != count:
            raise self.error(index + 1, f"{what} has {len(words)} columns, expected {count}")
        values = []
        for word in words:
            try:
                values.append(int(word))
            except ValueError:
                raise self.error(index + 1, f"{what}: {word!r} is not an integer") from None
        if any(v < 0 for v in values):
            raise self.error(index + 1, f"{what}: negative value {min(values)}")
        return values

    def header_value(self, label: str) -> tuple[int, int]:
        """``(line index, integer)`` of the ``label ... : value`` header line."""
        for i, line in enumerate(self.lines):
            if line.strip().lower().startswith(label) and ":" in line:
                words = line.split(":", 1)[1].split()
                if not words:
                    raise self.error(i + 1, f"{label}: no value")
                try:
                    value = int(words[0])
                except ValueError:
                    raise self.error(i + 1, f"{label}: {words[0]!r} is not an integer") from None
                return i, value
        raise self.error(len(self.lines), f"missing header line '{label}'")

    def section(self, title: str) -> int:
        """Index of the first data line after the section title and its column header(s)."""
        for i, line in enumerate(self.lines):
            if line.strip().upper().startswith(title):
                i += 1
                while i < len(self.lines) and not self.lines[i].strip()[:1].isdigit():
                    if self.lines[i].startswith("*"):
                        raise self.error(i + 1, f"section {title} has no rows")
                    i += 1
                return i
        raise self.error(len(self.lines), f"missing section {title}")

    def rows(self, start: int, count: int, title: str) -> range:
        end = start + count
        for i in range(start, end):
            if i >= len(self.lines) or not self.lines[i].strip() or self.lines[i].startswith("*"):
                raise self.error(min(i, len(self.lines)) + 1, f"section {title}: expected {count} job rows, "
                                 f"found {i - start}")
        return range(start, end)

    def parse(self) -> PsplibProblem:
        jobs_line, n = self.header_value("jobs")
        if n < 1:
            raise self.error(jobs_line + 1, "the project has no jobs")
        _, horizon = self.header_value("horizon")
        _, renewable = self.header_value("- renewable")
        others = sum(self.header_value(label)[1] for label in ("- nonrenewable", "- doubly constrained"))

        successors: list[tuple[int, ...]] = []
        precedence_line: list[int] = []
        for i in self.rows(self.section(SECTIONS[0]), n, SECTIONS[0]):
            words = self.lines[i].split()
            if len(words) < 3:
                raise self.error(i + 1, f"precedence row has {len(words)} columns, expected at least 3")
            number, modes, count = self.ints(i, None, "precedence row")[:3]
            self.expect_job(i, number, len(successors) + 1)
            if modes != 1:
                raise self.error(i + 1, f"job {number} has {modes} modes; only single-mode files are supported")
            values = self.ints(i, 3 + count, f"precedence row of job {number} ({count} successors)")
            for s in values[3:]:
                if not 1 <= s <= n:
                    raise self.error(i + 1, f"job {number}: successor {s} does not exist (jobs are 1..{n})")
                if s == number:
                    raise self.error(i + 1, f"job {number} is its own successor")
            successors.append(tuple(values[3:]))
            precedence_line.append(i + 1)

        columns = 3 + renewable + others
        durations, requests = [], []
        for i in self.rows(self.section(SECTIONS[1]), n, SECTIONS[1]):
            values = self.ints(i, columns, f"request row of job {len(durations) + 1}")
            self.expect_job(i, values[0], len(durations) + 1)
            durations.append(values[2])
            requests.append(tuple(values[3 : 3 + renewable]))

        first = self.section(SECTIONS[2])
        if first >= len(self.lines):
            raise self.error(len(self.lines), f"section {SECTIONS[2]} has no capacity row")
        capacities = tuple(self.ints(first, renewable + others, "capacity row")[:renewable])
        request_start = self.section(SECTIONS[1])
        for j, row in enumerate(requests):
            for r, (q, c) in enumerate(zip(row, capacities, strict=True)):
                if q > c:
                    raise self.error(request_start + j + 1, f"job {j + 1} requests {q} of R{r + 1}, above its "
                                     f"capacity {c} (line {first + 1}): the project is infeasible")

        pred = [j for j, succ in enumerate(successors) for _ in succ]
        succ = [s - 1 for row in successors for s in row]
        try:
            topological_order(n, pred, succ, [str(k) for k in range(1, n + 1)])
        except CycleError as exc:
            jobs = " -> ".join([*exc.cycle, exc.cycle[0]])
            raise self.error(precedence_line[int(exc.cycle[0]) - 1], f"the successors form a cycle: jobs {jobs}") \
                from None

        jobs = tuple(
            Job(k + 1, durations[k], successors[k], requests[k]) for k in range(n)
        )
        resources = tuple(f"R{r + 1}" for r in range(renewable))
        return PsplibProblem(jobs, capacities, resources, horizon, self.name)

    def expect_job(self, index: int, number: int, expected: int) -> None:
        if number != expected:
            raise self.error(index + 1, f"job number {number}, expected {expected} (jobs are listed in order)")
