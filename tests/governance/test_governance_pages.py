import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects.models import ClosureReport, MentoringNote, Project, ReminderLog, Task
from tests.factories import (
    ClinicalAreaFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    TaskFactory,
)
from tests.helpers import project_edit_data


@pytest.fixture
def mentored(staff, champion, acute_medicine):
    return ProjectFactory(
        lead=staff, mentor=champion, stage="sustaining", clinical_areas=[acute_medicine]
    )


def edit(client, project, **changes):
    return client.post(
        reverse("projects:edit", args=[project.pk]), project_edit_data(project, **changes)
    )


# Stage rules


@pytest.mark.parametrize("target", ["completed", "proposed", "idea"])
def test_illegal_stage_jumps_are_refused(client_for, staff, mentored, target):
    response = edit(client_for(staff), mentored, stage=target)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    mentored.refresh_from_db()
    assert mentored.stage == "sustaining"


def test_the_lead_may_pause_but_only_a_champion_closes(client_for, staff, champion, mentored):
    assert edit(client_for(staff), mentored, stage="closed").status_code == 200
    assert edit(client_for(staff), mentored, stage="on_hold").status_code == 302
    mentored.refresh_from_db()
    assert edit(client_for(champion), mentored, stage="closed").status_code == 302
    mentored.refresh_from_db()
    assert mentored.stage == "closed"


# Closure


def closure_data():
    return {
        "outcomes": "Omitted doses fell from 12% to 4%.",
        "impact": "Fewer missed Parkinson's doses.",
        "lessons": "Start with one ward.",
        "sustainability": "Added to the ward audit cycle.",
    }


def test_completion_needs_a_closure_report(client_for, champion, mentored):
    response = client_for(champion).post(
        reverse("projects:closure_sign_off", args=[mentored.pk]), follow=True
    )
    assert "needs a closure report" in response.content.decode()
    mentored.refresh_from_db()
    assert mentored.stage == "sustaining"


def test_a_lead_who_is_also_a_champion_cannot_sign_off_their_own_report(
    client_for, staff, mentored, acute_medicine
):
    staff.champion_assignments.create(clinical_area=acute_medicine)
    mentored.mentor = staff
    mentored.save()
    client_for(staff).post(reverse("projects:closure", args=[mentored.pk]), closure_data())
    sign_off = reverse("projects:closure_sign_off", args=[mentored.pk])
    assert client_for(staff).post(sign_off).status_code == 403
    mentored.refresh_from_db()
    assert mentored.stage == "sustaining"


def test_lead_writes_the_report_and_the_mentor_signs_it_off(client_for, staff, champion, mentored):
    url = reverse("projects:closure", args=[mentored.pk])
    response = client_for(staff).post(url, {**closure_data(), "lessons": ""})
    assert "Write the lessons learned" in response.content.decode()
    assert client_for(staff).post(url, closure_data()).status_code == 302
    # The lead cannot sign off their own report.
    sign_off = reverse("projects:closure_sign_off", args=[mentored.pk])
    assert client_for(staff).post(sign_off).status_code == 403
    assert client_for(champion).post(sign_off).status_code == 302
    mentored.refresh_from_db()
    report = ClosureReport.objects.get()
    assert (mentored.stage, report.signed_off_by) == ("completed", champion)
    # Signed off: it can no longer be changed.
    assert client_for(staff).post(url, closure_data()).status_code == 403


# Audit to QI


def test_audit_becomes_a_linked_qi_project_in_one_step(client_for, staff, acute_medicine):
    audit = ProjectFactory(
        lead=staff, kind="audit", title="Insulin audit", clinical_areas=[acute_medicine]
    )
    ProgressUpdateFactory(project=audit, done="Only 60% of insulin charts were complete.")
    response = client_for(staff).post(reverse("projects:audit_to_qi", args=[audit.pk]))
    qi = Project.objects.get(derived_from=audit)
    assert response["Location"] == reverse("projects:edit", args=[qi.pk])
    assert qi.kind == "qi"
    assert qi.is_draft
    assert "60% of insulin charts" in qi.problem
    assert list(qi.clinical_areas.all()) == [acute_medicine]
    assert (
        f'href="/projects/{qi.pk}/"'
        in client_for(staff).get(reverse("projects:detail", args=[audit.pk])).content.decode()
    )
    assert (
        f'href="/projects/{audit.pk}/"'
        in client_for(staff).get(reverse("projects:detail", args=[qi.pk])).content.decode()
    )


def test_starting_a_qi_project_from_an_audit_is_confirmed_first(
    client_for, staff, acute_medicine, django_assert_max_num_queries
):
    audit = ProjectFactory(
        lead=staff, kind="audit", title="Insulin audit", clinical_areas=[acute_medicine]
    )
    url = reverse("projects:audit_to_qi", args=[audit.pk])
    detail = client_for(staff).get(reverse("projects:detail", args=[audit.pk])).content.decode()
    # The audit's page links to the confirmation; it posts nothing itself.
    assert f'href="{url}">Start a QI project from this audit</a>' in detail
    assert f'action="{url}"' not in detail
    client = client_for(staff)
    # Session, user, person; the audit with its areas, co-leads and partner departments (4); the
    # viewer's champion areas; the draft this person may already have started from it.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Start a QI project from this audit?" in html
    assert "The audit itself does not change" in html
    assert 'type="submit">Yes, start the QI project</button>' in html
    assert f'href="/projects/{audit.pk}/">No, go back to the audit</a>' in html
    assert not Project.objects.filter(derived_from=audit).exists()  # a GET makes nothing
    client.post(url)
    qi = Project.objects.get(derived_from=audit)
    # Asked again while that draft is unsubmitted: the page offers the draft, not a second one.
    html = client.get(url).content.decode()
    assert f'href="/projects/{qi.pk}/edit/">Open the draft</a>' in html
    assert "Yes, start the QI project" not in html


def test_outsiders_get_no_confirmation_to_start_a_qi_project(
    client_for, outsider, staff, acute_medicine
):
    audit = ProjectFactory(lead=staff, kind="audit", clinical_areas=[acute_medicine])
    url = reverse("projects:audit_to_qi", args=[audit.pk])
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(outsider).post(url).status_code == 403
    assert not Project.objects.filter(derived_from=audit).exists()


def test_a_qi_project_offers_no_confirmation_to_start_one_from_it(client_for, staff, project):
    response = client_for(staff).get(
        reverse("projects:audit_to_qi", args=[project.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("projects:detail", args=[project.pk])
    assert "Only a clinical audit" in response.content.decode()


def test_a_double_click_makes_one_qi_project_and_drafts_cannot_convert(
    client_for, staff, acute_medicine
):
    audit = ProjectFactory(lead=staff, kind="audit", clinical_areas=[acute_medicine])
    url = reverse("projects:audit_to_qi", args=[audit.pk])
    client_for(staff).post(url)
    client_for(staff).post(url)
    assert Project.objects.filter(derived_from=audit).count() == 1
    draft_audit = ProjectFactory(
        lead=staff, kind="audit", draft=True, clinical_areas=[acute_medicine]
    )
    response = client_for(staff).post(
        reverse("projects:audit_to_qi", args=[draft_audit.pk]), follow=True
    )
    assert "Submit the audit before" in response.content.decode()


def test_only_audits_become_qi_projects(client_for, staff, project):
    response = client_for(staff).post(
        reverse("projects:audit_to_qi", args=[project.pk]), follow=True
    )
    assert "Only a clinical audit" in response.content.decode()


# Mentoring notes


def test_only_the_mentor_writes_notes_and_not_in_the_future(
    client_for, champion, pharmacy, acute_medicine, mentored
):
    other_champion = PersonFactory(department=pharmacy)
    other_champion.champion_assignments.create(clinical_area=acute_medicine)
    url = reverse("projects:mentoring_create", args=[mentored.pk])
    assert client_for(other_champion).post(url, {"note": "Not mine"}).status_code == 403
    response = client_for(champion).post(url, {"date": "2999-01-01", "note": "Later"})
    assert "cannot be in the future" in response.content.decode()
    assert MentoringNote.objects.count() == 0


def test_mentor_writes_notes_the_team_sees_and_others_do_not(
    client_for, champion, staff, manager, mentored
):
    url = reverse("projects:mentoring_create", args=[mentored.pk])
    assert (
        client_for(champion)
        .post(url, {"date": "2026-11-02", "note": "Try a run chart"})
        .status_code
        == 302
    )
    assert MentoringNote.objects.get().author == champion
    detail = reverse("projects:detail", args=[mentored.pk])
    assert "Try a run chart" in client_for(staff).get(detail).content.decode()
    assert "Try a run chart" not in client_for(manager).get(detail).content.decode()
    assert client_for(staff).post(url, {"note": "Lead cannot"}).status_code == 403


# History


def test_history_shows_old_and_new_values_and_who(client_for, staff, champion, mentored):
    edit(client_for(champion), mentored, title="Renamed by champion")
    TaskFactory(project=mentored, title="A task")
    response = client_for(staff).get(reverse("projects:history", args=[mentored.pk]))
    html = response.content.decode()
    assert f"<strong>Title</strong>: {mentored.title} → Renamed by champion" in html
    assert "Chris Okoro" in html
    assert "Created task: A task" in html


def test_history_shows_stage_labels_and_peoples_names(client_for, staff, champion, mentored):
    edit(client_for(champion), mentored, stage="on_hold")
    mentored.mentor = staff.line_manager
    mentored.save()
    html = client_for(staff).get(reverse("projects:history", args=[mentored.pk])).content.decode()
    assert "<strong>Stage</strong>: Sustaining → On hold" in html
    assert "<strong>Mentor</strong>: Chris Okoro → Morgan Ellis" in html


def test_history_is_for_the_team_champions_and_admins(client_for, manager, outsider, mentored):
    url = reverse("projects:history", args=[mentored.pk])
    assert client_for(manager).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403


def test_history_page_query_count_is_bounded(
    client_for, staff, champion, mentored, django_assert_max_num_queries
):
    for n in range(15):
        edit(client_for(staff), mentored, title=f"Title {n}")
        TaskFactory(project=mentored)
        ProgressUpdateFactory(project=mentored, done=f"Update {n}")
        MentoringNote.objects.create(project=mentored, author=champion, note=f"Note {n}")
    edit(client_for(champion), mentored, stage="on_hold")
    client = client_for(staff)
    # session, user, person, champion areas; project, areas, co-leads; one history query for
    # each of the thirteen kinds of record (including impact, savings, PDSA cycles
    # and measures); the names of people in the changes.
    with django_assert_max_num_queries(22):
        client.get(reverse("projects:history", args=[mentored.pk]))


def test_history_cannot_be_reverted_in_the_admin_even_by_a_superuser(client_for, admin, mentored):
    original = mentored.title
    mentored.title = "Changed later"
    mentored.save()
    record = mentored.history.earliest()
    url = reverse("admin:projects_project_simple_history", args=[mentored.pk, record.history_id])
    client = client_for(admin)
    assert client.get(url).status_code == 200  # history can be read
    response = client.post(url, {"title": original, "kind": "qi", "aim": "a", "problem": "p"})
    assert response.status_code == 403
    mentored.refresh_from_db()
    assert mentored.title == "Changed later"


def test_staff_admins_cannot_set_stage_or_mentor_in_the_admin(client_for, pharmacy, mentored):
    from django.contrib.auth.models import Permission

    clerk = PersonFactory(department=pharmacy)
    clerk.user.is_staff = True
    clerk.user.save()
    clerk.user.user_permissions.set(Permission.objects.filter(codename__endswith="_project"))
    page = client_for(clerk).get(reverse("admin:projects_project_change", args=[mentored.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="stage"' not in html
    assert 'name="mentor"' not in html


# Champions directory


def test_champions_directory_lists_areas_champions_and_mentored_projects(
    client_for, staff, champion, mentored
):
    html = client_for(staff).get(reverse("governance:champions")).content.decode()
    assert "Chris Okoro" in html
    assert mentored.reference in html


def test_champions_directory_lists_each_champion_s_newest_ten_active_projects_and_others(
    client_for, staff, champion, acute_medicine
):
    start = timezone.now() - dt.timedelta(days=30)
    mentored = []
    for day in range(12):
        project = ProjectFactory(lead=staff, mentor=champion, clinical_areas=[acute_medicine])
        Project.objects.filter(pk=project.pk).update(created_at=start + dt.timedelta(days=day))
        mentored.append(project)
    newest_closed = ProjectFactory(lead=staff, mentor=champion, stage=Project.Stage.CLOSED)
    html = client_for(staff).get(reverse("governance:champions")).content.decode()
    for project in mentored[2:]:
        assert f">{project.reference}<" in html
    for project in [*mentored[:2], newest_closed]:
        assert f">{project.reference}<" not in html
    assert "and others" in html


def test_person_whose_area_has_no_champion_is_told_who_to_ask(client_for, pharmacy, admin):
    lonely = ClinicalAreaFactory(department=pharmacy, name="Mental health")
    pharmacy.qi_lead = admin
    pharmacy.save()
    person = PersonFactory(department=pharmacy, clinical_areas=[lonely])
    html = client_for(person).get(reverse("governance:champions")).content.decode()
    assert "Mental health has no champion yet" in html
    assert "Amira Khan" in html


@pytest.mark.parametrize("mentored_each", [1, 15])
def test_champions_directory_query_count_is_bounded(
    client_for, staff, pharmacy, mentored_each, django_assert_max_num_queries
):
    for _n in range(8):
        area = ClinicalAreaFactory(department=pharmacy)
        person = PersonFactory(department=pharmacy)
        area.champion_assignments.create(person=person)
        for _m in range(mentored_each):
            ProjectFactory(lead=staff, mentor=person, clinical_areas=[area])
    client = client_for(staff)
    # session, user, person, champion areas; areas with departments and QI leads;
    # assignments; people; mentored projects; users; the person's own areas; their
    # department's QI lead.
    # +1: may the viewer choose another department's champions.
    with django_assert_max_num_queries(12):
        client.get(reverse("governance:champions"))


# Reminders


def test_reminders_go_once_a_day(
    staff, champion, acute_medicine, django_capture_on_commit_callbacks
):
    old = timezone.now() - dt.timedelta(days=60)
    stale = ProjectFactory(lead=staff, stage="testing", clinical_areas=[acute_medicine])
    Project.objects.filter(pk=stale.pk).update(stage_changed_at=old)
    waiting = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
    Project.objects.filter(pk=waiting.pk).update(review_requested_at=old)
    buddy = PersonFactory(department=staff.department)
    TaskFactory(project=stale, status=Task.Status.CLAIMED, claimed_by=buddy)
    Task.objects.update(last_activity_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        [staff.email, staff.email, buddy.email, champion.email]
    )  # no update (lead), quiet task (lead and buddy), waiting review (champion)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert len(mail.outbox) == 4
    assert ReminderLog.objects.count() == 4


def test_quiet_tasks_on_closed_projects_send_no_reminder(staff, acute_medicine):
    closed = ProjectFactory(lead=staff, stage="closed", clinical_areas=[acute_medicine])
    TaskFactory(project=closed, status=Task.Status.CLAIMED, claimed_by=staff)
    Task.objects.update(last_activity_at=timezone.now() - dt.timedelta(days=60))
    call_command("send_reminders")
    assert not ReminderLog.objects.filter(kind="quiet-claim").exists()


def test_proposals_in_areas_without_a_champion_go_to_the_qi_lead(
    staff, admin, pharmacy, django_capture_on_commit_callbacks
):
    pharmacy.qi_lead = admin
    pharmacy.save()
    lonely = ClinicalAreaFactory(department=pharmacy)
    waiting = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[lonely])
    Project.objects.filter(pk=waiting.pk).update(
        review_requested_at=timezone.now() - dt.timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert [m.to for m in mail.outbox if "waiting for your review" in m.subject] == [[admin.email]]


# Governance report


@pytest.mark.parametrize(
    ("persona", "status"), [("champion", 200), ("admin", 200), ("staff", 403), ("manager", 403)]
)
def test_governance_report_is_for_champions_and_admins(
    db, request, client_for, mentored, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("governance:report")).status_code == status
    assert client.get(reverse("governance:export_csv")).status_code == status


def test_governance_report_shows_mentor_decision_and_days(client_for, champion, mentored):
    Project.objects.filter(pk=mentored.pk).update(
        stage_changed_at=timezone.now() - dt.timedelta(days=10)
    )
    ProgressUpdateFactory(project=mentored, date=timezone.localdate() - dt.timedelta(days=4))
    response = client_for(champion).get(reverse("governance:report"))
    row = next(p for p in response.context["page"].object_list if p.pk == mentored.pk)
    assert (row.days_in_stage, row.days_since_update, row.mentor) == (10, 4, champion)
    export = client_for(champion).get(reverse("governance:export_csv"))
    body = b"".join(export.streaming_content).decode()
    assert "Mentor,Last decision,Days in stage,Days since last update" in body
    assert "Chris Okoro" in body


def test_governance_report_exports_to_excel(client_for, admin, mentored):
    import io

    from openpyxl import load_workbook

    response = client_for(admin).get(reverse("governance:export_xlsx"), {"stage": "sustaining"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-4:] == ("Mentor", "Last decision", "Days in stage", "Days since last update")
    assert [row[1] for row in rows[1:]] == [mentored.title]


def test_governance_report_filters_by_mentor_decision_and_staleness(
    client_for, champion, staff, mentored, acute_medicine
):
    quiet = ProjectFactory(lead=staff, stage="testing", clinical_areas=[acute_medicine])
    Project.objects.filter(pk=quiet.pk).update(
        stage_changed_at=timezone.now() - dt.timedelta(days=90)
    )
    ProgressUpdateFactory(project=mentored, date=timezone.localdate())
    client = client_for(champion)
    url = reverse("governance:report")

    def pks(**query):
        return [p.pk for p in client.get(url, query).context["page"].object_list]

    assert pks(mentor=champion.pk) == [mentored.pk]
    assert pks(days_in_stage=60) == [quiet.pk]
    assert pks(days_since_update=30) == [quiet.pk]
    assert pks(last_decision="approved") == []


def test_a_superuser_moving_a_proposal_past_review_in_the_admin_approves_it(
    rf, admin, staff, acute_medicine
):
    from django.contrib.admin.sites import site

    proposal = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
    request = rf.post("/admin/")
    request.user = admin.user
    proposal.stage = Project.Stage.PLANNING
    site._registry[Project].save_model(request, proposal, form=None, change=True)
    proposal.refresh_from_db()
    assert proposal.approved_by == admin
    assert proposal.is_live
