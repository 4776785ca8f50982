"""Nobody decides on a project they work on.

"Working on a project" is one rule (`Project.is_working_on`, `Project.objects.worked_on_by`,
`project.people_working_on()`): its lead, its co-leads and its current members. Review, the
mentor list, closure sign-off, savings validation, showcase confirmation and award outcomes
all leave those people out. The reproduction: a champion joins a proposal in their own area,
is accepted, then approves it and, as its mentor, signs off its closure.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from projects import services
from projects.models import ClosureReport, Interest, Membership, Project, ReviewDecision
from tests.factories import (
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    PersonFactory,
    ProjectFactory,
)

QUEUE = reverse("governance:review_queue")
YOU_WORK_ON_IT = "You work on this project, so another champion must review it"


@pytest.fixture
def proposal(staff, acute_medicine):
    project = ProjectFactory(
        lead=staff,
        title="Safer insulin handover",
        stage=Project.Stage.PROPOSED,
        clinical_areas=[acute_medicine],
    )
    project.review_requested_at = timezone.now() - dt.timedelta(days=3)
    project.save()
    return project


def join_and_be_accepted(client_for, person, project):
    """`person` asks to join through the project page and the lead accepts, as staff would."""
    assert client_for(person).post(reverse("projects:join", args=[project.pk])).status_code == 302
    interest = Interest.objects.get(project=project, person=person)
    accept = reverse("projects:interest_accept", args=[project.pk, interest.pk])
    assert client_for(project.lead).post(accept).status_code == 302
    assert Membership.objects.filter(project=project, person=person, left_on=None).exists()


def review_url(project):
    return reverse("governance:review_project", args=[project.pk])


def closure_data():
    return {
        "outcomes": "Omitted doses fell from 12% to 4%.",
        "impact": "Fewer missed doses.",
        "lessons": "Start with one ward.",
        "sustainability": "Added to the ward audit cycle.",
    }


# The rule itself.


def test_working_on_is_the_lead_co_leads_and_current_members_in_every_form(
    staff, champion, manager, outsider, proposal, pharmacy
):
    co_lead, member, former = (PersonFactory(department=pharmacy) for _ in range(3))
    proposal.co_leads.add(co_lead)
    Membership.objects.create(project=proposal, person=member, role_title="Data collector")
    Membership.objects.create(
        project=proposal, person=former, role_title="Data collector", left_on=dt.date(2026, 1, 1)
    )
    working = {staff, co_lead, member}
    for person in [staff, co_lead, member, former, champion, manager, outsider]:
        expected = person in working
        assert proposal.is_working_on(person) is expected, person
        assert Project.objects.worked_on_by(person).filter(pk=proposal.pk).exists() is expected
    assert set(proposal.people_working_on()) == working
    assert not proposal.is_working_on(None)


# Review.


def test_a_champion_who_joined_a_proposal_cannot_approve_it(client_for, champion, proposal):
    join_and_be_accepted(client_for, champion, proposal)
    client = client_for(champion)
    page = client.get(reverse("projects:detail", args=[proposal.pk])).content.decode()
    assert review_url(proposal) not in page
    assert YOU_WORK_ON_IT in page
    response = client.post(review_url(proposal), {"decision": "approved"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor, proposal.review_requested_at) == (
        Project.Stage.PROPOSED,
        None,
        proposal.review_requested_at,
    )
    assert not ReviewDecision.objects.exists()


def test_the_service_refuses_a_decision_by_someone_working_on_the_project(champion, proposal):
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    with pytest.raises(WorkflowError, match="works on this project"):
        services.review_decide(project=proposal, champion=champion, decision="approved")
    assert not ReviewDecision.objects.exists()


def test_the_queue_leaves_out_a_proposal_the_champion_works_on(client_for, champion, proposal):
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    response = client_for(champion).get(QUEUE)
    assert response.context["rows"] == []
    assert review_url(proposal) not in response.content.decode()


def test_the_mentor_list_leaves_out_members_and_a_member_posted_anyway_is_refused(
    client_for, champion, proposal, acute_medicine, pharmacy
):
    member = PersonFactory(department=pharmacy, display_name="Mo Member")
    ChampionAssignmentFactory(person=member, clinical_area=acute_medicine)
    Membership.objects.create(project=proposal, person=member, role_title="Data collector")
    client = client_for(champion)
    form = client.get(review_url(proposal)).context["form"]
    assert list(form.fields["mentor"].queryset) == []  # the reviewer is offered as "Me"
    response = client.post(review_url(proposal), {"decision": "approved", "mentor": member.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor) == (Project.Stage.PROPOSED, None)
    with pytest.raises(WorkflowError, match="mentor"):
        services.review_decide(
            project=proposal, champion=champion, decision="approved", mentor=member
        )


# No champion of the area is free to review: the department's other champions and its QI lead.


@pytest.fixture
def surgery_champion(pharmacy, surgery):
    person = PersonFactory(department=pharmacy, display_name="Sunil Surgeon")
    ChampionAssignmentFactory(person=person, clinical_area=surgery)
    return person


def test_when_every_area_champion_works_on_it_another_champion_of_the_department_reviews(
    client_for, champion, surgery_champion, proposal
):
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    response = client_for(surgery_champion).get(QUEUE)
    assert [row["project"] for row in response.context["rows"]] == [proposal]
    html = response.content.decode()
    assert "No champion for its area is free to review it" in html
    assert review_url(proposal) in html
    response = client_for(surgery_champion).post(review_url(proposal), {"decision": "approved"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor) == (Project.Stage.PLANNING, surgery_champion)


@pytest.mark.parametrize("works_on_it_as", ["lead", "co-lead", "member"])
def test_each_way_the_area_champion_works_on_it_lets_another_champion_review(
    client_for, champion, surgery_champion, acute_medicine, staff, works_on_it_as
):
    # The queue first narrows the department's proposals to those a champion works on (as
    # lead, co-lead or member) or with no championed area, then checks each exactly.
    project = ProjectFactory(
        lead=champion if works_on_it_as == "lead" else staff,
        stage=Project.Stage.PROPOSED,
        clinical_areas=[acute_medicine],
    )
    if works_on_it_as == "co-lead":
        project.co_leads.add(champion)
    if works_on_it_as == "member":
        Membership.objects.create(project=project, person=champion, role_title="Helper")
    project.review_requested_at = timezone.now()
    project.save()
    response = client_for(surgery_champion).get(QUEUE)
    assert [row["project"] for row in response.context["rows"]] == [project]
    assert response.context["page"].paginator.count == 1
    assert client_for(champion).get(QUEUE).context["rows"] == []


@pytest.mark.parametrize("areas", ["none", "without a champion"])
def test_a_proposal_with_no_championed_area_goes_to_the_department_s_champions(
    client_for, surgery_champion, pharmacy, staff, areas
):
    project = ProjectFactory(
        lead=staff,
        stage=Project.Stage.PROPOSED,
        clinical_areas=[] if areas == "none" else [ClinicalAreaFactory(department=pharmacy)],
    )
    project.review_requested_at = timezone.now()
    project.save()
    response = client_for(surgery_champion).get(QUEUE)
    assert [row["project"] for row in response.context["rows"]] == [project]
    assert response.context["page"].paginator.count == 1


def test_while_an_area_champion_is_free_other_champions_of_the_department_do_not_review(
    client_for, champion, surgery_champion, proposal
):
    assert client_for(surgery_champion).get(QUEUE).context["rows"] == []
    response = client_for(surgery_champion).post(review_url(proposal), {"decision": "approved"})
    assert response.status_code == 403


def test_the_department_s_qi_lead_reviews_when_no_area_champion_is_free(
    client_for, champion, proposal, pharmacy
):
    qi_lead = PersonFactory(department=pharmacy, display_name="Quinn Lead")
    pharmacy.qi_lead = qi_lead
    pharmacy.save()
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    response = client_for(qi_lead).get(QUEUE)
    assert [row["project"] for row in response.context["rows"]] == [proposal]
    client_for(qi_lead).post(review_url(proposal), {"decision": "approved"})
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor) == (Project.Stage.PLANNING, qi_lead)


def test_a_champion_of_another_department_never_reviews_in_its_place(
    client_for, champion, proposal, outsider
):
    ChampionAssignmentFactory(
        person=outsider, clinical_area=ClinicalAreaFactory(department=outsider.department)
    )
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    client = client_for(outsider)
    assert client.get(QUEUE).context["rows"] == []
    assert client.post(review_url(proposal), {"decision": "approved"}).status_code == 403


# Closure sign-off.


@pytest.fixture
def mentored(staff, champion, acute_medicine):
    project = ProjectFactory(
        lead=staff, mentor=champion, stage="sustaining", clinical_areas=[acute_medicine]
    )
    ClosureReport.objects.create(project=project, written_by=staff, **closure_data())
    return project


def test_a_mentor_who_joined_the_project_cannot_sign_off_its_closure(
    client_for, champion, mentored
):
    join_and_be_accepted(client_for, champion, mentored)
    client = client_for(champion)
    page = client.get(reverse("projects:closure", args=[mentored.pk])).content.decode()
    assert reverse("projects:closure_sign_off", args=[mentored.pk]) not in page
    assert "You work on this project, so another champion must sign off its closure" in page
    assert client.post(reverse("projects:closure_sign_off", args=[mentored.pk])).status_code == 403
    mentored.refresh_from_db()
    assert mentored.stage == "sustaining"
    assert ClosureReport.objects.get().signed_off_by is None


def test_the_service_refuses_a_sign_off_by_someone_working_on_the_project(champion, mentored):
    Membership.objects.create(project=mentored, person=champion, role_title="Data collector")
    with pytest.raises(WorkflowError, match="works on this project"):
        services.closure_sign_off(project=mentored, champion=champion)
    assert ClosureReport.objects.get().signed_off_by is None


def test_a_member_who_is_a_champion_of_the_area_cannot_sign_off(
    client_for, mentored, acute_medicine, pharmacy
):
    member = PersonFactory(department=pharmacy)
    ChampionAssignmentFactory(person=member, clinical_area=acute_medicine)
    Membership.objects.create(project=mentored, person=member, role_title="Data collector")
    sign_off = reverse("projects:closure_sign_off", args=[mentored.pk])
    assert client_for(member).post(sign_off).status_code == 403
    mentored.refresh_from_db()
    assert mentored.stage == "sustaining"


def test_when_the_mentor_works_on_the_project_a_free_area_champion_signs_off(
    client_for, champion, mentored, acute_medicine, pharmacy
):
    Membership.objects.create(project=mentored, person=champion, role_title="Data collector")
    other = PersonFactory(department=pharmacy, display_name="Olive Other")
    ChampionAssignmentFactory(person=other, clinical_area=acute_medicine)
    page = client_for(other).get(reverse("projects:closure", args=[mentored.pk]))
    assert reverse("projects:closure_sign_off", args=[mentored.pk]) in page.content.decode()
    client_for(other).post(reverse("projects:closure_sign_off", args=[mentored.pk]))
    mentored.refresh_from_db()
    assert mentored.stage == "completed"
    assert ClosureReport.objects.get().signed_off_by == other


def test_the_review_reminder_skips_a_champion_who_works_on_it_and_goes_to_the_qi_lead(
    champion, proposal, pharmacy, admin, django_capture_on_commit_callbacks
):
    pharmacy.qi_lead = admin
    pharmacy.save()
    Membership.objects.create(project=proposal, person=champion, role_title="Data collector")
    Project.objects.filter(pk=proposal.pk).update(
        review_requested_at=timezone.now() - dt.timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert [m.to for m in mail.outbox if "waiting for your review" in m.subject] == [[admin.email]]
