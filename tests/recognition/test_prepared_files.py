"""Large PDFs: counted first, prepared by the background worker, downloaded only by the person
who asked, deleted when their time is up; and every PDF within its bounds."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from people.models import Completion, Course, ExportLog
from recognition import documents
from recognition.models import PreparedFile
from recognition.services.prepared_files import prepared_file_make
from tests.factories import PersonFactory

PERSONAS_BUILT_ONCE = ("staff", "champion", "manager", "admin", "outsider", "project")

SUMMARY = reverse("recognition:appraisal_summary_pdf")
PORTFOLIO = reverse("recognition:portfolio_pdf")


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())  # lines wrap wherever the page is full


def downloaded(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def reports_of(manager, count: int) -> list:
    return [
        PersonFactory(
            department=manager.department, line_manager=manager, display_name=f"Report {n:02d}"
        )
        for n in range(count)
    ]


def courses_completed(person, count: int) -> None:
    """`count` training courses completed by `person` this year: as many contributions."""
    courses = Course.objects.bulk_create(
        Course(name=f"Course {n:03d}", level="foundation") for n in range(count)
    )
    today = timezone.localdate()
    Completion.objects.bulk_create(
        Completion(person=person, course=course, completed_on=today) for course in courses
    )


def ask(client, url, params, django_capture_on_commit_callbacks):
    """Ask for a PDF; the background task (immediate in tests) runs when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(url, params)


# Small PDFs still come straight back.


def test_a_small_summary_comes_straight_back(client_for, manager, staff):
    response = client_for(manager).get(SUMMARY, {"person": staff.pk})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert not PreparedFile.objects.exists()


def test_one_persons_summary_comes_straight_back_however_much_they_did(client_for, manager, staff):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)  # at most 20 of them are shown
    response = client_for(manager).get(SUMMARY, {"person": staff.pk})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert not PreparedFile.objects.exists()


def test_a_few_busy_reports_go_to_the_background(client_for, manager, staff):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)
    reports_of(manager, 1)  # two people: up to 280 rows, so the contributions are counted
    assert client_for(manager).get(SUMMARY).status_code == 302
    assert PreparedFile.objects.exists()


def test_more_reports_than_the_request_makes_go_to_the_background(
    client_for, manager, django_capture_on_commit_callbacks
):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    response = ask(client_for(manager), SUMMARY, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("recognition:prepared_file", args=[prepared.pk])
    assert prepared.requested_by == manager.user
    assert prepared.kind == PreparedFile.Kind.APPRAISAL_SUMMARY
    assert ExportLog.objects.get().kind == "appraisal_summary_pdf"  # logged when asked for


def test_more_contributions_than_the_request_makes_go_to_the_background(
    client_for, staff, django_capture_on_commit_callbacks
):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)
    response = ask(client_for(staff), PORTFOLIO, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    assert response.url == reverse("recognition:prepared_file", args=[prepared.pk])
    assert prepared.kind == PreparedFile.Kind.PORTFOLIO


def test_asking_again_while_it_is_being_prepared_makes_it_once(client_for, manager):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client = client_for(manager)
    first = client.get(SUMMARY)  # not made: the request's commit never comes in a test
    second = client.get(SUMMARY)
    assert second.url == first.url
    assert PreparedFile.objects.count() == 1
    client.get(SUMMARY, {"from": "2020-01-01", "to": "2020-12-31"})  # another period
    assert PreparedFile.objects.count() == 2


# The background task makes a real PDF and says so by email.


def test_the_worker_makes_the_team_summary_and_emails_the_manager(
    client_for, manager, django_capture_on_commit_callbacks
):
    reports = reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client = client_for(manager)
    ask(client, SUMMARY, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    assert prepared.status == PreparedFile.Status.READY
    assert prepared.size > 0
    page = client.get(reverse("recognition:prepared_file", args=[prepared.pk]))
    assert "Your file is ready" in page.text
    text = text_of(downloaded(client.get(_download(prepared))))
    for report in reports:
        assert report.display_name in text
    (email,) = mail.outbox
    assert email.to == [manager.email]
    assert "your file is ready" in email.subject
    assert reverse("recognition:prepared_file", args=[prepared.pk]) in email.body


def _download(prepared) -> str:
    return reverse("recognition:prepared_file_download", args=[prepared.pk])


def test_the_worker_makes_the_portfolio_within_its_bounds(
    client_for, staff, django_capture_on_commit_callbacks, monkeypatch
):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)
    monkeypatch.setattr(documents, "PORTFOLIO_MAX_ROWS", 5)
    client = client_for(staff)
    ask(client, PORTFOLIO, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    text = text_of(downloaded(client.get(_download(prepared))))
    in_the_csv = len(client.get(reverse("recognition:portfolio_csv")).getvalue().splitlines()) - 1
    assert f"And {in_the_csv - 5} more, not shown" in text
    assert "Course 150" in text  # the newest (by name, all on the same day)
    assert "Course 000" not in text


# While it is being prepared.


def test_the_page_says_the_file_is_being_prepared_until_it_is_ready(client_for, manager):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client = client_for(manager)
    response = client.get(SUMMARY, follow=True)  # the task waits for a commit that never comes
    assert "We are preparing your file" in response.text
    assert "We will email you when it is ready" in response.text
    assert 'data-hx-trigger="every 5s"' in response.text
    prepared = PreparedFile.objects.get()
    assert client.get(_download(prepared)).status_code == 404
    assert not mail.outbox


def test_htmx_polling_stops_once_the_file_is_ready(client_for, staff):
    prepared = PreparedFile.objects.create(
        requested_by=staff.user,
        kind=PreparedFile.Kind.PORTFOLIO,
        title="QI portfolio",
        filename="qi-portfolio.pdf",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    client = client_for(staff)
    url = reverse("recognition:prepared_file", args=[prepared.pk])
    preparing = client.get(url, headers={"HX-Request": "true"})
    assert preparing.status_code == 200
    assert "We are preparing your file" in preparing.text
    assert "<html" not in preparing.text  # the fragment alone
    PreparedFile.objects.filter(pk=prepared.pk).update(status=PreparedFile.Status.READY)
    ready = client.get(url, headers={"HX-Request": "true"})
    assert ready.status_code == 286  # htmx stops polling
    assert "Your file is ready" in ready.text


def test_a_file_that_could_not_be_made_says_so(
    client_for, staff, django_capture_on_commit_callbacks, monkeypatch
):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)

    def broken(*args, **kwargs):
        raise RuntimeError("the worker ran out of something")

    monkeypatch.setattr("recognition.services.prepared_files.render_pdf", broken)
    client = client_for(staff)
    response = ask(client, PORTFOLIO, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    assert prepared.status == PreparedFile.Status.FAILED
    assert "Your file could not be prepared" in client.get(response.url).text
    assert client.get(_download(prepared)).status_code == 404
    assert not mail.outbox


# Only the person who asked.


@pytest.mark.parametrize("persona", ["staff", "champion", "admin", "outsider"])
def test_only_the_manager_who_asked_sees_or_downloads_the_file(
    request, client_for, manager, persona, django_capture_on_commit_callbacks
):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    ask(client_for(manager), SUMMARY, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get(status=PreparedFile.Status.READY)
    other = client_for(request.getfixturevalue(persona))
    assert other.get(reverse("recognition:prepared_file", args=[prepared.pk])).status_code == 404
    assert other.get(_download(prepared)).status_code == 404


def test_a_report_who_moved_to_another_manager_before_the_file_was_made_is_left_out(
    client_for, manager, champion, django_capture_on_commit_callbacks
):
    reports = reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client = client_for(manager)
    client.get(SUMMARY)  # asked for; made below, after the move
    prepared = PreparedFile.objects.get()
    moved = reports[0]
    moved.line_manager = champion
    moved.save(update_fields=["line_manager"])
    prepared_file_make.call(prepared_file_id=prepared.pk)
    text = text_of(downloaded(client.get(_download(prepared))))
    assert reports[1].display_name in text
    assert moved.display_name not in text


# Bounds of the PDF itself.


def test_the_summary_shows_a_bounded_number_of_rows_per_section(
    client_for, manager, staff, monkeypatch
):
    courses_completed(staff, 7)
    monkeypatch.setattr(documents, "SUMMARY_ROWS_PER_SECTION", 3)
    monkeypatch.setattr(documents, "INLINE_MAX_ROWS", 1000)
    response = client_for(manager).get(SUMMARY, {"person": staff.pk})
    text = text_of(response.content)
    assert "And 4 more, not shown" in text
    assert "Download the CSV for all of them" in text
    assert "Course 006" in text
    assert "Course 000" not in text


def test_the_summary_names_the_people_it_leaves_out(
    client_for, manager, staff, django_capture_on_commit_callbacks, monkeypatch
):
    reports = reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    monkeypatch.setattr(documents, "SUMMARY_MAX_PEOPLE", 3)
    client = client_for(manager)
    ask(client, SUMMARY, {}, django_capture_on_commit_callbacks)
    text = text_of(downloaded(client.get(_download(PreparedFile.objects.get()))))
    names = sorted([staff.display_name, *(report.display_name for report in reports)])
    assert "Not in this PDF" in text
    assert f"This PDF covers 3 of the {len(names)} people asked for" in text
    assert names[-1] in text.split("Not in this PDF", 1)[1]


# Queries: bounded whatever the size.


def test_asking_for_a_large_summary_takes_a_fixed_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    reports_of(manager, 30)
    client = client_for(manager)
    # Session and user, the person, the reports, the export log (3), the same file already
    # being prepared, its insert and the savepoints around them. More than 10 people: nothing
    # is counted.
    with django_assert_max_num_queries(14):
        assert client.get(SUMMARY).status_code == 302


def test_asking_for_a_few_busy_reports_counts_them_in_a_fixed_number_of_queries(
    client_for, manager, staff, django_assert_max_num_queries
):
    courses_completed(staff, documents.INLINE_MAX_ROWS + 1)
    reports_of(manager, 5)
    client = client_for(manager)
    # As above, and fourteen COUNTs: one to three per kind of contribution.
    with django_assert_max_num_queries(28):
        assert client.get(SUMMARY).status_code == 302


def test_making_a_summary_takes_a_fixed_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    reports = reports_of(manager, 30)
    courses_completed(reports[0], 5)
    client_for(manager).get(SUMMARY)
    prepared = PreparedFile.objects.get()
    # The file and its user, the people, one or two queries per kind of contribution, the
    # domains, the notes, the person who asked, the save and the email's recipient.
    with django_assert_max_num_queries(30):
        prepared_file_make.call(prepared_file_id=prepared.pk)
    assert PreparedFile.objects.get().status == PreparedFile.Status.READY


def test_the_status_page_takes_a_fixed_number_of_queries(
    client_for, staff, django_assert_max_num_queries
):
    prepared = PreparedFile.objects.create(
        requested_by=staff.user,
        kind=PreparedFile.Kind.PORTFOLIO,
        title="QI portfolio",
        filename="qi-portfolio.pdf",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    client = client_for(staff)
    # Session and user, the person (middleware), the file; the rest is the base layout's.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("recognition:prepared_file", args=[prepared.pk]))
    assert response.status_code == 200


# Cleaned up when its time is up.


def test_the_sweep_deletes_expired_files_and_keeps_the_others(
    client_for, manager, django_capture_on_commit_callbacks, prepared_files_root
):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client = client_for(manager)
    ask(client, SUMMARY, {}, django_capture_on_commit_callbacks)
    ask(
        client,
        SUMMARY,
        {"from": "2020-01-01", "to": "2020-12-31"},
        django_capture_on_commit_callbacks,
    )
    old, new = PreparedFile.objects.order_by("pk")
    PreparedFile.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert (prepared_files_root / old.file.name).exists()
    out = io.StringIO()
    call_command("sweep_media", stdout=out)
    assert "Deleted 1 prepared files" in out.getvalue()
    assert list(PreparedFile.objects.all()) == [new]
    assert not (prepared_files_root / old.file.name).exists()
    assert (prepared_files_root / new.file.name).exists()
    assert client.get(_download(old)).status_code == 404


def test_a_prepared_file_is_kept_for_the_configured_days(client_for, manager, settings):
    settings.PREPARED_FILES_DAYS = 7
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    client_for(manager).get(SUMMARY)
    prepared = PreparedFile.objects.get()
    assert prepared.expires_at - prepared.created_at == dt.timedelta(days=7)


def test_prepared_files_are_stored_outside_the_uploads(
    client_for, manager, django_capture_on_commit_callbacks, media_root, prepared_files_root
):
    reports_of(manager, documents.INLINE_MAX_PEOPLE + 1)
    ask(client_for(manager), SUMMARY, {}, django_capture_on_commit_callbacks)
    prepared = PreparedFile.objects.get()
    assert (prepared_files_root / prepared.file.name).is_file()
    assert not any(path.is_file() for path in media_root.rglob("*"))
