"""A line manager's private notes about a report (QI conversations, appraisal notes) follow one
rule: the person they are about, the manager who wrote them while still that person's line
manager, and admins. A previous manager's notes stay with the person, not the new manager."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from people.models import Person, QIConversation
from recognition.models import AppraisalNote
from tests.factories import AppraisalNoteFactory, PersonFactory, UserFactory


@pytest.fixture
def notes(staff, manager, pharmacy):
    """One note of each kind by the current manager and one by a previous manager."""
    previous = PersonFactory(user=UserFactory(username="previous"), department=pharmacy)
    for author, text in ((manager, "current"), (previous, "previous")):
        QIConversation.objects.create(
            person=staff, manager=author, note=f"{text} talk", date=dt.date(2026, 10, 1)
        )
        AppraisalNoteFactory(person=staff, manager=author, note=f"{text} appraisal")
    return previous


def _seen(model, user) -> set[str]:
    return {note.note for note in model.objects.visible_to(user)}


@pytest.mark.parametrize("model", [QIConversation, AppraisalNote])
@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("staff", {"current", "previous"}),
        ("admin", {"current", "previous"}),
        ("manager", {"current"}),
        ("previous", set()),
        ("champion", set()),
        ("outsider", set()),
    ],
)
def test_private_notes_are_seen_by_the_person_their_manager_and_admins(
    request, notes, model, persona, seen
):
    viewer = notes if persona == "previous" else request.getfixturevalue(persona)
    assert {text.split()[0] for text in _seen(model, viewer.user)} == seen


def test_anonymous_sees_no_private_notes(notes):
    assert not QIConversation.objects.visible_to(AnonymousUser()).exists()
    assert not AppraisalNote.objects.visible_to(AnonymousUser()).exists()


def test_the_new_manager_sees_only_their_own_notes_on_the_pages(client_for, manager, staff, notes):
    client = client_for(manager)
    capacity = client.get(reverse("people:capacity", args=[staff.pk])).content.decode()
    assert "current talk" in capacity
    assert "previous talk" not in capacity
    appraisal = client.get(reverse("recognition:appraisal_notes", args=[staff.pk]))
    assert "current appraisal" in appraisal.content.decode()
    assert "previous appraisal" not in appraisal.content.decode()


def test_the_person_sees_every_note_about_them(client_for, staff, notes):
    client = client_for(staff)
    capacity = client.get(reverse("people:capacity", args=[staff.pk])).content.decode()
    assert "current talk" in capacity
    assert "previous talk" in capacity
    appraisal = client.get(reverse("recognition:appraisal_notes", args=[staff.pk]))
    assert "previous appraisal" in appraisal.content.decode()


def test_a_note_written_before_the_report_moved_on_is_hidden_from_its_author(
    client_for, manager, staff, notes
):
    Person.objects.filter(pk=staff.pk).update(line_manager=notes)
    assert not AppraisalNote.objects.visible_to(manager.user).exists()
    assert {n.note for n in AppraisalNote.objects.visible_to(notes.user)} == {"previous appraisal"}
