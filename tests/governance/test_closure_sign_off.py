"""Champions see their mentoring and closure work.

The journey through the web, as each persona: the lead (staff) writes the closure report and
sends it for sign-off; the mentor (champion) is emailed, finds it on My QI and in the review
queue, and signs it off after a confirmation, or sends it back with comments; the lead sees
the comments, edits and resubmits. Another champion, the manager and an outsider cannot.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from projects import services
from projects.models import ClosureReport, Project
from tests.factories import (
    ChampionAssignmentFactory,
    DepartmentFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    UserFactory,
)
from tests.helpers import trust_qi_team_group

QUEUE = reverse("governance:review_queue")
ME = reverse("people:me")


@pytest.fixture
def mentored(staff, champion, acute_medicine):
    return ProjectFactory(
        lead=staff,
        mentor=champion,
        stage="sustaining",
        title="Fewer omitted Parkinson's doses",
        clinical_areas=[acute_medicine],
    )


@pytest.fixture
def trust_member(db):
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
    )
    person.user.groups.add(trust_qi_team_group())
    return person


@pytest.fixture
def other_champion(pharmacy, acute_medicine):
    person = PersonFactory(department=pharmacy, display_name="Olive Other")
    ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    return person


def closure_data(**changes):
    return {
        "outcomes": "Omitted doses fell from 12% to 4% on the three acute wards.",
        "impact": "Fewer missed Parkinson's doses; no harm incidents since May.",
        "lessons": "Start with one ward and the morning huddle.",
        "sustainability": "Added to the monthly ward audit cycle.",
        **changes,
    }


def closure_url(project):
    return reverse("projects:closure", args=[project.pk])


def sign_off_url(project):
    return reverse("projects:closure_sign_off", args=[project.pk])


def send_back_url(project):
    return reverse("projects:closure_send_back", args=[project.pk])


def submit_report(client_for, lead, project, capture, **changes):
    with capture(execute=True):
        response = client_for(lead).post(closure_url(project), closure_data(**changes))
    assert response.status_code == 302
    return ClosureReport.objects.get(project=project)


# The lead sends the report: the mentor is emailed and has it in their queue.


def test_sending_the_report_emails_the_mentor_and_it_waits_in_their_queue(
    client_for, staff, champion, mentored, django_capture_on_commit_callbacks
):
    report = submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    assert report.state == ClosureReport.State.WAITING
    [email] = mail.outbox
    assert email.to == [champion.email]
    assert email.subject == f"QI Register: Closure report to sign off: {mentored.reference}"
    assert closure_url(mentored) in email.body
    assert "Sam Taylor has sent the closure report" in email.alternatives[0][0]
    queue = client_for(champion).get(QUEUE)
    assert queue.context["closure_reports"] == [mentored]
    assert "Closure reports to sign off" in queue.content.decode()
    assert closure_url(mentored) in queue.content.decode()


def test_editing_a_waiting_report_sends_no_second_email(
    client_for, staff, mentored, django_capture_on_commit_callbacks
):
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    report = submit_report(
        client_for, staff, mentored, django_capture_on_commit_callbacks, lessons="Start small."
    )
    assert len(mail.outbox) == 1
    assert (report.lessons, report.state) == ("Start small.", ClosureReport.State.WAITING)


def test_the_report_is_in_no_other_champion_s_queue_while_the_mentor_is_free(
    client_for, staff, mentored, other_champion, manager, django_capture_on_commit_callbacks
):
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    assert client_for(other_champion).get(QUEUE).context["closure_reports"] == []
    assert client_for(manager).get(QUEUE).status_code == 403


def test_when_the_mentor_works_on_it_the_free_area_champion_is_emailed_and_signs_off(
    client_for,
    staff,
    champion,
    mentored,
    other_champion,
    django_capture_on_commit_callbacks,
):
    mentored.co_leads.add(champion)
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[other_champion.email]]
    assert client_for(champion).get(QUEUE).context["closure_reports"] == []
    assert client_for(other_champion).get(QUEUE).context["closure_reports"] == [mentored]
    client_for(other_champion).post(sign_off_url(mentored))
    mentored.refresh_from_db()
    assert mentored.stage == Project.Stage.COMPLETED


def test_with_no_mentor_and_no_free_area_champion_the_qi_lead_signs_off(
    client_for, staff, champion, mentored, manager, pharmacy, django_capture_on_commit_callbacks
):
    pharmacy.qi_lead = manager
    pharmacy.save(update_fields=["qi_lead"])
    mentored.mentor = None
    mentored.save(update_fields=["mentor"])
    mentored.co_leads.add(champion)  # the area's only champion works on it
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert client_for(manager).get(QUEUE).context["closure_reports"] == [mentored]
    assert client_for(manager).get(sign_off_url(mentored)).status_code == 200


# Sign-off needs a confirmation.


def test_the_mentor_confirms_before_signing_off(
    client_for, staff, champion, mentored, django_capture_on_commit_callbacks
):
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    client = client_for(champion)
    page = client.get(closure_url(mentored)).content.decode()
    # The report page offers the two actions as links: nothing changes until confirmed.
    assert f'href="{sign_off_url(mentored)}"' in page
    assert f'href="{send_back_url(mentored)}"' in page
    confirm = client.get(sign_off_url(mentored))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Sign off the closure report and complete the project?" in html
    assert "moves to <strong>Completed</strong>" in html
    assert "This cannot be undone" in html
    assert "A completed project cannot be moved back to another stage" in html
    assert 'type="submit">Sign off and complete the project</button>' in html
    assert f'href="{send_back_url(mentored)}">Send it back to the lead</a>' in html
    mentored.refresh_from_db()
    assert mentored.stage == Project.Stage.SUSTAINING
    response = client.post(sign_off_url(mentored), follow=True)
    assert "Closure report signed off. The project is completed." in response.content.decode()
    mentored.refresh_from_db()
    report = ClosureReport.objects.get()
    assert (mentored.stage, report.signed_off_by, report.state) == (
        Project.Stage.COMPLETED,
        champion,
        ClosureReport.State.SIGNED_OFF,
    )
    assert client.get(QUEUE).context["closure_reports"] == []


def test_nothing_to_confirm_without_a_waiting_report(client_for, champion, mentored):
    response = client_for(champion).get(sign_off_url(mentored), follow=True)
    assert response.redirect_chain[-1][0] == closure_url(mentored)
    assert "needs a closure report" in response.content.decode()


# Sending back.


def test_the_mentor_sends_the_report_back_with_a_comment_and_the_lead_resubmits(
    client_for, staff, champion, mentored, django_capture_on_commit_callbacks
):
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    mentor = client_for(champion)
    empty = mentor.post(send_back_url(mentored), {"comment": "  "})
    html = empty.content.decode()
    assert empty.status_code == 200
    assert "Say what the lead should change" in html
    assert "nhsuk-error-summary" in html
    assert ClosureReport.objects.get().state == ClosureReport.State.WAITING

    comment = "Add the balancing measure: time the huddle takes."
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor.post(send_back_url(mentored), {"comment": comment})
    assert response.status_code == 302
    report = ClosureReport.objects.get()
    assert (report.state, report.sent_back_by, report.sent_back_comment) == (
        ClosureReport.State.SENT_BACK,
        champion,
        comment,
    )
    [email] = mail.outbox
    assert email.to == [staff.email]
    assert email.subject == f"QI Register: Closure report sent back: {mentored.reference}"
    assert comment in email.body
    # Sent back: nothing to sign off until the lead resubmits.
    assert mentor.get(QUEUE).context["closure_reports"] == []
    assert mentor.post(sign_off_url(mentored)).status_code == 302
    mentored.refresh_from_db()
    assert mentored.stage == Project.Stage.SUSTAINING

    lead = client_for(staff)
    for page in (reverse("projects:detail", args=[mentored.pk]), closure_url(mentored), ME):
        html = lead.get(page).content.decode()
        assert "Closure report sent back: your action" in html, page
        assert comment in html, page
    assert "Resubmit for sign-off" in lead.get(closure_url(mentored)).content.decode()

    mail.outbox.clear()
    submit_report(
        client_for,
        staff,
        mentored,
        django_capture_on_commit_callbacks,
        outcomes="Omitted doses fell from 12% to 4%; the huddle takes 3 minutes.",
    )
    assert [m.to for m in mail.outbox] == [[champion.email]]
    report.refresh_from_db()
    assert report.state == ClosureReport.State.WAITING
    assert client_for(champion).get(QUEUE).context["closure_reports"] == [mentored]
    # The history keeps the send-back and its comment.
    assert comment in {h.sent_back_comment for h in report.history.all()}


def test_closure_sent_back_for_names_the_lead_s_reports_to_rework(
    staff, champion, mentored, acute_medicine
):
    ProjectFactory(lead=staff, mentor=champion, stage="testing", clinical_areas=[acute_medicine])
    ClosureReport.objects.create(project=mentored, written_by=staff, **closure_data())
    assert not Project.objects.closure_sent_back_for(staff).exists()
    assert list(Project.objects.awaiting_closure_sign_off_by(champion)) == [mentored]
    services.closure_report_send_back(project=mentored, champion=champion, comment="More data")
    assert list(Project.objects.closure_sent_back_for(staff)) == [mentored]
    assert not Project.objects.closure_sent_back_for(champion).exists()
    assert not Project.objects.awaiting_closure_sign_off_by(champion).exists()


def test_the_admin_sees_every_report_waiting_and_the_trust_qi_team_none(
    client_for, staff, admin, mentored, trust_member
):
    ClosureReport.objects.create(project=mentored, written_by=staff, **closure_data())
    assert client_for(admin).get(QUEUE).context["closure_reports"] == [mentored]
    response = client_for(trust_member).get(QUEUE, {"department": "pharmacy"})
    assert response.context["closure_reports"] == []


def test_the_service_refuses_an_empty_comment_and_a_report_not_waiting(staff, champion, mentored):
    report = ClosureReport.objects.create(project=mentored, written_by=staff, **closure_data())
    with pytest.raises(WorkflowError, match="Say what the lead should change"):
        services.closure_report_send_back(project=mentored, champion=champion, comment=" ")
    services.closure_report_send_back(project=mentored, champion=champion, comment="More data")
    with pytest.raises(WorkflowError, match="sent back to the lead"):
        services.closure_report_send_back(project=mentored, champion=champion, comment="Again")
    with pytest.raises(WorkflowError, match="sent back to the lead"):
        services.closure_sign_off(project=mentored, champion=champion)
    report.refresh_from_db()
    assert report.signed_off_at is None


# Who may sign off or send back: nobody else (the matrix in tests/security has every role).


@pytest.mark.parametrize("persona", ["staff", "manager", "outsider", "other_champion"])
@pytest.mark.parametrize("route", [sign_off_url, send_back_url])
def test_only_the_mentor_signs_off_or_sends_back(
    db, request, client_for, staff, mentored, persona, route
):
    ClosureReport.objects.create(project=mentored, written_by=staff, **closure_data())
    client = client_for(request.getfixturevalue(persona))
    assert client.get(route(mentored)).status_code == 403
    assert client.post(route(mentored), {"comment": "No"}).status_code == 403
    report = ClosureReport.objects.get()
    assert report.state == ClosureReport.State.WAITING


# A mentored project without a report is no dead end.


def test_the_mentor_is_told_what_happens_next_when_there_is_no_report(
    client_for, champion, mentored
):
    html = client_for(champion).get(closure_url(mentored)).content.decode()
    assert "The lead, Sam Taylor, has not written a closure report yet." in html
    assert "you are emailed" in html
    assert reverse("projects:mentoring_create", args=[mentored.pk]) in html
    assert sign_off_url(mentored) not in html


def test_before_implementing_the_mentor_is_told_when_the_report_comes(
    client_for, champion, mentored
):
    mentored.stage = Project.Stage.TESTING
    mentored.save(update_fields=["stage"])
    html = client_for(champion).get(closure_url(mentored)).content.decode()
    assert "has not written a closure report yet" in html
    assert "once it is implementing or sustaining" in html


# Projects I mentor, on My QI.


def test_my_qi_lists_the_projects_i_mentor_with_stage_update_and_report_state(
    client_for, staff, champion, mentored, acute_medicine, django_capture_on_commit_callbacks
):
    quiet = ProjectFactory(
        lead=staff, mentor=champion, stage="testing", clinical_areas=[acute_medicine]
    )
    update = ProgressUpdateFactory(project=quiet)
    closed = ProjectFactory(lead=staff, mentor=champion, stage="closed")
    submit_report(client_for, staff, mentored, django_capture_on_commit_callbacks)
    response = client_for(champion).get(ME)
    rows = response.context["mentored_projects"]
    # Waiting for my sign-off first; a project closed without completion is not listed.
    assert rows == [mentored, quiet]
    assert closed not in rows
    assert rows[1].latest_update_date == update.date
    assert rows[1].days_since_update == (timezone.localdate() - update.date).days
    html = response.content.decode()
    assert "Projects I mentor" in html
    assert "Written, waiting for your sign-off" in html
    assert "None yet" in html


def test_my_qi_lists_the_25_longest_without_an_update_of_28_and_says_there_are_more(
    client_for, staff, champion, acute_medicine
):
    today = timezone.localdate()
    projects = []
    for days_ago in range(28, 0, -1):  # the first made has gone longest without an update
        project = ProjectFactory(
            lead=staff, mentor=champion, stage="testing", clinical_areas=[acute_medicine]
        )
        ProgressUpdateFactory(project=project, date=today - dt.timedelta(days=days_ago))
        projects.append(project)
    response = client_for(champion).get(ME)
    assert response.context["mentored_projects"] == projects[:25]
    assert response.context["more_mentored"]


def test_my_qi_shows_no_mentoring_list_to_staff_who_mentor_nothing(client_for, staff):
    assert "Projects I mentor" not in client_for(staff).get(ME).content.decode()


def test_projects_i_mentor_query_count_is_bounded(
    client_for, staff, champion, acute_medicine, django_assert_max_num_queries
):
    for n in range(12):
        project = ProjectFactory(
            lead=staff, mentor=champion, stage="sustaining", clinical_areas=[acute_medicine]
        )
        ProgressUpdateFactory(project=project)
        if n % 2:
            ClosureReport.objects.create(project=project, written_by=staff, **closure_data())
    client = client_for(champion)
    # As tests/people/test_my_qi.py counts My QI: the mentored projects, with their leads,
    # closure reports and latest update, are one query however many there are.
    with django_assert_max_num_queries(18):
        response = client.get(ME)
    assert len(response.context["mentored_projects"]) == 12
