import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import ClosureReport, Project, ReviewDecision
from tests.factories import (
    ChampionAssignmentFactory,
    DepartmentFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)
from tests.helpers import trust_qi_team_group

QUEUE = reverse("governance:review_queue")


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


def waiting_closure(*, lead, mentor, areas):
    """A sustaining project whose closure report waits for its mentor's sign-off."""
    project = ProjectFactory(lead=lead, mentor=mentor, stage="sustaining", clinical_areas=areas)
    ClosureReport.objects.create(
        project=project,
        written_by=lead,
        outcomes="Omitted doses fell from 12% to 4%.",
        impact="Fewer missed doses.",
        lessons="Start with one ward.",
        sustainability="Added to the ward audit cycle.",
    )
    return project


def review_url(project):
    return reverse("governance:review_project", args=[project.pk])


def test_queue_lists_proposals_in_the_champions_areas_oldest_first(
    client_for, champion, proposal, staff, surgery, acute_medicine
):
    newer = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
    newer.review_requested_at = timezone.now()
    newer.save()
    elsewhere = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[surgery])
    elsewhere.review_requested_at = timezone.now()
    elsewhere.save()
    # Surgery's own champion reviews it (with none, any champion of the department could).
    surgeon = PersonFactory(department=staff.department)
    ChampionAssignmentFactory(person=surgeon, clinical_area=surgery)
    response = client_for(champion).get(QUEUE)
    assert [row["project"] for row in response.context["rows"]] == [proposal, newer]


def test_queue_shows_duplicate_matches_beside_each_proposal(
    client_for, champion, proposal, acute_medicine
):
    twin = ProjectFactory(title="Insulin handover safety", clinical_areas=[acute_medicine])
    response = client_for(champion).get(QUEUE)
    assert response.context["rows"][0]["similar"] == [twin]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 403), ("manager", 403), ("outsider", 403), ("champion", 200), ("admin", 200)],
)
def test_queue_is_for_champions_and_admins(db, request, client_for, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(QUEUE).status_code == status


def test_queue_query_count_is_bounded(
    client_for, champion, staff, acute_medicine, django_assert_max_num_queries
):
    for _ in range(12):
        project = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
        project.review_requested_at = timezone.now()
        project.save()
    for _ in range(5):
        waiting_closure(lead=staff, mentor=champion, areas=[acute_medicine])
    client = client_for(champion)
    # session, user, person, champion areas; the trust-wide permission, the department shown;
    # count and page; the duplicate search for every row on the page at once, and the
    # projects it found; the newest decision, then (not cached since it) decisions per champion
    # and overall; the closure reports waiting for sign-off, with their leads, mentors and
    # reports.
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(response.context["closure_reports"]) == 5


def test_champion_approves_becomes_mentor_and_the_lead_is_emailed(
    client_for, champion, proposal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(champion).post(review_url(proposal), {"decision": "approved"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor) == (Project.Stage.PLANNING, champion)
    decision = ReviewDecision.objects.get()
    assert (proposal.approved_at, proposal.approved_by) == (decision.decided_at, champion)
    assert proposal.is_live
    assert Project.objects.live().filter(pk=proposal.pk).exists()
    assert (decision.champion, decision.decision) == (champion, "approved")
    assert decision.turnaround >= dt.timedelta(days=3)
    assert mail.outbox[0].to == [proposal.lead.email]
    assert mail.outbox[0].subject == f"QI Register: Approved: {proposal.reference}"
    assert "approved" in mail.outbox[0].body
    assert "The project is now in planning, with Chris Okoro as its mentor." in mail.outbox[0].body


def test_only_approval_leads_into_the_working_stages(proposal):
    assert not proposal.is_approved
    assert not Project.objects.approved().exists()
    proposal.stage = Project.Stage.PLANNING
    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save(update_fields=["stage"])


def test_champion_can_assign_another_champion_as_mentor(
    client_for, champion, proposal, acute_medicine, pharmacy
):
    other = PersonFactory(department=pharmacy)
    ChampionAssignmentFactory(person=other, clinical_area=acute_medicine)
    client_for(champion).post(review_url(proposal), {"decision": "approved", "mentor": other.pk})
    proposal.refresh_from_db()
    assert proposal.mentor == other


def test_request_changes_needs_a_reason_then_the_lead_resubmits(
    client_for, champion, staff, proposal, django_capture_on_commit_callbacks
):
    response = client_for(champion).post(review_url(proposal), {"decision": "changes"})
    assert "Say what needs to change" in response.content.decode()
    assert ReviewDecision.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client_for(champion).post(
            review_url(proposal), {"decision": "changes", "comment": "Add a measure"}
        )
    assert "Please make the changes asked for, then resubmit" in mail.outbox[0].body
    proposal.refresh_from_db()
    assert proposal.stage == Project.Stage.PROPOSED
    assert proposal.review_requested_at is None
    assert proposal not in [r["project"] for r in client_for(champion).get(QUEUE).context["rows"]]

    client_for(staff).post(reverse("projects:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.review_requested_at is not None
    assert proposal in [r["project"] for r in client_for(champion).get(QUEUE).context["rows"]]


def test_decline_needs_a_reason_code_and_closes_the_project(
    client_for, champion, proposal, django_capture_on_commit_callbacks
):
    response = client_for(champion).post(
        review_url(proposal), {"decision": "declined", "comment": "Already done"}
    )
    assert "Choose a reason for declining" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(champion).post(
            review_url(proposal),
            {"decision": "declined", "reason": "duplicate", "comment": "See QI-2026-001"},
        )
    proposal.refresh_from_db()
    assert proposal.stage == Project.Stage.CLOSED
    assert ReviewDecision.objects.get().reason == "duplicate"
    assert "Duplicates an existing project" in mail.outbox[0].body


@pytest.mark.parametrize("persona", ["staff", "manager", "outsider"])
def test_others_posting_a_decision_get_403_and_nothing_changes(
    db, request, client_for, proposal, persona
):
    response = client_for(request.getfixturevalue(persona)).post(
        review_url(proposal), {"decision": "approved"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.stage == Project.Stage.PROPOSED
    assert ReviewDecision.objects.count() == 0


def test_a_lead_who_is_a_champion_cannot_review_their_own_proposal(
    client_for, staff, proposal, acute_medicine
):
    staff.champion_assignments.create(clinical_area=acute_medicine)
    response = client_for(staff).post(review_url(proposal), {"decision": "approved"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.mentor is None


def test_an_admin_without_a_staff_profile_cannot_record_a_decision(
    client, django_user_model, proposal
):
    client.force_login(django_user_model.objects.create_user("bare", is_staff=True))
    assert client.post(review_url(proposal), {"decision": "approved"}).status_code == 403
    assert ReviewDecision.objects.count() == 0


def test_the_mentor_list_leaves_out_the_team(client_for, champion, proposal, acute_medicine):
    proposal.lead.champion_assignments.create(clinical_area=acute_medicine)
    form = client_for(champion).get(review_url(proposal)).context["form"]
    assert list(form.fields["mentor"].queryset) == []  # the reviewer is "Me"


def test_the_reviewer_is_offered_once_as_me_beside_the_area_s_other_champions(
    client_for, champion, proposal, acute_medicine, pharmacy
):
    other = PersonFactory(department=pharmacy, display_name="Olivia Other")
    ChampionAssignmentFactory(person=other, clinical_area=acute_medicine)
    page = client_for(champion).get(review_url(proposal)).content.decode()
    mentor = page[
        page.index('<select name="mentor"') : page.index(
            "</select>", page.index('<select name="mentor"')
        )
    ]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", mentor) == ["Me", "Olivia Other"]
    assert champion.display_name not in mentor


def test_mentor_and_reason_are_revealed_under_the_decision_they_belong_to(
    client_for, champion, proposal
):
    page = client_for(champion).get(review_url(proposal)).content.decode()
    approve = page[page.index('id="conditional-approved"') :]
    approve = approve[: approve.index("nhsuk-radios__item")]
    decline = page[page.index('id="conditional-declined"') :]
    assert 'name="mentor"' in approve
    assert 'name="reason"' not in approve
    assert 'name="reason"' in decline
    assert 'data-aria-controls="conditional-approved"' in page
    assert 'data-aria-controls="conditional-declined"' in page
    # The comment belongs to two decisions (changes and decline): it stays after the choices.
    assert page.index('name="comment"') > page.index('id="conditional-declined"')


def test_a_decline_without_a_reason_shows_the_reason_under_decline(client_for, champion, proposal):
    page = (
        client_for(champion)
        .post(review_url(proposal), {"decision": "declined", "comment": "Already done on ward 3."})
        .content.decode()
    )
    assert "Choose a reason for declining" in page
    # Shown, not hidden, with the decision chosen, so the error is next to its field.
    assert '<div class="nhsuk-radios__conditional" id="conditional-declined">' in page


def test_champion_of_another_area_cannot_decide(client_for, champion, proposal, pharmacy, surgery):
    # Acute medicine's champion is free to review it, so no other champion stands in.
    other = PersonFactory(department=pharmacy)
    ChampionAssignmentFactory(person=other, clinical_area=surgery)
    assert client_for(other).post(review_url(proposal), {"decision": "approved"}).status_code == 403


def test_deciding_twice_is_refused(client_for, champion, proposal):
    client = client_for(champion)
    client.post(review_url(proposal), {"decision": "approved"})
    response = client.post(
        review_url(proposal), {"decision": "declined", "reason": "other", "comment": "x"}
    )
    assert "not waiting for review" in response.content.decode()
    assert ReviewDecision.objects.count() == 1


def test_turnaround_is_shown_per_champion_and_overall(client_for, champion, proposal):
    client_for(champion).post(review_url(proposal), {"decision": "approved"})
    html = client_for(champion).get(QUEUE).content.decode()
    assert "Chris Okoro" in html
    assert "3 days" in html


# Review times by department.


@pytest.fixture
def nursing_decision(outsider):
    """A decision by a Nursing champion on a Nursing project."""
    nursing_champion = PersonFactory(department=outsider.department, display_name="Nia Nursing")
    project = ProjectFactory(lead=outsider, department=outsider.department)
    now = timezone.now()
    return ReviewDecision.objects.create(
        project=project,
        champion=nursing_champion,
        decision="approved",
        submitted_at=now - dt.timedelta(days=9),
        decided_at=now,
    )


@pytest.fixture
def trust_member(db):
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
    )
    person.user.groups.add(trust_qi_team_group())
    return person


def test_review_times_count_a_decision_made_since_the_queue_was_last_shown(
    client_for, champion, proposal
):
    client = client_for(champion)
    assert client.get(QUEUE).context["overall"]["decisions"] == 0  # now kept a while
    client.post(review_url(proposal), {"decision": "approved"})
    assert client.get(QUEUE).context["overall"]["decisions"] == 1


def test_a_champion_sees_only_their_own_department_s_review_times(
    client_for, champion, proposal, nursing_decision
):
    client = client_for(champion)
    client.post(review_url(proposal), {"decision": "approved"})
    response = client.get(QUEUE)
    html = response.content.decode()
    assert [row["champion__display_name"] for row in response.context["by_champion"]] == [
        "Chris Okoro"
    ]
    assert response.context["overall"]["decisions"] == 1
    assert "Nia Nursing" not in html
    assert "9 days" not in html
    assert client.get(QUEUE, {"department": "nursing"}).status_code == 403


@pytest.mark.parametrize("persona", ["trust_member", "admin"])
def test_the_trust_qi_team_and_admins_see_every_department_s_review_times(
    request, client_for, champion, proposal, nursing_decision, persona
):
    client_for(champion).post(review_url(proposal), {"decision": "approved"})
    client = client_for(request.getfixturevalue(persona))
    pharmacy = client.get(QUEUE, {"department": "pharmacy"})
    assert "Chris Okoro" in pharmacy.content.decode()
    assert "Nia Nursing" not in pharmacy.content.decode()
    nursing = client.get(QUEUE, {"department": "nursing"}).content.decode()
    assert "Nia Nursing" in nursing
    assert "9 days" in nursing
    assert "Chris Okoro" not in nursing
    assert 'name="department"' in nursing  # the department picker


def test_the_trust_wide_view_links_each_department_s_review_times(
    client_for, trust_member, pharmacy
):
    html = client_for(trust_member).get(reverse("people:trust")).content.decode()
    assert f"{QUEUE}?department=pharmacy" in html


def test_queue_query_count_for_the_trust_qi_team_is_bounded(
    client_for, trust_member, staff, acute_medicine, django_assert_max_num_queries
):
    for _ in range(12):
        project = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
        project.review_requested_at = timezone.now()
        project.save()
    client = client_for(trust_member)
    # session, user, person, champion areas, the trust QI team's permission, the departments
    # to pick from; count and page; the duplicate search and the projects it found; the
    # closure reports waiting for sign-off; the newest decision, then (not cached since it) the
    # decisions per champion (the overall figures are added up from them).
    with django_assert_max_num_queries(12):
        client.get(QUEUE, {"department": "pharmacy"})
