"""Text on one line refuses line breaks and hidden characters, in the app's forms and the admin;
textareas keep line breaks and lose the hidden characters; email subjects are one line.

A line break in a showcase session's title made its cancellation email fail (Django refuses a
header with a line break), so the leads were never told. The rule lives in the model fields
(`common.fields`): the last tests walk every model and form, so a new text field cannot miss it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from common.fields import (
    MultiLineFormField,
    MultiLineTextField,
    SingleLineCharField,
    SingleLineFormField,
)
from projects.models import Task
from recognition.models import ShowcaseSession
from tests.factories import PersonFactory, ShowcaseSessionFactory, ShowcaseSlotFactory, TaskFactory

CREATE = reverse("recognition:showcase_session_create")
MESSAGE = "Title must not contain line breaks or hidden characters"
# A line break each way, tab, NUL, escape, next line (C1), a right-to-left override, an isolate,
# zero-width space, word joiner, byte-order mark, Unicode line separator.
REFUSED = [
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1b",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u2028",
]


def session_data(**changes) -> dict:
    day = timezone.localdate() + dt.timedelta(days=21)
    return {
        "title": "Summer clinical update",
        "date": day.isoformat(),
        "start_time": "13:30",
        "place": "Pharmacy seminar room",
        "slot_count": "4",
        "slot_minutes": "10",
        "notes": "",
        **changes,
    }


@pytest.mark.parametrize("character", REFUSED, ids=ascii)
def test_a_session_title_with_a_line_break_or_hidden_character_cannot_be_saved(
    client_for, champion, character
):
    response = client_for(champion).post(
        CREATE, session_data(title=f"Summer update{character}Bcc: all@example.org")
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not ShowcaseSession.objects.exists()


def test_editing_a_session_refuses_a_title_with_a_line_break(client_for, champion, pharmacy):
    session = ShowcaseSessionFactory(department=pharmacy, title="Spring clinical update")
    url = reverse("recognition:showcase_session_edit", args=[session.pk])
    response = client_for(champion).post(url, session_data(title="Spring\r\nupdate"))
    assert MESSAGE in response.content.decode()
    session.refresh_from_db()
    assert session.title == "Spring clinical update"


def test_a_textarea_keeps_line_breaks_and_loses_hidden_characters(client_for, champion):
    notes = "Bring slides on a USB stick.\r\n\u202eFirst\u200b slot\x00 starts on time.\ttab"
    response = client_for(champion).post(CREATE, session_data(notes=notes))
    assert response.status_code == 302
    assert ShowcaseSession.objects.get().notes == (
        "Bring slides on a USB stick.\r\nFirst slot starts on time.\ttab"
    )


def test_the_admin_refuses_hidden_characters_in_a_name(client_for, admin, staff):
    url = reverse("admin:people_person_change", args=[staff.pk])
    data = {
        "user": staff.user.pk,
        "display_name": "Sam\u202eTaylor",
        "job_role": staff.job_role,
        "band": staff.band,
        "department": staff.department.pk,
        "clinical_areas": [a.pk for a in staff.clinical_areas.all()],
        "email": staff.email,
        "champion_assignments-TOTAL_FORMS": "0",
        "champion_assignments-INITIAL_FORMS": "0",
        "champion_assignments-MIN_NUM_FORMS": "0",
        "champion_assignments-MAX_NUM_FORMS": "1000",
    }
    response = client_for(admin).post(url, data)
    assert response.status_code == 200
    assert "Display name must not contain line breaks or hidden characters" in (
        response.content.decode()
    )
    staff.refresh_from_db()
    assert staff.display_name == "Sam Taylor"


def test_model_validation_refuses_hidden_characters_without_a_form(pharmacy):
    session = ShowcaseSessionFactory.build(department=pharmacy, title="Spring\nupdate")
    with pytest.raises(Exception, match="Title must not contain line breaks"):
        session.full_clean(exclude=["department", "created_by"])


# Stored before the rule, a title with a line break still gives one-line email subjects.


def test_cancelling_a_session_whose_stored_title_has_a_line_break_still_tells_the_leads(
    client_for, champion, staff, pharmacy, project, django_capture_on_commit_callbacks
):
    session = ShowcaseSessionFactory(
        department=pharmacy,
        title="Spring\r\nBcc: all@example.org",
        starts_at=timezone.now() + dt.timedelta(days=14),
    )
    ShowcaseSlotFactory(session=session, position=1, project=project)
    url = reverse("recognition:showcase_session_cancel", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(champion).post(url)
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == [staff.email]
    assert email.subject.startswith("QI Register: Spring Bcc: all@example.org on ")
    # Building the message raises BadHeaderError for a subject with a line break.
    assert email.message()["Bcc"] is None


def test_reminder_subjects_are_one_line_whatever_the_task_title_holds(
    staff, project, django_capture_on_commit_callbacks
):
    buddy = PersonFactory(department=staff.department)
    TaskFactory(
        project=project,
        title="Audit\ncharts\u202e on\x1bward 4",
        status=Task.Status.CLAIMED,
        claimed_by=buddy,
    )
    Task.objects.update(last_activity_at=timezone.now() - dt.timedelta(days=60))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    subjects = [m.subject for m in mail.outbox if "No update on the task" in m.subject]
    assert subjects == ["QI Register: No update on the task “Audit charts onward 4”"] * 2


# The rule is everywhere: every text field of every model and form of the apps.

APPS = ("people", "projects", "measurement", "recognition", "qiregister")
# Not typed by people, or checked in their own way.
FORM_FIELDS_EXEMPT = {
    ("DataPasteForm", "data"): "rows of date,value, checked row by row (NUL is a row error)",
    ("MeasureForm", "rebase_dates"): "dates, one per line, each parsed as a date",
}


def _our_models():
    return [m for m in apps.get_models() if m._meta.app_label in APPS]


def test_every_text_field_of_every_model_has_the_rule():
    missing = []
    for model in _our_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            plain_text = type(field) is models.CharField and field.choices is None
            plain_textarea = isinstance(field, models.TextField) and not isinstance(
                field, MultiLineTextField
            )
            if plain_text or plain_textarea:
                missing.append(f"{model.__name__}.{field.name}")
    assert missing == []
    assert isinstance(ShowcaseSession._meta.get_field("title"), SingleLineCharField)


def _our_forms():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    seen, stack = set(), [forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    # A mixin such as people.pickers.PersonSearchForm declares no fields: the forms it is
    # mixed into are walked.
    return [
        form
        for form in seen
        if form.__module__.split(".")[0] in APPS and hasattr(form, "base_fields")
    ]


def test_every_text_field_of_every_form_has_the_rule():
    forms_found = _our_forms()
    assert len(forms_found) > 30  # guards the walk itself
    missing = []
    for form in forms_found:
        for name, field in form.base_fields.items():
            if (form.__name__, name) in FORM_FIELDS_EXEMPT:
                continue
            if type(field) is forms.CharField or (
                isinstance(field, forms.CharField)
                and not isinstance(
                    field, SingleLineFormField | MultiLineFormField | forms.EmailField
                )
                and not isinstance(field, forms.URLField | forms.SlugField)
            ):
                missing.append(f"{form.__name__}.{name}")
    assert missing == []
