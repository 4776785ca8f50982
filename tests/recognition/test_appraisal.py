"""Appraisal notes and the manager's appraisal summary: private, complete, logged."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from people.models import ExportLog
from recognition.models import AppraisalNote, PreparedFile
from recognition.services.prepared_files import prepared_file_make
from tests.factories import AppraisalNoteFactory, PersonFactory, TaskFactory

PERSONAS_BUILT_ONCE = ("staff", "champion", "manager", "admin", "outsider", "project")


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


# Appraisal notes.


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("manager", 200), ("admin", 200), ("champion", 403), ("outsider", 403)],
)
def test_who_sees_a_persons_appraisal_notes(db, request, client_for, staff, persona, status):
    AppraisalNoteFactory(person=staff, note="Presented at the spring update.")
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("recognition:appraisal_notes", args=[staff.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert "Presented at the spring update." in response.text
    else:
        assert "Presented at the spring update." not in response.text


def test_anonymous_is_sent_to_login(client, staff):
    response = client.get(reverse("recognition:appraisal_notes", args=[staff.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_new_manager_does_not_read_the_previous_managers_notes(client_for, staff, manager):
    AppraisalNoteFactory(person=staff, manager=manager, note="Written by the old manager.")
    new_manager = PersonFactory(department=staff.department, display_name="Nia Newman")
    staff.line_manager = new_manager
    staff.save()
    url = reverse("recognition:appraisal_notes", args=[staff.pk])
    assert "Written by the old manager." not in client_for(new_manager).get(url).text
    # The old manager no longer manages Sam, so cannot see the page at all.
    assert client_for(manager).get(url).status_code == 403
    assert "Written by the old manager." in client_for(staff).get(url).text


def test_the_manager_writes_a_note(client_for, staff, manager):
    response = client_for(manager).post(
        reverse("recognition:appraisal_notes", args=[staff.pk]),
        {"period_start": "2026-01-01", "period_end": "2026-10-31", "note": "Led two PDSA cycles."},
    )
    assert response.status_code == 302
    note = AppraisalNote.objects.get()
    assert (note.person, note.manager, note.note) == (staff, manager, "Led two PDSA cycles.")
    assert note.history.count() == 1


@pytest.mark.parametrize("persona", ["staff", "admin", "champion"])
def test_only_the_line_manager_writes_notes(db, request, client_for, staff, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("recognition:appraisal_notes", args=[staff.pk]),
        {"period_start": "2026-01-01", "period_end": "2026-10-31", "note": "Sneaky."},
    )
    assert response.status_code == 403
    assert not AppraisalNote.objects.exists()


def test_bad_note_shows_errors_and_saves_nothing(client_for, staff, manager):
    response = client_for(manager).post(
        reverse("recognition:appraisal_notes", args=[staff.pk]),
        {"period_start": "2026-10-31", "period_end": "2026-01-01", "note": ""},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The period must end on or after the day it starts" in response.text
    assert "Write the note" in response.text
    assert not AppraisalNote.objects.exists()


def test_the_author_edits_and_deletes_a_note(client_for, staff, manager):
    note = AppraisalNoteFactory(person=staff, manager=manager)
    client = client_for(manager)
    response = client.post(
        reverse("recognition:appraisal_note_edit", args=[note.pk]),
        {
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "note": "Corrected.",
            "version": 1,
        },
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.note == "Corrected."
    response = client.post(reverse("recognition:appraisal_note_delete", args=[note.pk]))
    assert response.status_code == 302
    assert not AppraisalNote.objects.exists()
    assert AppraisalNote.history.filter(id=note.pk, history_type="-").exists()


def test_deleting_a_note_is_confirmed_on_a_page_that_deletes_nothing(
    client_for, staff, manager, django_assert_max_num_queries
):
    note = AppraisalNoteFactory(
        person=staff,
        manager=manager,
        note="Led the insulin audit.",
        period_start=dt.date(2026, 1, 1),
    )
    url = reverse("recognition:appraisal_note_delete", args=[note.pk])
    notes_url = reverse("recognition:appraisal_notes", args=[staff.pk])
    client = client_for(manager)
    listing = client.get(notes_url).content.decode()
    # The notes page links to the confirmation; it posts no deletion itself.
    assert f'<a class="nhsuk-link" href="{url}">Delete<span' in listing
    assert f'action="{url}"' not in listing
    # Session, user, person; the note with its person; whether the viewer may see it; the
    # viewer's champion areas.
    with django_assert_max_num_queries(6):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete the appraisal note for 1 Jan 2026 to" in html
    assert "Led the insulin audit." in html
    assert "This cannot be undone" in html
    assert (
        'nhsuk-button--warning" data-module="nhsuk-button" type="submit">Yes, delete the note'
        in html
    )
    assert f'href="{notes_url}">No, keep it</a>' in html
    assert AppraisalNote.objects.filter(pk=note.pk).exists()  # a GET deletes nothing
    assert "Appraisal note deleted" in client.post(url, follow=True).content.decode()
    assert not AppraisalNote.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize(("persona", "status"), [("staff", 403), ("admin", 403), ("champion", 404)])
def test_nobody_else_edits_or_deletes_a_note(db, request, client_for, staff, persona, status):
    note = AppraisalNoteFactory(person=staff, note="Original.")
    client = client_for(request.getfixturevalue(persona))
    edit = client.post(
        reverse("recognition:appraisal_note_edit", args=[note.pk]),
        {
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "note": "Changed.",
            "version": 1,
        },
    )
    delete_url = reverse("recognition:appraisal_note_delete", args=[note.pk])
    confirm = client.get(delete_url)
    delete = client.post(delete_url)
    assert (edit.status_code, confirm.status_code, delete.status_code) == (status, status, status)
    note.refresh_from_db()
    assert note.note == "Original."


# The appraisal summary.


def test_manager_exports_the_summary_csv_of_their_reports(client_for, manager, staff, qi_year):
    other_report = PersonFactory(
        department=staff.department, line_manager=manager, display_name="Robin Quiet"
    )
    response = client_for(manager).get(reverse("recognition:appraisal_summary_csv"))
    assert response.status_code == 200
    rows = {row["Name"]: row for row in csv_rows(response)}
    assert set(rows) == {"Sam Taylor", "Robin Quiet"}
    sam = rows["Sam Taylor"]
    assert "Project lead of" in sam["Projects and roles"]
    assert "Data collector on" in sam["Projects and roles"]
    assert "Audit 30 drug charts on ward 4" in sam["Tasks done"]
    assert sam["Task hours"] == "3.5"
    assert "Spring clinical update" in sam["Showcases presented"]
    assert "Trust Quality Award" in sam["Awards and nominations"]
    assert "won" in sam["Awards and nominations"]
    assert "QI foundations" in sam["Training completed"]
    assert "Mentored by Chris Okoro" in sam["Mentoring"]
    assert "Sam led the omitted doses work" in sam["Appraisal notes"]
    assert rows["Robin Quiet"]["Tasks done"] == ""
    log = ExportLog.objects.get()
    assert (log.user, log.kind) == (manager.user, "appraisal_summary_csv")
    assert set(log.subjects.all()) == {staff, other_report}


def test_manager_exports_one_reports_summary_pdf(client_for, manager, staff, qi_year):
    PersonFactory(department=staff.department, line_manager=manager, display_name="Robin Quiet")
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_pdf"),
        {"person": staff.pk, "from": str(timezone.localdate() - dt.timedelta(days=60))},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response)
    for expected in (
        "Sam Taylor",
        "Reducing omitted critical medicines",
        "Audit 30 drug charts on ward 4",
        "Spring clinical update",
        "Trust Quality Award",
        "QI foundations",
        "Mentored by Chris Okoro",
        "Sam led the omitted doses work",
    ):
        assert expected in text, expected
    assert "Robin Quiet" not in text
    assert list(ExportLog.objects.get().subjects.all()) == [staff]


def test_summary_leaves_out_what_falls_outside_the_period(client_for, manager, staff, qi_year):
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_csv"), {"from": "2020-01-01", "to": "2020-12-31"}
    )
    (sam,) = csv_rows(response)
    assert sam["Tasks done"] == sam["Showcases presented"] == sam["Appraisal notes"] == ""


def test_manager_sees_only_the_notes_they_wrote(client_for, manager, staff, admin, qi_year):
    AppraisalNoteFactory(person=staff, manager=admin, note="A note by someone else.")
    (row,) = csv_rows(client_for(manager).get(reverse("recognition:appraisal_summary_csv")))
    assert "A note by someone else." not in row["Appraisal notes"]
    (row,) = csv_rows(
        client_for(admin).get(reverse("recognition:appraisal_summary_csv"), {"person": staff.pk})
    )
    assert "A note by someone else." in row["Appraisal notes"]
    assert "Sam led the omitted doses work" in row["Appraisal notes"]


@pytest.mark.parametrize("name", ["appraisal_summary_csv", "appraisal_summary_pdf"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 403), ("champion", 403), ("outsider", 403), ("manager", 200), ("admin", 200)],
)
def test_summary_is_for_managers_and_admins_only(
    db, request, client_for, staff, name, persona, status
):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse(f"recognition:{name}"), {"person": staff.pk}
    )
    assert response.status_code == status
    assert ExportLog.objects.exists() == (status == 200)
    if status == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["appraisal_summary_csv", "appraisal_summary_pdf"])
def test_summary_sends_anonymous_users_to_login(client, staff, name):
    response = client.get(reverse(f"recognition:{name}"), {"person": staff.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("person", ["²", "-1", "abc"])
def test_summary_refuses_a_malformed_person(client_for, manager, staff, person):
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_csv"), {"person": person}
    )
    assert response.status_code == 404


def test_summary_with_a_bad_period_goes_back_to_my_team_with_the_error(client_for, manager, staff):
    client = client_for(manager)
    response = client.get(
        reverse("recognition:appraisal_summary_pdf"), {"from": "2026-02-30", "to": "2026-01-01"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:team"))
    page = client.get(response["Location"])
    assert "There is a problem" in page.text
    assert "From must be a real date" in page.text
    assert not ExportLog.objects.exists()


def test_summary_of_a_large_team_is_logged_in_full(client_for, manager, staff):
    for n in range(25):
        PersonFactory(
            department=staff.department,
            line_manager=manager,
            display_name=f"Alexandra Fitzgerald-Smith {n:02}",
        )
    response = client_for(manager).get(reverse("recognition:appraisal_summary_csv"))
    assert response.status_code == 200
    log = ExportLog.objects.get()
    assert log.description.endswith("for 26 people")
    assert log.subjects.count() == 26


def test_a_manager_cannot_export_someone_elses_report(client_for, manager, staff, champion):
    response = client_for(manager).get(
        reverse("recognition:appraisal_summary_pdf"), {"person": champion.pk}
    )
    assert response.status_code == 404
    assert not ExportLog.objects.exists()


# Session, user, person, is-a-manager, the reports; one query per kind of contribution (led
# and its co-leads, roles, tasks, showcases, person, team and project nominations and the
# project nominations' co-leads and members, training, mentoring pairs and projects, reviews,
# domains); the notes; the export log (row, subjects check, subjects insert).
SUMMARY_QUERIES = 24


@pytest.mark.parametrize("name", ["appraisal_summary_csv", "appraisal_summary_pdf"])
def test_summary_queries_do_not_grow_with_the_team(
    client_for, manager, staff, qi_year, name, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse(f"recognition:{name}")
    with django_assert_max_num_queries(SUMMARY_QUERIES):
        assert client.get(url).status_code == 200
    for _n in range(15):
        report = PersonFactory(department=staff.department, line_manager=manager)
        TaskFactory(
            project=qi_year["other"],
            status="done",
            claimed_by=report,
            completed_at=timezone.now(),
            actual_hours=1,
        )
        AppraisalNoteFactory(person=report, manager=manager)
    with django_assert_max_num_queries(SUMMARY_QUERIES):
        response = client.get(url)
        # A CSV is read as it is sent: its queries are made while its rows are taken.
        rows = csv_rows(response) if name.endswith("csv") else None
    if name.endswith("csv"):
        assert len(rows) == 16
        return
    # 16 people: too many to make in the request, so the worker makes it (in tests, when the
    # request commits; here by hand), with as few queries whatever the team.
    assert response.status_code == 302
    prepared = PreparedFile.objects.get()
    with django_assert_max_num_queries(SUMMARY_QUERIES + 6):  # the file, its user, the save
        prepared_file_make.call(prepared_file_id=prepared.pk)
    download = client.get(reverse("recognition:prepared_file_download", args=[prepared.pk]))
    content = b"".join(download.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert text.count("Appraisal notes") == 16


def test_appraisal_notes_page_queries_do_not_grow(
    client_for, manager, staff, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("recognition:appraisal_notes", args=[staff.pk])
    AppraisalNoteFactory(person=staff, manager=manager)
    with django_assert_max_num_queries(8):
        client.get(url)
    for _n in range(20):
        AppraisalNoteFactory(person=staff, manager=manager)
    with django_assert_max_num_queries(8):
        assert client.get(url).text.count("nhsuk-card__heading") == 21


def test_team_page_offers_the_exports(client_for, manager, staff):
    response = client_for(manager).get(reverse("people:team"))
    assert reverse("recognition:appraisal_summary_csv") in response.text
    assert f"{reverse('recognition:appraisal_summary_pdf')}?person={staff.pk}" in response.text
    assert reverse("recognition:appraisal_notes", args=[staff.pk]) in response.text


def test_a_large_team_s_csv_is_streamed_a_few_people_at_a_time_with_every_row(
    client_for, manager, staff, qi_year, monkeypatch
):
    from recognition.views import appraisal

    monkeypatch.setattr(appraisal, "CSV_PEOPLE_AT_A_TIME", 3)
    for n in range(7):
        report = PersonFactory(
            department=staff.department, line_manager=manager, display_name=f"Report {n}"
        )
        TaskFactory(
            project=qi_year["other"],
            title=f"Task of report {n}",
            status="done",
            claimed_by=report,
            completed_at=timezone.now(),
            actual_hours=1,
        )
    response = client_for(manager).get(reverse("recognition:appraisal_summary_csv"))
    assert response.streaming
    rows = csv_rows(response)
    names = [row["Name"] for row in rows]
    assert names == sorted(names)
    assert len(names) == len(set(names)) == 8  # staff and the 7 more
    for n in range(7):
        (row,) = (row for row in rows if row["Name"] == f"Report {n}")
        assert f"Task of report {n}" in row["Tasks done"]
