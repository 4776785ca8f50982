"""Whose turn it is, shown back.

- After "request changes" the lead's My QI and project page say "Changes requested: your
  action", with the champion's comment and a way to edit and resubmit.
- A champion's own proposal (started from an audit) never lands in his own review queue: it
  goes to another champion of the area, or, with none free, the department's QI lead.
- An approval banner gives way once the project moves on from planning.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ReviewDecision
from tests.factories import ChampionAssignmentFactory, PersonFactory, ProjectFactory
from tests.helpers import project_edit_data

QUEUE = reverse("governance:review_queue")
ME = reverse("people:me")
COMMENT = "Add a baseline measure: omitted doses on ward 4 last month."


@pytest.fixture
def proposal(staff, acute_medicine):
    project = ProjectFactory(
        lead=staff,
        title="Safer insulin handover",
        stage=Project.Stage.PROPOSED,
        clinical_areas=[acute_medicine],
    )
    project.review_requested_at = timezone.now() - dt.timedelta(days=3)
    project.save(update_fields=["review_requested_at"])
    return project


@pytest.fixture
def other_champion(pharmacy, acute_medicine):
    person = PersonFactory(department=pharmacy, display_name="Olive Other")
    ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    return person


def review_url(project):
    return reverse("governance:review_project", args=[project.pk])


def detail_url(project):
    return reverse("projects:detail", args=[project.pk])


def request_changes(client_for, champion, project):
    response = client_for(champion).post(
        review_url(project), {"decision": "changes", "comment": COMMENT}
    )
    assert response.status_code == 302


# Changes requested: the lead's turn.


def test_after_a_request_for_changes_my_qi_says_it_is_the_lead_s_turn(
    client_for, staff, champion, proposal
):
    request_changes(client_for, champion, proposal)
    html = client_for(staff).get(ME).content.decode()
    assert "Changes requested: your action" in html
    assert COMMENT in html
    assert "Chris Okoro asked" in html
    assert reverse("projects:edit", args=[proposal.pk]) in html
    assert "Proposed (awaiting review)" not in html


def test_after_a_request_for_changes_the_project_page_says_so_and_offers_resubmission(
    client_for, staff, champion, proposal
):
    request_changes(client_for, champion, proposal)
    client = client_for(staff)
    html = client.get(detail_url(proposal)).content.decode()
    assert "Changes requested: your action" in html
    assert COMMENT in html
    assert reverse("projects:edit", args=[proposal.pk]) in html
    assert "Resubmit for review" in html
    assert "Proposed (awaiting review)" not in html
    # The lead edits, then resubmits: back in the champion's queue, no longer their turn.
    response = client.post(
        reverse("projects:edit", args=[proposal.pk]),
        project_edit_data(proposal, aim="Cut omitted insulin doses on ward 4 from 8% to 2%."),
    )
    assert response.status_code == 302
    client.post(reverse("projects:submit", args=[proposal.pk]))
    html = client.get(detail_url(proposal)).content.decode()
    assert "Changes requested" not in html
    assert "Proposed (awaiting review)" in html
    assert "Changes requested" not in client.get(ME).content.decode()
    rows = client_for(champion).get(QUEUE).context["rows"]
    assert [row["project"] for row in rows] == [proposal]


def test_others_see_changes_requested_but_not_as_their_action(
    client_for, champion, manager, proposal
):
    request_changes(client_for, champion, proposal)
    for person in (champion, manager):
        html = client_for(person).get(detail_url(proposal)).content.decode()
        assert "Changes requested" in html
        assert "your action" not in html


def test_changes_requested_for_names_the_lead_s_proposals_waiting_for_changes(
    client_for, staff, champion, manager, proposal, acute_medicine
):
    waiting = ProjectFactory(lead=staff, stage="proposed", clinical_areas=[acute_medicine])
    waiting.review_requested_at = timezone.now()
    waiting.save(update_fields=["review_requested_at"])
    assert not Project.objects.changes_requested_for(staff).exists()
    request_changes(client_for, champion, proposal)
    assert list(Project.objects.changes_requested_for(staff)) == [proposal]
    assert not Project.objects.changes_requested_for(manager).exists()
    proposal.refresh_from_db()
    assert proposal.is_awaiting_changes
    waiting.refresh_from_db()
    assert not waiting.is_awaiting_changes


# A champion's own proposal goes to another champion, or the QI lead.


@pytest.fixture
def audit(staff, acute_medicine):
    return ProjectFactory(
        lead=staff,
        kind=Project.Kind.CLINICAL_AUDIT,
        stage="implementing",
        title="Insulin prescribing audit",
        clinical_areas=[acute_medicine],
    )


def champion_proposes_from_the_audit(client_for, champion, audit) -> Project:
    """The champion starts a QI project from the audit and submits it, through the web."""
    client = client_for(champion)
    assert client.post(reverse("projects:audit_to_qi", args=[audit.pk])).status_code == 302
    project = Project.objects.get(derived_from=audit)
    assert project.lead == champion
    assert client.post(reverse("projects:submit", args=[project.pk])).status_code == 302
    project.refresh_from_db()
    assert project.review_requested_at is not None
    return project


def test_a_champion_s_own_proposal_goes_to_another_champion_of_the_area(
    client_for, champion, other_champion, audit
):
    project = champion_proposes_from_the_audit(client_for, champion, audit)
    own_queue = client_for(champion).get(QUEUE)
    assert project not in [row["project"] for row in own_queue.context["rows"]]
    assert review_url(project) not in own_queue.content.decode()

    queue = client_for(other_champion).get(QUEUE)
    assert [row["project"] for row in queue.context["rows"]] == [project]
    assert review_url(project) in queue.content.decode()
    response = client_for(other_champion).post(review_url(project), {"decision": "approved"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.approved_by) == (Project.Stage.PLANNING, other_champion)
    assert project.mentor == other_champion


def test_with_no_other_champion_of_the_area_the_qi_lead_reviews_it(
    client_for, champion, manager, pharmacy, audit
):
    pharmacy.qi_lead = manager
    pharmacy.save(update_fields=["qi_lead"])
    project = champion_proposes_from_the_audit(client_for, champion, audit)
    assert client_for(champion).get(QUEUE).context["rows"] == []
    queue = client_for(manager).get(QUEUE)
    assert [row["project"] for row in queue.context["rows"]] == [project]
    assert review_url(project) in queue.content.decode()
    response = client_for(manager).post(
        review_url(project), {"decision": "changes", "comment": COMMENT}
    )
    assert response.status_code == 302
    assert ReviewDecision.objects.get(project=project).champion == manager


def test_a_champion_of_another_area_reviews_it_when_the_area_has_no_free_champion(
    client_for, champion, pharmacy, surgery, audit
):
    surgeon = PersonFactory(department=pharmacy, display_name="Sasha Surgeon")
    ChampionAssignmentFactory(person=surgeon, clinical_area=surgery)
    project = champion_proposes_from_the_audit(client_for, champion, audit)
    queue = client_for(surgeon).get(QUEUE)
    assert [row["project"] for row in queue.context["rows"]] == [project]
    client_for(surgeon).post(review_url(project), {"decision": "approved"})
    project.refresh_from_db()
    assert project.approved_by == surgeon


def test_the_champion_cannot_review_his_own_proposal_even_by_url(client_for, champion, audit):
    project = champion_proposes_from_the_audit(client_for, champion, audit)
    response = client_for(champion).post(review_url(project), {"decision": "approved"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.stage == Project.Stage.PROPOSED


# Approval banners give way once the project moves on.


def test_the_approval_banner_shows_in_planning_and_gives_way_after(
    client_for, staff, champion, proposal
):
    client_for(champion).post(review_url(proposal), {"decision": "approved"})
    proposal.refresh_from_db()
    banner = "<strong>Approved</strong> by Chris Okoro"
    client = client_for(staff)
    html = client.get(detail_url(proposal)).content.decode()
    assert banner in html
    response = client.post(
        reverse("projects:edit", args=[proposal.pk]),
        project_edit_data(proposal, stage=Project.Stage.TESTING),
    )
    assert response.status_code == 302
    html = client.get(detail_url(proposal)).content.decode()
    assert banner not in html
    # The approval stays a plain fact in the summary list.
    approved_on = timezone.localtime(proposal.approved_at).strftime("%-d %b %Y")
    assert "Approved</dt>" in html
    assert f"{approved_on} by Chris Okoro" in html


def test_a_decline_stays_shown_to_the_team(client_for, staff, champion, proposal):
    client_for(champion).post(
        review_url(proposal),
        {"decision": "declined", "reason": "duplicate", "comment": "See QI-2025-004."},
    )
    html = client_for(staff).get(detail_url(proposal)).content.decode()
    assert "<strong>Declined</strong> by Chris Okoro" in html
