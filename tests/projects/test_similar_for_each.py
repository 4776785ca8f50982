"""The review queue's duplicate check: every proposal on the page in one ranking query, with the
same projects in the same order as one search per proposal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from projects.search import similar_projects, similar_projects_for_each
from tests.factories import ProjectFactory

QUEUE = reverse("governance:review_queue")


def propose(lead, area, title: str, aim: str = "") -> Project:
    project = ProjectFactory(
        lead=lead, stage="proposed", clinical_areas=[area], title=title, aim=aim or title
    )
    project.review_requested_at = timezone.now()
    project.save()
    return project


@pytest.fixture
def register(staff, acute_medicine):
    for title in [
        "Insulin handover safety",
        "Safer insulin prescribing on wards",
        "Missed doses of critical medicines",
        "Reducing missed doses in surgery",
        "Discharge prescriptions ready sooner",
        "Antimicrobial stewardship ward rounds",
    ]:
        ProjectFactory(lead=staff, title=title, aim=f"Improve {title.lower()}.")


def test_the_same_matches_in_the_same_order_as_one_search_each(staff, acute_medicine, register):
    proposals = [
        propose(staff, acute_medicine, "Insulin safety at handover"),
        propose(staff, acute_medicine, "Fewer missed doses", "Cut missed critical medicines."),
        propose(staff, acute_medicine, "Quantum gardening club"),  # nothing alike
        propose(staff, acute_medicine, "Ab"),  # too short to search
    ]
    visible = Project.objects.visible_to(staff.user)
    found = similar_projects_for_each(visible, proposals, limit=4)
    for proposal in proposals:
        one_by_one = similar_projects(visible, title=proposal.title, aim=proposal.aim, limit=4)
        assert [(p.pk, p.similarity) for p in found[proposal.pk]] == [
            (p.pk, p.similarity) for p in one_by_one
        ]
    assert found[proposals[0].pk]  # the check found something to compare
    assert found[proposals[2].pk] == found[proposals[3].pk] == []


def test_a_project_can_look_like_several_proposals(staff, acute_medicine, register):
    first = propose(staff, acute_medicine, "Insulin handover checks")
    second = propose(staff, acute_medicine, "Insulin handover audit")
    found = similar_projects_for_each(Project.objects.visible_to(staff.user), [first, second])
    titles = {pk: [p.title for p in projects] for pk, projects in found.items()}
    assert "Insulin handover safety" in titles[first.pk]
    assert "Insulin handover safety" in titles[second.pk]


def test_drafts_another_lead_cannot_see_are_never_offered(
    staff, champion, acute_medicine, register
):
    ProjectFactory(lead=champion, title="Insulin handover safety checklist", draft=True)
    proposal = propose(staff, acute_medicine, "Insulin handover safety checklist")
    found = similar_projects_for_each(Project.objects.visible_to(staff.user), [proposal])
    assert "Insulin handover safety checklist" not in [
        p.title for p in found[proposal.pk] if p.pk != proposal.pk
    ]


def test_queue_queries_do_not_grow_with_the_proposals_shown(
    client_for, champion, staff, acute_medicine, register, django_assert_max_num_queries
):
    for number in range(12):
        propose(staff, acute_medicine, f"Insulin handover safety, ward {number}")
    client = client_for(champion)
    # session, user, person, champion areas; the trust-wide permission and the department shown;
    # count and page; the duplicate ranking and its projects with their leads; decisions per
    # champion; the closure reports waiting for the champion's sign-off.
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    rows = response.context["rows"]
    assert len(rows) == 10
    assert all(row["similar"] for row in rows)
    assert all(row["project"] not in row["similar"] for row in rows)


def test_the_queue_reuses_its_duplicate_check_until_a_proposal_changes(
    client_for, champion, staff, acute_medicine, register, django_assert_num_queries
):
    from tests.helpers import project_edit_data

    proposal = propose(staff, acute_medicine, "Insulin handover safety on the wards")
    client = client_for(champion)
    first = client.get(QUEUE)
    titles = [p.title for p in first.context["rows"][0]["similar"]]
    assert "Insulin handover safety" in titles
    # The second visit answers from the cache: two queries fewer (the ranking and its projects).
    with django_assert_num_queries(9):
        again = client.get(QUEUE)
    assert [p.title for p in again.context["rows"][0]["similar"]] == titles
    # The lead rewords the proposal: its new version is checked afresh.
    data = project_edit_data(proposal, title="Antimicrobial stewardship ward rounds review")
    assert (
        client_for(staff).post(reverse("projects:edit", args=[proposal.pk]), data).status_code
        == 302
    )
    client = client_for(champion)
    reworded = client.get(QUEUE).context["rows"][0]["similar"]
    assert "Antimicrobial stewardship ward rounds" in [p.title for p in reworded]
