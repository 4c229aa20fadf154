"""Calendar exceptions become date ranges (``start..finish``), and planning dates are bounded to 1900..2200.

Existing rows (one per date) are merged into one row per run of consecutive dates with the same kind
and name, and cut to 1900..2200, so a database that holds an expanded exception (issue 7: 3.65 million
rows from one MS Project ``<Exception>``) shrinks back to one row. Going back expands each range into
its days.
"""

import datetime

import django.core.validators
from django.db import migrations, models

EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2200, 12, 31)  # pmo.engine.limits
PLANNING_DATES = [django.core.validators.MinValueValidator(EARLIEST), django.core.validators.MaxValueValidator(LATEST)]
CHUNK = 2000


def check_foreign_keys_now(schema_editor):
    """PostgreSQL defers foreign-key checks to the commit, and refuses the ALTER TABLEs that follow the
    data step while checks are pending ("pending trigger events"): check them as rows are written."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_ranges(apps, schema_editor):
    check_foreign_keys_now(schema_editor)
    CalendarException = apps.get_model("planning", "CalendarException")
    rows = (CalendarException.objects.filter(date__isnull=False).order_by("calendar_id", "date", "pk")
            .values_list("calendar_id", "date", "working", "name"))
    runs: list[list] = []  # [calendar, start, finish, working, name]
    for calendar, day, working, name in rows.iterator(chunk_size=CHUNK):
        last = runs[-1] if runs else None
        if last and last[0] == calendar and last[3:] == [working, name] and (day - last[2]).days == 1:
            last[2] = day
        else:
            runs.append([calendar, day, day, working, name])
    CalendarException.objects.filter(date__isnull=False).delete()
    CalendarException.objects.bulk_create(
        [CalendarException(calendar_id=c, start=max(s, EARLIEST), finish=min(f, LATEST), working=w, name=n)
         for c, s, f, w, n in runs if s <= LATEST and f >= EARLIEST], batch_size=CHUNK)


def to_days(apps, schema_editor):
    check_foreign_keys_now(schema_editor)
    CalendarException = apps.get_model("planning", "CalendarException")
    seen, days = set(), []
    for row in CalendarException.objects.filter(date__isnull=True).order_by("calendar_id", "start", "pk"):
        for k in range((row.finish - row.start).days + 1):
            day = row.start + datetime.timedelta(days=k)
            if (row.calendar_id, day) not in seen:
                seen.add((row.calendar_id, day))
                days.append(CalendarException(calendar_id=row.calendar_id, date=day, working=row.working,
                                              name=row.name))
    CalendarException.objects.filter(date__isnull=True).delete()
    CalendarException.objects.bulk_create(days, batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ("planning", "0004_interface_acknowledgement"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="calendarexception", name="calendar_exception_unique_date"),
        migrations.AlterField(model_name="calendarexception", name="date", field=models.DateField(null=True)),
        migrations.AddField(model_name="calendarexception", name="start", field=models.DateField(null=True)),
        migrations.AddField(model_name="calendarexception", name="finish", field=models.DateField(null=True)),
        migrations.RunPython(to_ranges, to_days),
        migrations.RemoveField(model_name="calendarexception", name="date"),
        migrations.AlterField(
            model_name="calendarexception",
            name="start",
            field=models.DateField(validators=PLANNING_DATES),
        ),
        migrations.AlterField(
            model_name="calendarexception",
            name="finish",
            field=models.DateField(help_text="the last day of the exception (inclusive)", validators=PLANNING_DATES),
        ),
        migrations.AlterField(
            model_name="calendarexception",
            name="working",
            field=models.BooleanField(default=False, help_text="extra working days (else days off)"),
        ),
        migrations.AddConstraint(
            model_name="calendarexception",
            constraint=models.CheckConstraint(condition=models.Q(("finish__gte", models.F("start"))),
                                              name="calendar_exception_finish_after_start"),
        ),
        migrations.AlterModelOptions(name="calendarexception", options={"ordering": ["start", "pk"]}),
        *(migrations.AlterField(model_name="task", name=name,
                                field=models.DateField(blank=True, null=True, validators=PLANNING_DATES))
          for name in ("actual_finish", "actual_start", "constraint_date", "deadline")),
    ]
