import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project, ReferenceCounter
from projects.services import next_reference
from tests.factories import ProjectFactory
from tests.helpers import proposal_data

URL = reverse("projects:create")


@pytest.fixture
def proposal(acute_medicine):
    return proposal_data(acute_medicine)


def test_propose_page_renders_the_form(client_for, staff):
    html = client_for(staff).get(URL).content.decode()
    assert 'name="title"' in html
    assert "Submit for review" in html
    assert "Save as draft" in html


def test_saving_a_draft_gives_no_reference(client_for, staff, proposal):
    response = client_for(staff).post(URL, {**proposal, "draft": "1"})
    project = Project.objects.get(title=proposal["title"])
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.is_draft
    assert project.reference is None
    assert project.stage == Project.Stage.IDEA
    assert project.lead == staff
    assert project.department == staff.department


def test_submitting_assigns_a_reference_and_proposed_stage(client_for, staff, proposal):
    response = client_for(staff).post(URL, {**proposal, "submit": "1"}, follow=True)
    project = Project.objects.get(title=proposal["title"])
    assert f"{project.reference} submitted" in response.content.decode()
    year = timezone.localdate().year
    assert re.fullmatch(rf"QI-{year}-\d{{3,}}", project.reference)
    assert project.stage == Project.Stage.PROPOSED
    assert project.submitted_at is not None
    history = project.history.order_by("history_date")
    assert history.last().history_user == staff.user


def test_references_are_never_reused(db):
    year = 2031
    first = next_reference(year=year)
    second = next_reference(year=year)
    assert (first, second) == ("QI-2031-001", "QI-2031-002")
    ProjectFactory(reference=second).delete()
    assert next_reference(year=year) == "QI-2031-003"
    assert ReferenceCounter.objects.get(year=year).last_number == 3


def test_duplicate_check_asks_for_confirmation_before_saving(client_for, staff, project, proposal):
    reworded = {
        **proposal,
        "title": "Reduce omitted time-critical medicine doses",
        "aim": "Fewer omitted doses of critical medicines on wards.",
    }
    client = client_for(staff)
    response = client.post(URL, {**reworded, "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Similar projects already exist" in html
    assert project.title in html
    assert 'href="#id_confirm_not_duplicate"' in html
    assert not Project.objects.filter(title=reworded["title"]).exists()

    response = client.post(URL, {**reworded, "submit": "1", "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Project.objects.filter(title=reworded["title"]).exists()


def test_live_duplicate_check_fragment_lists_similar_projects(client_for, staff, project):
    response = client_for(staff).get(
        reverse("projects:similar"),
        {"title": "Omitted critical medicines", "aim": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert project.title in html
    assert "<html" not in html


def test_live_duplicate_check_hides_drafts_of_others(client_for, staff, outsider, draft):
    url = reverse("projects:similar")
    assert draft.title not in client_for(outsider).get(url, {"title": draft.title}).content.decode()
    assert draft.title in client_for(staff).get(url, {"title": draft.title}).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "x" * 50_000}, "title", "Title must be 200 characters or fewer"),
        ({"target_end_date": "2026-01-01"}, "target_end_date", "must be on or after the start"),
        ({"commitment_hours": "-3"}, "commitment_hours", "Hours must be at least 0.5"),
        ({"commitment_hours": "lots"}, "commitment_hours", "Enter a number"),
        ({"clinical_areas": []}, "clinical_areas", "Select at least one clinical area"),
        ({"aim": ""}, "aim", "Enter an aim statement"),
    ],
)
def test_bad_input_is_explained_by_the_field_and_nothing_is_saved(
    client_for, staff, proposal, changes, field, message
):
    response = client_for(staff).post(URL, {**proposal, **changes, "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert Project.objects.count() == 0
    assert ReferenceCounter.objects.count() == 0


def test_areas_of_another_department_are_refused(client_for, staff, outsider, proposal):
    foreign = outsider.clinical_areas.get()
    response = client_for(staff).post(URL, {**proposal, "clinical_areas": [foreign.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Project.objects.count() == 0


def test_posted_stage_and_reference_are_ignored(client_for, staff, proposal):
    client_for(staff).post(
        URL, {**proposal, "draft": "1", "stage": "completed", "reference": "QI-1999-999"}
    )
    project = Project.objects.get()
    assert project.stage == Project.Stage.IDEA
    assert project.reference is None


def test_live_duplicate_check_runs_a_fixed_number_of_queries(
    client_for, staff, project, django_assert_max_num_queries
):
    for number in range(6):
        ProjectFactory(title=f"Omitted critical medicines, ward {number}", lead=staff)
    client = client_for(staff)
    # session, user, person, the areas they champion (what they may see); the ranking of the
    # register, and the projects it found with their leads, however many it finds.
    with django_assert_max_num_queries(6):
        response = client.get(
            reverse("projects:similar"),
            {"title": "Omitted critical medicines", "aim": "Halve omitted doses."},
            headers={"HX-Request": "true"},
        )
    assert len(response.context["similar"]) == 5


def test_the_error_summary_follows_the_order_of_the_page(client_for, staff):
    page = client_for(staff).post(reverse("projects:create"), {"submit": "1"}).content.decode()
    start = page.index("nhsuk-error-summary__list")
    end = page.index("</ul>", start)
    listed = re.findall(r'href="#(id_[a-z_]+)"', page[start:end])
    assert listed[:3] == ["id_title", "id_aim", "id_kind"]
    on_page = sorted(listed, key=lambda id_: page.index(f'id="{id_}"', end))
    assert listed == on_page
