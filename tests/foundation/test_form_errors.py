"""A form sent back with errors ties each message to its field (WCAG 3.3.1, 1.3.1): the field is marked
aria-invalid and its aria-describedby names elements that exist and hold the message; help texts likewise."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ..conftest import client_for


class _Fields(HTMLParser):
    """Each form control's attributes, and the text of every element by id."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append(attrs)
        if tag not in {"input", "br", "hr", "img", "meta", "link"}:
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.text[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag not in {"input", "br", "hr", "img", "meta", "link"} and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in filter(None, self._open):
            self.text[element_id] += data


FORMS = {
    "program": "/programs/new/",
    "project": "/programs/{program}/projects/new/",
    "task": "/projects/{project}/plan/tasks/new/",
    "link": "/projects/{project}/plan/links/new/",
    "risk": "/raid/projects/{project}/risks/new/",
    "issue": "/raid/projects/{project}/issues/new/",
    "interface": "/interfaces/new/",
}


@pytest.mark.parametrize("form", FORMS)
def test_errors_are_tied_to_their_fields(world, form):
    url = FORMS[form].format(program=world.program_a.pk, project=world.project_a1.pk)
    response = client_for(world, "director").post(url, {"name": "x" * 500, "code": "?" * 40})
    assert response.status_code in (200, 422), (url, response.status_code)
    page = _Fields()
    page.feed(response.content.decode())
    invalid = [c for c in page.controls if c.get("aria-invalid") == "true"]
    assert invalid, f"{url}: a form sent with bad data marks its fields invalid"
    for control in page.controls:
        for element_id in control.get("aria-describedby", "").split():
            assert element_id in page.text, f"{url}: {control.get('name')} is described by missing #{element_id}"
            assert page.text[element_id].strip(), f"{url}: #{element_id} is empty"
    for control in invalid:
        described = control.get("aria-describedby", "").split()
        assert any(i.endswith("_error") for i in described), f"{url}: {control.get('name')}'s error is not tied"
