"""Personal data: the subject access export (a ZIP of everything held about a person, history
included) and a leaver's anonymisation in place, both admin actions."""

import io
import json
import zipfile

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from common.email import send_email
from people.models import ExportLog, Person, QIConversation, SingleSignOnIdentity
from projects.models import Membership, Task
from qiregister import privacy
from recognition.models import AppraisalNote, Nomination
from tests.factories import (
    AppraisalNoteFactory,
    NominationFactory,
    PersonFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.recognition.test_board import add_poster

CHANGELIST = "admin:people_person_changelist"


def run_action(client, action: str, *people, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [p.pk for p in people], **extra},
    )


def sar(person) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(privacy.subject_access_export(person)))
    return json.loads(archive.read("person.json")), archive


@pytest.fixture
def other_report(manager, pharmacy):
    """Another of `manager`'s reports, with an appraisal note of her own."""
    person = PersonFactory(
        display_name="Priya Other", department=pharmacy, line_manager=manager, email="p@x.nhs.uk"
    )
    AppraisalNoteFactory(person=person, manager=manager, note="Priya's private appraisal note.")
    return person


# The subject access export


def test_export_holds_the_persons_rows_across_apps_and_their_history(qi_year, staff, project):
    add_poster(project)
    data, archive = sar(staff)
    records = data["records"]
    assert data["person"] == {"id": staff.pk, "name": "Sam Taylor", "username": "staff"}
    assert [row["pk"] for row in records["people.Person"]] == [staff.pk]
    assert records["people.HistoricalPerson"][0]["fields"]["display_name"] == "Sam Taylor"
    assert [row["pk"] for row in records["auth.User"]] == [staff.user.pk]
    assert records["people.HistoricalUser"]
    assert [row["pk"] for row in records["projects.Project"]] == [project.pk]  # led
    assert records["projects.HistoricalProject"]
    assert len(records["projects.Membership"]) == 1
    assert records["projects.Task"][0]["fields"]["title"] == "Audit 30 drug charts on ward 4"
    assert records["projects.HistoricalTask"]
    assert records["recognition.Nomination"][0]["fields"]["status"] == Nomination.Status.WON
    assert records["recognition.ShowcaseSlot"]
    assert records["people.Completion"]
    assert records["people.MentoringPair"]
    note = records["recognition.AppraisalNote"][0]["fields"]
    assert note["note"] == "Sam led the omitted doses work with real energy."
    assert records["recognition.HistoricalAppraisalNote"]
    assert records["recognition.Poster"]
    assert sorted(data["files"]) == sorted(
        name for name in archive.namelist() if name.startswith("files/")
    )
    assert any(name.startswith("files/poster-") for name in data["files"])
    assert "README.txt" in archive.namelist()


def test_export_leaves_out_other_peoples_private_data_and_secrets(
    qi_year, staff, manager, other_report
):
    text = json.dumps(sar(staff)[0])
    assert "Priya" not in text  # another report's appraisal note and profile
    assert staff.user.password not in text
    assert '"password": "[withheld]"' in text


def test_managers_export_shows_notes_they_wrote_but_not_their_words(
    qi_year, staff, manager, other_report
):
    data, _archive = sar(manager)
    notes = data["records"]["recognition.AppraisalNote"]
    assert {row["fields"]["person"] for row in notes} == {staff.pk, other_report.pk}
    assert {row["fields"]["note"] for row in notes} == {
        "[withheld: a private note about another person]"
    }
    text = json.dumps(data)
    assert "private appraisal note" not in text
    assert "with real energy" not in text
    # Their reports appear by name only: the fact of managing them, not their profiles.
    reports = {row["pk"]: row["fields"] for row in data["records"]["people.Person"]}
    assert reports[other_report.pk] == {
        "display_name": "Priya Other",
        "line_manager": manager.pk,
    }
    assert "p@x.nhs.uk" not in text


def test_changes_made_to_other_records_are_listed_without_their_contents(client_for, admin, staff):
    staff.interests = "Deprescribing"
    staff._history_user = admin.user
    staff.save()
    data, _archive = sar(admin)
    changes = data["changes_made_to_other_records"]
    assert {"record": "people.Person", "id": staff.pk, "change": "changed"}.items() <= changes[
        -1
    ].items()
    assert "Deprescribing" not in json.dumps(data)


def test_export_includes_sign_in_attempts_made_with_their_username(client, staff):
    client.post(reverse("login"), {"username": "staff", "password": "a wrong one"})
    data, _archive = sar(staff)
    assert data["records"]["axes.AccessAttempt"][0]["fields"]["username"] == "staff"


def test_admin_downloads_the_zip_and_the_export_is_logged(client_for, admin, staff):
    response = run_action(client_for(admin), "export_personal_data", staff)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="personal-data-{staff.pk}-'
    )
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("person.json"))
    assert data["person"]["id"] == staff.pk
    log = ExportLog.objects.get()
    assert (log.user, log.kind) == (admin.user, "subject_access_export")
    assert list(log.subjects.all()) == [staff]


def test_export_of_several_people_at_once_is_refused(client_for, admin, staff, manager):
    response = run_action(client_for(admin), "export_personal_data", staff, manager)
    assert response.status_code == 302
    assert not ExportLog.objects.exists()


@pytest.fixture
def staff_admin(pharmacy):
    """A Django staff user (can open the admin) with no rights in it."""
    return PersonFactory(user=UserFactory(username="clerk", is_staff=True), department=pharmacy)


@pytest.mark.parametrize("action", ["export_personal_data", "anonymise_leavers"])
def test_staff_users_without_admin_rights_get_403(client_for, staff_admin, staff, action):
    response = run_action(client_for(staff_admin), action, staff, post="yes")
    assert response.status_code == 403
    assert not ExportLog.objects.exists()
    staff.refresh_from_db()
    assert staff.display_name == "Sam Taylor"


@pytest.mark.parametrize("action", ["export_personal_data", "anonymise_leavers"])
def test_editing_people_is_not_enough_to_run_the_actions(client_for, staff_admin, staff, action):
    staff_admin.user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_person", "change_person"])
    )
    client = client_for(staff_admin)
    changelist = client.get(reverse(CHANGELIST)).content.decode()
    assert f'value="{action}"' not in changelist
    response = run_action(client, action, staff, post="yes")
    assert response["Content-Type"].startswith("text/html")  # "No action selected"
    assert not ExportLog.objects.exists()
    staff.refresh_from_db()
    assert staff.display_name == "Sam Taylor"


def test_a_granted_permission_is_enough(client_for, staff_admin, staff):
    staff_admin.user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_person", "export_personal_data"])
    )
    response = run_action(client_for(staff_admin), "export_personal_data", staff)
    assert response["Content-Type"] == "application/zip"


# Anonymising a leaver


def text_columns_containing(*needles: str) -> list[str]:
    """Every text column of every table (history tables too) that holds any of the needles."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """
        )
        columns = cursor.fetchall()
        assert len(columns) > 100  # the search really covers the schema
        found = []
        for table, column in columns:
            for needle in needles:
                # The table and column names come from the catalogue; the value is a parameter.
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column}: {needle}")
    return found


@pytest.fixture
def leaver(client, client_for, qi_year, staff, champion, admin, project, manager):
    """`staff`, whose name and email are written all over the database: history (a rename in
    the admin), the admin log, another person's update and citation, the export log."""
    url = reverse("admin:people_person_change", args=[staff.pk])
    response = client_for(admin).post(
        url,
        {
            "user": staff.user.pk,
            "display_name": "Sam Taylor",
            "job_role": staff.job_role,
            "band": "5",
            "department": staff.department.pk,
            "clinical_areas": [a.pk for a in staff.clinical_areas.all()],
            "line_manager": manager.pk,
            "email": "sam.taylor@example.nhs.uk",
            "interests": "Anticoagulation safety",
            "champion_assignments-TOTAL_FORMS": "0",
            "champion_assignments-INITIAL_FORMS": "0",
            "champion_assignments-MIN_NUM_FORMS": "0",
            "champion_assignments-MAX_NUM_FORMS": "1000",
        },
        follow=True,  # shows (and so clears) the "Sam Taylor was changed" message
    )
    assert response.redirect_chain
    ProgressUpdateFactory(
        project=project, author=champion, done="Met Sam Taylor (sam.taylor@example.nhs.uk)."
    )
    NominationFactory(person=staff, nominated_by=champion, citation="Sam Taylor led the work.")
    QIConversation.objects.create(person=staff, manager=manager, note="Wants to lead an audit.")
    client_for(staff).get(reverse("recognition:portfolio_csv"))  # logs "… of Sam Taylor"
    client.logout()
    client.post(reverse("login"), {"username": "staff", "password": "a wrong one"})
    assert AccessAttempt.objects.filter(username="staff").exists()
    staff.refresh_from_db()
    return staff


def test_confirmation_page_first_and_nothing_changes_until_yes(client_for, admin, leaver):
    response = run_action(client_for(admin), "anonymise_leavers", leaver)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anonymise 1 leaver?" in html
    assert "Appraisal notes about them (deleted): 1" in html
    assert "Project memberships: 1" in html
    assert 'name="post" value="yes"' in html
    leaver.refresh_from_db()
    assert leaver.display_name == "Sam Taylor"


def test_after_anonymisation_the_name_and_email_are_nowhere_in_the_database(
    client_for, admin, leaver
):
    assert text_columns_containing("Sam Taylor", "sam.taylor@example.nhs.uk")  # before
    response = run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    assert response.status_code == 302
    assert (
        text_columns_containing(
            "Sam Taylor", "sam.taylor@example.nhs.uk", "staff@example.nhs.uk", "Anticoagulation"
        )
        == []
    )


def test_contributions_still_count_as_former_staff_member(client_for, admin, leaver, project):
    memberships = Membership.objects.filter(person=leaver).count()
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    leaver.refresh_from_db()
    assert leaver.display_name == "Former staff member"
    assert Membership.objects.filter(person=leaver).count() == memberships == 1
    assert Task.objects.filter(claimed_by=leaver, status=Task.Status.DONE).count() == 1
    assert Nomination.objects.filter(person=leaver).count() == 2
    project.refresh_from_db()
    assert project.lead == leaver
    page = client_for(admin).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Former staff member" in page
    assert "Sam Taylor" not in page


def test_private_notes_about_the_leaver_are_deleted_with_their_history(
    client_for, admin, leaver, manager, other_report
):
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    assert not AppraisalNote.objects.filter(person=leaver).exists()
    assert not AppraisalNote.history.filter(person_id=leaver.pk).exists()
    assert not QIConversation.history.filter(person_id=leaver.pk).exists()
    # What the manager wrote about someone else stays.
    assert AppraisalNote.objects.filter(person=other_report).count() == 1


def test_the_account_is_closed_and_the_anonymisation_recorded_without_the_old_name(
    client, client_for, admin, leaver
):
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    leaver.refresh_from_db()
    user = leaver.user
    assert user.username == f"former-staff-{leaver.pk}"
    assert (user.is_active, user.email, user.has_usable_password()) == (False, "", False)
    record = leaver.history.latest()
    assert record.history_user == admin.user
    assert record.history_change_reason == "Anonymised as a leaver"
    assert record.display_name == "Former staff member"
    assert set(leaver.history.values_list("display_name", flat=True)) == {"Former staff member"}
    assert set(leaver.history.values_list("email", flat=True)) == {""}
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert AccessAttempt.objects.filter(username=user.username).exists()
    client.logout()
    response = client.post(
        reverse("login"), {"username": "staff", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_the_leavers_single_sign_on_identity_is_deleted_with_its_history(client_for, admin, leaver):
    SingleSignOnIdentity.objects.create(
        user=leaver.user, issuer="https://login.example/v2.0", subject="sam-at-the-provider"
    )
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    assert not SingleSignOnIdentity.objects.exists()
    assert not SingleSignOnIdentity.history.exists()


def test_a_namesake_keeps_their_name(client_for, admin, leaver, pharmacy):
    namesake = PersonFactory(display_name="Sam Taylor", department=pharmacy)
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    namesake.refresh_from_db()
    assert namesake.display_name == "Sam Taylor"
    leaver.refresh_from_db()
    assert leaver.display_name == "Former staff member"


def test_nobody_anonymises_themselves_and_a_second_run_changes_nothing(client_for, admin, leaver):
    client = client_for(admin)
    run_action(client, "anonymise_leavers", admin, post="yes")
    admin.refresh_from_db()
    assert admin.display_name == "Amira Khan"
    run_action(client, "anonymise_leavers", leaver, post="yes")
    records = leaver.history.count()
    response = run_action(client, "anonymise_leavers", leaver, post="yes")
    assert response.status_code == 302
    assert leaver.history.count() == records


def test_anonymise_leaver_service_needs_no_request(leaver, admin):
    result = privacy.anonymise_leaver(leaver, by=admin.user)
    assert result.deleted["appraisal notes"] == 1
    assert result.deleted["QI conversations"] == 1
    assert Person.objects.get(pk=leaver.pk).display_name == "Former staff member"


def test_queued_emails_to_the_leaver_go_and_emails_naming_them_are_swept(
    settings, client_for, admin, leaver, champion
):
    # Queued, not sent: the database queue with no worker running.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_email.enqueue(
        subject="Your request", text="Hello Sam Taylor", html="", to=["Sam.Taylor@example.nhs.uk"]
    )
    send_email.enqueue(
        subject="A request to join",
        text="Sam Taylor (sam.taylor@example.nhs.uk) asked to join.",
        html="<p>Sam Taylor asked to join.</p>",
        to=["champion@example.nhs.uk"],
    )
    assert DBTaskResult.objects.count() == 2
    run_action(client_for(admin), "anonymise_leavers", leaver, post="yes")
    kept = DBTaskResult.objects.get()  # the one to the leaver is gone
    assert kept.args_kwargs["kwargs"]["to"] == ["champion@example.nhs.uk"]
    assert kept.args_kwargs["kwargs"]["text"] == (
        "Former staff member ([email removed]) asked to join."
    )
    assert text_columns_containing("Sam Taylor", "sam.taylor@example.nhs.uk") == []
