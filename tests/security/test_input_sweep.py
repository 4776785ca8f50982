"""No input gives a 500: every form and filter, fed overflowing numbers, non-ASCII digits, control
characters and very long strings, answers with a message (200), a 400 or a redirect.

Found, not listed: every route of the URL configuration is fetched (as the access matrix does,
with the ids of its world) by each role; every <form> on those pages is submitted the way it
says (GET or POST, to its action) with its own fields. First every field at once carries the bad
value, then each field alone while the others keep the values the page gave them, so a bad
value also reaches the code behind a form that is otherwise valid. (Every route fetched with the
parameters of every FilterSet in its query string: test_filter_parameter_sweep.py.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Booking
from tests.security.test_access_matrix import (
    ROUTES,
    media_root,
    request_as,
    shared_world,
    trust,
    url_for,
    world,
)

__all__ = ["media_root", "shared_world", "trust", "world"]  # fixtures of the access matrix

BAD_VALUES = {
    "overflow": "1e50",
    "huge": str(10**30),
    "negative": str(-(10**30)),
    "superscript two": "²",
    "arabic-indic twelve": "١٢",
    "NUL": "12\x00",
    "controls": "a\r\nb\tc\x1b\x85\u202e\u200b",
    "last date": "9999-12-31",
    "first date": "0001-01-01",
    "long": "9" * 20_000,
}
# Each field alone: the values most likely to reach code behind a valid form.
ALONE = ["overflow", "negative", "superscript two", "NUL", "controls", "last date"]
# A field whose page offers a fixed set of values (a select, radios, checkboxes) is read as a
# choice or an id: alone, it gets the values that could still reach code behind a valid form
# (an id out of the database's range, a NUL); the others meet a "not one of the choices" error,
# and every value reaches it in the all-at-once pass.
ALONE_FOR_CHOICES = ["negative", "NUL"]
ROLES = ("staff", "champion", "manager", "admin")
SKIPPED_ROUTES = {"logout", "login"}  # signing out would end the sweep's session


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> the value the page gave
    files: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)  # fields with a fixed set of values

    def key(self):
        return (self.method, self.action, frozenset(self.fields), frozenset(self.files))


class FormParser(HTMLParser):
    """The page's forms: action, method, and each named field with its current value."""

    def __init__(self, path: str):
        super().__init__()
        self.path, self.forms, self._form, self._select, self._textarea = path, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.path).path or self.path
            self._form = Form(a.get("method", "get").lower(), action)
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.add(name)
            elif kind in ("checkbox", "radio"):
                form.choices.add(name)
                if "checked" in a or name not in form.fields:
                    form.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form.choices.add(name)
            form.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            if "selected" in a or not form.fields[self._select]:
                form.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str, path: str) -> list[Form]:
    parser = FormParser(path)
    parser.feed(html)
    return [form for form in parser.forms if form.fields or form.files]


def send(client, user, form: Form, data: dict, bad: str):
    payload = dict(data)
    for name in form.files:
        payload[name] = SimpleUploadedFile("bad.csv", bad.encode(), content_type="text/csv")
    return request_as(
        client, user, form.method if form.method == "post" else "get", form.action, payload
    )


def outcome_of(call, check=None) -> str | None:
    """None when fine; what went wrong otherwise (`check` reads a page that answered 200)."""
    try:
        response = call()
    except Exception as error:  # the test client re-raises a view's exception
        return f"{type(error).__name__}: {str(error)[:200]}"
    if response.status_code >= 500:
        return str(response.status_code)
    if check and response.status_code == 200 and "html" in response.get("Content-Type", ""):
        return check(response.content.decode())
    return None


SUMMARY = re.compile(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', re.S)


def summary_out_of_order(html: str) -> str | None:
    """The error summary lists its errors in the order of their fields on the page (NHS.UK):
    None when it does; the two fields out of order otherwise."""
    summary = SUMMARY.search(html)
    if summary is None:
        return None
    ids = re.findall(r'href="#([^"]+)"', summary.group(1))
    positions = [(html.find(f'id="{id_}"', summary.end()), id_) for id_ in dict.fromkeys(ids)]
    found = [(position, id_) for position, id_ in positions if position >= 0]
    for (before, first), (after, second) in zip(found, found[1:], strict=False):
        if after < before:
            return f"error summary lists {first} before {second}, the page shows them the other way"
    return None


@pytest.fixture
def discovered(client, world):
    """(role, form) for every distinct form on every page each role can open."""
    # A booking, so that the training session's attendance form has a box to tick.
    Booking.objects.create(session=world.training_session, person=world.manager)
    found, seen = [], set()
    for name in sorted(ROUTES):
        if name.split(":")[-1] in SKIPPED_ROUTES:
            continue
        path = url_for(name, world)
        for role in ROLES:
            response = request_as(client, getattr(world, role).user, "get", path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(response.content.decode(), path):
                if form.action.startswith("/admin/") or form.key() in seen:
                    continue
                seen.add(form.key())
                found.append((role, form))
    return found


def test_no_form_gives_a_500_on_bad_input(client, world, discovered):
    # Guards the discovery: the register's filters, the attendance form and a measure's upload.
    actions = {form.action for _role, form in discovered}
    assert len(discovered) > 40
    assert url_for("people:attendance", world) in actions
    assert any(form.files for _role, form in discovered)
    assert any(form.choices for _role, form in discovered)
    failures = []
    for role, form in discovered:
        user = getattr(world, role).user
        for label, bad in BAD_VALUES.items():
            data = dict.fromkeys(form.fields, bad)
            problem = outcome_of(
                lambda: send(client, user, form, data, bad),  # noqa: B023
                check=summary_out_of_order,
            )
            if problem:
                failures.append(f"{role} {form.method} {form.action} all={label}: {problem}")
        for name in form.fields:
            for label in ALONE_FOR_CHOICES if name in form.choices else ALONE:
                data = {**form.fields, name: BAD_VALUES[label]}
                problem = outcome_of(lambda: send(client, user, form, data, "x"))  # noqa: B023
                if problem:
                    failures.append(f"{role} {form.method} {form.action} {name}={label}: {problem}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("how", ["upload", "paste"])
def test_a_nul_in_a_measure_s_rows_is_a_row_error(client_for, world, how):
    url = reverse("measurement:data_paste", args=[world.project.pk, world.measure.pk])
    rows = "date,value,note\n2026-02-02,14,ward 4\n2026-02-09,11,ward\x005\n"
    if how == "upload":
        data = {"file": SimpleUploadedFile("doses.csv", rows.encode(), content_type="text/csv")}
    else:
        data = {"data": rows}
    response = client_for(world.staff).post(url, data)
    assert response.status_code == 200
    assert "Row 3: contains a NUL character" in response.content.decode()
    assert not world.measure.points.filter(date="2026-02-02").exists()


def test_an_error_summary_out_of_page_order_is_caught():
    summary = (
        '<ul class="nhsuk-list nhsuk-error-summary__list"><li><a href="#id_kind">Choose</a></li>'
        '<li><a href="#id_aim">Write</a></li></ul>'
    )
    in_order = summary + '<textarea id="id_kind"></textarea><input id="id_aim">'
    out_of_order = summary + '<textarea id="id_aim"></textarea><input id="id_kind">'
    assert summary_out_of_order(in_order) is None
    assert "id_kind before id_aim" in summary_out_of_order(out_of_order)
    assert summary_out_of_order("<p>No errors</p>") is None
