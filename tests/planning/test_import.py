"""MS Project XML import: samples, MS Project's dates, hostile and broken files, replace, command, upload."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pmo.core.models import AuditEvent
from pmo.planning.importer import mspdi_import
from pmo.planning.models import Calendar, Dependency, Task
from pmo.portfolio.models import Project

from ..conftest import client_for

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "mspdi"
SAMPLES = sorted(p.name for p in DATA.glob("*.xml")) if DATA.is_dir() else []
needs_data = pytest.mark.skipif(not SAMPLES, reason="shared/data/mspdi not present")

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol3;</Name></Project>"""


@pytest.fixture
def empty_project(world):
    return Project.objects.create(program=world.program_a, code="PA-9", name="Imported")


@needs_data
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_imports_and_schedules(world, empty_project, name):
    if name.startswith("calendar-"):  # calendars only
        with pytest.raises(ValidationError, match="no tasks"):
            mspdi_import(actor=world.users["director"], project=empty_project, data=(DATA / name).read_bytes())
        return
    count = mspdi_import(actor=world.users["director"], project=empty_project, data=(DATA / name).read_bytes())
    assert count == Task.objects.filter(project=empty_project).count() > 0
    assert not Task.objects.filter(project=empty_project, is_summary=False, start__isnull=True).exists()


@needs_data
def test_dates_match_ms_project(world, empty_project):
    """mspdirelations.xml: one link of each type; MS Project's stored dates, to the day."""
    before = AuditEvent.objects.count()
    mspdi_import(actor=world.users["director"], project=empty_project,
                 data=(DATA / "mspdirelations.xml").read_bytes())
    assert AuditEvent.objects.count() == before + 2  # the import, and the project start it filled in
    empty_project.refresh_from_db()
    assert empty_project.start == date(2006, 9, 21)
    tasks = {t.name: t for t in Task.objects.filter(project=empty_project)}
    expected = {"Task 1": (date(2006, 9, 21), date(2006, 9, 21)), "Task 2": (date(2006, 9, 22), date(2006, 9, 22)),
                "Task 3": (date(2006, 9, 25), date(2006, 9, 25)), "Task 4": (date(2006, 9, 25), date(2006, 9, 25))}
    assert {name: (tasks[name].start, tasks[name].finish) for name in expected} == expected
    assert tasks["Task 5"].start == date(2006, 9, 22)
    types = sorted(Dependency.objects.filter(successor__project=empty_project).values_list("type", flat=True))
    assert types == ["FF", "FS", "SF", "SS"]
    assert Dependency.objects.get(type="SS").lag == 1


@needs_data
def test_hierarchy_calendar_and_progress(world, empty_project):
    mspdi_import(actor=world.users["director"], project=empty_project, data=(DATA / "sample.xml").read_bytes())
    assert Task.objects.filter(project=empty_project, parent__isnull=False).count() == 16
    assert Task.objects.filter(project=empty_project, is_summary=True).exists()
    mspdi_import(actor=world.users["director"], project=empty_project, replace=True,
                 data=(DATA / "mspditimephased.xml").read_bytes())
    assert Task.objects.filter(project=empty_project, percent_complete=100).exists()
    assert Task.objects.filter(project=empty_project, percent_complete=50, actual_start__isnull=False).exists()
    calendar = Calendar.objects.get(project=empty_project)
    assert calendar.weekmask == "1111100"


@needs_data
def test_a_project_with_tasks_needs_replace(world, empty_project):
    data = (DATA / "mspdirelations.xml").read_bytes()
    mspdi_import(actor=world.users["director"], project=empty_project, data=data)
    with pytest.raises(ValidationError, match="already has 5 tasks"):
        mspdi_import(actor=world.users["director"], project=empty_project, data=data)
    mspdi_import(actor=world.users["director"], project=empty_project, data=data, replace=True)
    assert Task.objects.filter(project=empty_project).count() == 5


@pytest.mark.parametrize(("data", "reason"), [
    (BILLION_LAUGHS, "refused unsafe XML"),
    (b'<?xml version="1.0"?>\n<Project xmlns="http://schemas.microsoft.com/project">\n<Name>cut', "malformed XML"),
    (b"", "malformed XML"),
])
def test_hostile_or_broken_files_write_nothing(world, empty_project, data, reason):
    task_count, events = Task.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        mspdi_import(actor=world.users["director"], project=empty_project, data=data)
    message = " ".join(err.value.messages)
    assert reason in message and ("line" in message or not data)
    assert (Task.objects.count(), AuditEvent.objects.count()) == (task_count, events)


@needs_data
def test_truncated_sample_names_the_line(world, empty_project):
    data = (DATA / "sample.xml").read_bytes()
    with pytest.raises(ValidationError) as err:
        mspdi_import(actor=world.users["director"], project=empty_project, data=data[: len(data) // 2])
    assert "line " in " ".join(err.value.messages)
    assert not Task.objects.filter(project=empty_project).exists()


def test_import_needs_the_right_to_change_the_plan(world, empty_project):
    with pytest.raises(PermissionDenied):
        mspdi_import(actor=world.users["steering"], project=empty_project, data=b"<x/>")


@needs_data
def test_management_command(world, empty_project):
    out = StringIO()
    call_command("import-mspdi", str(DATA / "mspdirelations.xml"), "--project", "PA-9", "--as", "director",
                 stdout=out)
    assert "imported 5 tasks into PA-9" in out.getvalue()
    with pytest.raises(CommandError, match="already has 5 tasks"):
        call_command("import-mspdi", str(DATA / "mspdirelations.xml"), "--project", "PA-9", "--as", "director")
    call_command("import-mspdi", str(DATA / "mspdirelations.xml"), "--project", "PA-9", "--as", "director",
                 "--replace", stdout=out)
    with pytest.raises(CommandError, match="may not change"):
        call_command("import-mspdi", str(DATA / "mspdirelations.xml"), "--project", "PA-9", "--as", "analyst",
                     "--replace")


@needs_data
def test_upload_page(world, empty_project):
    client = client_for(world, "director")
    url = f"/projects/{empty_project.pk}/plan/import/"
    response = client.post(url, {"file": SimpleUploadedFile("plan.xml", (DATA / "mspdirelations.xml").read_bytes())})
    assert response.status_code == 302 and Task.objects.filter(project=empty_project).count() == 5
    response = client.post(url, {"file": SimpleUploadedFile("bomb.xml", BILLION_LAUGHS), "replace": "on"})
    assert response.status_code == 422 and b"refused unsafe XML" in response.content
    big = SimpleUploadedFile("big.xml", b" " * (20 * 1024 * 1024 + 1))
    response = client.post(url, {"file": big, "replace": "on"})
    assert response.status_code == 413 and b"larger than 20 MB" in response.content
    assert Task.objects.filter(project=empty_project).count() == 5


def test_constraints_calendar_exceptions_elapsed_and_milestones(world, empty_project):
    """The engine tests' small MSPDI project: a holiday, SNET, an elapsed task, a deadline, a milestone."""
    from tests.engine.test_mspdi import TASKS, project_xml

    mspdi_import(actor=world.users["director"], project=empty_project, data=project_xml(TASKS))
    tasks = {t.name: t for t in Task.objects.filter(project=empty_project)}
    calendar = Calendar.objects.get(project=empty_project)
    july_4 = date(2024, 7, 4)
    assert list(calendar.exceptions.values_list("start", "finish", "working")) == [(july_4, july_4, False)]
    assert calendar.working_times == "08:00-12:00,13:00-17:00"
    assert tasks["Phase"].is_summary and tasks["Dig"].parent == tasks["Phase"]
    assert (tasks["Dig"].start, tasks["Dig"].finish) == (date(2024, 7, 1), date(2024, 7, 3))
    assert tasks["Pour"].constraint_type == "SNET" and tasks["Pour"].start == date(2024, 7, 5)  # not the holiday
    assert tasks["Cure"].elapsed and tasks["Cure"].deadline == date(2024, 7, 8)
    assert tasks["Done"].is_milestone and tasks["Done"].finish == date(2024, 7, 9)
    assert Dependency.objects.get(successor=tasks["Cure"]).lag == Decimal("1.5")  # 50 % of a 3-day predecessor


@needs_data
@pytest.mark.parametrize("name", ["mspdirelations.xml", "mspdiduration.xml", "task-links-project2019-mspdi.xml",
                                  "baselines.xml", "mspditimephased.xml"])
def test_imported_dates_match_ms_project_to_the_day(world, empty_project, name):
    """Every task's start and finish day as MS Project stored it, except those the engine oracle
    (tests/engine/test_mspdi.py) lists as known differences."""
    from pmo.engine.mspdi import parse_mspdi, to_network
    from tests.engine.test_mspdi import EXPECTED_DIFFERENCES

    day_granularity = {("baselines.xml", 1, "Finish"): "starts 09:00 on an 08:00-17:00 calendar and runs 7.5 h "
                       "(MinutesPerDay 450): plans here start at the beginning of a day, so it ends the same day"}
    for uid in (15, 16):
        for field in ("Start", "Finish"):
            day_granularity[("mspditimephased.xml", uid, field)] = (
                "night-shift work from 23:00 to 02:00 straddles midnight: which day it starts or ends on is a "
                "matter of the hour, which plans here do not keep")

    mspdi_import(actor=world.users["director"], project=empty_project, data=(DATA / name).read_bytes())
    source = parse_mspdi(DATA / name)
    cal = to_network(source).calendar
    ours = {t.code: t for t in Task.objects.filter(project=empty_project)}
    checked, wrong = 0, {}
    for row in source.tasks:
        if row.outline_level == 0 or not row.active or row.ms_start is None:
            continue
        task = ours[str(row.id)]
        theirs_start = cal.date_of(cal.offset(row.ms_start))
        theirs_finish = cal.date_of(cal.offset(row.ms_finish), finish=True) if row.ms_finish > row.ms_start \
            else theirs_start
        for field, theirs, mine in (("Start", theirs_start, task.start), ("Finish", theirs_finish, task.finish)):
            if (name, row.uid, field) in day_granularity:
                continue
            if (name, row.uid, field) in EXPECTED_DIFFERENCES or (name, row.uid, "Finish") in EXPECTED_DIFFERENCES:
                continue
            checked += 1
            if theirs != mine:
                wrong[(row.uid, row.name, field)] = (theirs, mine)
    assert checked and not wrong, wrong


# --- limits (issue 7, items 14 and 18): refused with the limit, line or task named; nothing written ----

def state(project) -> tuple:
    """What an import may change: the project's tasks, links, calendar rows, and the audit trail."""
    from pmo.planning.models import CalendarException

    return (Task.objects.filter(project=project).count(), Dependency.objects.count(), Calendar.objects.count(),
            CalendarException.objects.count(), AuditEvent.objects.count())


def bomb() -> bytes:
    """The 2.4 KB file of issue 7: one extra-working-day <Exception> from 0001-01-01 to 9999-12-31."""
    from tests.engine.test_mspdi import exception_xml, with_exceptions

    return with_exceptions(exception_xml("0001-01-01", "9999-12-31"))


def test_the_calendar_exception_bomb_is_refused_and_writes_nothing(world, empty_project):
    before = state(empty_project)
    with pytest.raises(ValidationError, match=r"line \d+: FromDate 0001-01-01 is outside 1900-01-01\.\.2200-12-31"):
        mspdi_import(actor=world.users["director"], project=empty_project, data=bomb())
    assert state(empty_project) == before


def test_a_long_exception_is_one_row(world, empty_project):
    """The bomb within the dates pmo plans with: one range, one row (it used to be a row per day)."""
    from tests.engine.test_mspdi import exception_xml, with_exceptions

    data = with_exceptions(exception_xml("1900-01-01", "2200-12-31"))
    assert mspdi_import(actor=world.users["director"], project=empty_project, data=data) == 1
    calendar = Calendar.objects.get(project=empty_project)
    assert list(calendar.exceptions.values_list("start", "finish", "working")) == [
        (date(1900, 1, 1), date(2200, 12, 31), True)]
    response = client_for(world, "director").get(f"/api/v1/calendars/{calendar.pk}")
    assert response.status_code == 200 and len(response.json()["exceptions"]) == 1


def test_a_duration_past_the_limit_names_the_task_everywhere(world, empty_project):
    """PT99999999999H: a clear message naming the task, on the page (422) and the command (one line)."""
    from tests.engine.test_mspdi import project_xml

    data = project_xml("<Task><UID>1</UID><ID>1</ID><Name>Long</Name><OutlineLevel>1</OutlineLevel>"
                       "<Duration>PT99999999999H</Duration></Task>")
    before = state(empty_project)
    reason = "task UID 1 'Long': Duration of 12,499,999,999.9 days is more than the limit of 100,000 days"
    with pytest.raises(ValidationError, match=reason):
        mspdi_import(actor=world.users["director"], project=empty_project, data=data)
    response = client_for(world, "director").post(f"/projects/{empty_project.pk}/plan/import/",
                                                  {"file": SimpleUploadedFile("long.xml", data)})
    assert response.status_code == 422 and reason.replace("'", "&#x27;").encode() in response.content
    assert state(empty_project) == before


def test_a_plan_that_runs_past_the_calendar_names_the_task(world, empty_project, tmp_path):
    """A task within the duration limit that the schedule cannot place: CalendarError is no longer a traceback."""
    from tests.engine.test_mspdi import chain, project_xml

    file = tmp_path / "long.xml"
    file.write_bytes(project_xml(chain(2).replace("<Duration>PT8H0M0S</Duration>", "<Duration>PT800000H</Duration>")))
    before = state(empty_project)
    with pytest.raises(CommandError, match=r"long.xml: PA-9/1 T1: runs past 2054-12-31, outside the dates the plan is "
                                           r"scheduled in \(2023-01-01\.\.2054-12-31\); 1 more after it"):
        call_command("import-mspdi", str(file), "--project", "PA-9", "--as", "director")
    assert state(empty_project) == before


def test_a_100000_task_chain_is_refused_by_the_task_limit(world, empty_project, tmp_path):
    from tests.engine.test_mspdi import chain, project_xml

    file = tmp_path / "chain.xml"
    file.write_bytes(project_xml(chain(100_000)))
    before = state(empty_project)
    with pytest.raises(CommandError, match=r"chain.xml: line \d+: more than 20,000 tasks \(the import limit\)"):
        call_command("import-mspdi", str(file), "--project", "PA-9", "--as", "director")
    assert state(empty_project) == before


def test_a_missing_predecessor_is_reported(world, empty_project):
    from tests.engine.test_mspdi import chain, project_xml

    data = project_xml(chain(3).replace("<PredecessorUID>2</PredecessorUID>", "<PredecessorUID>7</PredecessorUID>"))
    with pytest.raises(ValidationError, match=r"line \d+: task UID 3 'T3': its predecessor UID 7 does not exist"):
        mspdi_import(actor=world.users["director"], project=empty_project, data=data)
    assert not Task.objects.filter(project=empty_project).exists()


def test_the_elapsed_time_budget_ends_the_import_with_nothing_written(world, empty_project, monkeypatch):
    from tests.engine.test_mspdi import TASKS, project_xml

    monkeypatch.setattr("pmo.engine.limits.IMPORT_SECONDS", -1)
    before = state(empty_project)
    with pytest.raises(ValidationError, match=r"the import took longer than -1 s \(the limit\) at: reading the file"):
        mspdi_import(actor=world.users["director"], project=empty_project, data=project_xml(TASKS))
    assert state(empty_project) == before
