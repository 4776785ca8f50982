"""Who may see and change a project: the permission matrix, view by view."""

import pytest
from django.urls import reverse

from tests.factories import ChampionAssignmentFactory, PersonFactory, ProjectFactory

# (persona, may view a draft, may edit)
MATRIX = [
    ("staff", True, True),  # the lead
    ("co_lead", True, True),
    ("champion", True, True),  # champion of the project's area
    ("other_champion", False, False),  # champion of another area
    ("admin", True, True),
    ("manager", False, False),
    ("colleague", False, False),  # same department, not on the team
    ("outsider", False, False),
]


@pytest.fixture
def co_lead(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Cora Lead")


@pytest.fixture
def other_champion(pharmacy, surgery):
    person = PersonFactory(department=pharmacy, display_name="Oscar Surgery")
    ChampionAssignmentFactory(person=person, clinical_area=surgery)
    return person


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


@pytest.fixture
def team_project(project, co_lead):
    project.co_leads.add(co_lead)
    return project


@pytest.fixture
def team_draft(draft, co_lead):
    draft.co_leads.add(co_lead)
    return draft


def _as(request, client_for, persona):
    return client_for(request.getfixturevalue(persona))


@pytest.mark.parametrize(("persona", "sees_draft", "edits"), MATRIX)
def test_submitted_project_is_visible_to_every_signed_in_person(
    db, request, client_for, team_project, persona, sees_draft, edits
):
    response = _as(request, client_for, persona).get(
        reverse("projects:detail", args=[team_project.pk])
    )
    assert response.status_code == 200
    assert team_project.title in response.content.decode()


@pytest.mark.parametrize(("persona", "sees_draft", "edits"), MATRIX)
def test_draft_is_visible_to_team_champions_and_admins_only(
    db, request, client_for, team_draft, persona, sees_draft, edits
):
    for url in (
        reverse("projects:detail", args=[team_draft.pk]),
        reverse("projects:history", args=[team_draft.pk]),
    ):
        response = _as(request, client_for, persona).get(url)
        assert response.status_code == (200 if sees_draft else 404), url


@pytest.mark.parametrize(("persona", "sees_draft", "edits"), MATRIX)
def test_edit_pages_need_team_champion_or_admin(
    db, request, client_for, team_project, persona, sees_draft, edits
):
    pk = team_project.pk
    task = team_project.tasks.create(title="Count doses", estimated_hours=2)
    opening = team_project.role_openings.create(title="Data collector", places=1)
    update = team_project.progress_updates.create(author=team_project.lead, done="Started")
    urls = [
        reverse("projects:edit", args=[pk]),
        reverse("projects:task_create", args=[pk]),
        reverse("projects:task_edit", args=[pk, task.pk]),
        reverse("projects:opening_create", args=[pk]),
        reverse("projects:opening_edit", args=[pk, opening.pk]),
        reverse("projects:update_create", args=[pk]),
        reverse("projects:update_edit", args=[pk, update.pk]),
    ]
    client = _as(request, client_for, persona)
    for url in urls:
        assert client.get(url).status_code == (200 if edits else 403), url
        if not edits:
            assert client.post(url, {"title": "Hijacked"}).status_code == 403, url
    team_project.refresh_from_db()
    assert team_project.title != "Hijacked"


@pytest.mark.parametrize(("persona", "sees_draft", "edits"), MATRIX)
def test_only_the_team_and_admins_submit_a_draft(
    db, request, client_for, team_draft, persona, sees_draft, edits
):
    response = _as(request, client_for, persona).post(
        reverse("projects:submit", args=[team_draft.pk])
    )
    team_draft.refresh_from_db()
    if persona in ("staff", "co_lead", "admin"):
        assert response.status_code == 302
        assert team_draft.reference is not None
    else:
        assert response.status_code == (403 if sees_draft else 404)
        assert team_draft.reference is None


def test_submit_is_post_only(client_for, staff, draft):
    response = client_for(staff).get(reverse("projects:submit", args=[draft.pk]))
    assert response.status_code == 405


def test_child_of_another_project_is_404(client_for, staff, project, acute_medicine):
    other = ProjectFactory(clinical_areas=[acute_medicine])
    task = other.tasks.create(title="Not yours", estimated_hours=1)
    url = reverse("projects:task_edit", args=[project.pk, task.pk])
    assert client_for(staff).get(url).status_code == 404


def test_missing_project_is_404(client_for, staff):
    assert client_for(staff).get(reverse("projects:detail", args=[999999])).status_code == 404


def test_register_lists_drafts_only_to_those_who_may_see_them(
    client_for, staff, champion, outsider, draft, project
):
    url = reverse("projects:register")
    assert draft.title in client_for(staff).get(url).content.decode()
    assert draft.title in client_for(champion).get(url).content.decode()
    # The outsider (Nursing) looks at every department's projects, not just Nursing's.
    html = client_for(outsider).get(url, {"department": ""}).content.decode()
    assert draft.title not in html
    assert project.title in html


def test_user_without_a_person_cannot_propose(client, django_user_model, db):
    user = django_user_model.objects.create_user("bare")
    client.force_login(user)
    assert client.get(reverse("projects:create")).status_code == 403
