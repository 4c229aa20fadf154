"""The "New link" page: tasks grouped by project (this project first), one end in this project,
and a message saying where the link went."""

from __future__ import annotations

import re

from django.contrib.messages import get_messages

from pmo.planning.models import Dependency

from ..conftest import client_for
from .factories import task


def _groups(body: str) -> list[tuple[str, list[str]]]:
    """(optgroup label, option texts) of the predecessor select."""
    select = re.search(r'<select name="predecessor".*?</select>', body, re.S).group(0)
    return [(label, re.findall(r"<option[^>]*>([^<]*)</option>", options))
            for label, options in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)]


def test_tasks_are_grouped_by_project_with_this_project_first(world):
    task(world.project_a2, "Sibling build", 2, wbs="1")
    task(world.project_a1, "Own design", 2, wbs="1")
    task(world.project_b1, "Other program task", 2)
    body = client_for(world, "program_manager").get(f"/projects/{world.project_a1.pk}/plan/links/new/").content.decode()
    assert _groups(body) == [("PA-1 (this project)", ["1 Own design"]),
                             ("PA-2 Project A2", ["1 Sibling build"])]
    assert 'id="predecessor-search"' in body and 'data-filter="predecessor-search"' in body
    assert "<script>" not in body and " onclick=" not in body  # the filter lives in planning.js


def test_a_project_manager_is_offered_only_plans_they_may_change(world):
    task(world.project_a1, "Own design", 2, wbs="1")
    task(world.project_a2, "Sibling build", 2, wbs="1")
    body = client_for(world, "project_manager").get(f"/projects/{world.project_a1.pk}/plan/links/new/").content.decode()
    assert [label for label, _ in _groups(body)] == ["PA-1 (this project)"]


def test_a_link_between_two_other_projects_is_refused_naming_the_fields(world):
    world.project_a2.start = world.project_a1.start
    world.project_a2.save()
    a = task(world.project_a2, "Sibling build", 2, wbs="1")
    b = task(world.project_a2, "Sibling test", 2)
    response = client_for(world, "program_manager").post(
        f"/projects/{world.project_a1.pk}/plan/links/new/",
        {"predecessor": a.pk, "successor": b.pk, "type": "FS", "lag": "0"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "PA-1" in errors["predecessor"][0] and "PA-1" in errors["successor"][0]
    assert not Dependency.objects.exists()


def test_the_message_says_where_the_link_went(world):
    world.project_a2.start = world.project_a1.start
    world.project_a2.save()
    own = task(world.project_a1, "Design", 2, wbs="1")
    other = task(world.project_a2, "Build", 2, wbs="1")
    client = client_for(world, "program_manager")
    response = client.post(f"/projects/{world.project_a1.pk}/plan/links/new/",
                           {"predecessor": own.pk, "successor": other.pk, "type": "FS", "lag": "2"})
    assert response.status_code == 302 and response["Location"] == f"/projects/{world.project_a1.pk}/plan/tasks/"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts[0] == "Linked Design (PA-1 1) → Build (PA-2 1) FS +2 d; PA-2 rescheduled."
    assert Dependency.objects.get().successor == other
