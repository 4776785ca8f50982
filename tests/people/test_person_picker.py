"""The person picker: the search endpoint behind it, and the co-leads field with and without
JavaScript (a no-JavaScript search posts the form back and shows matches as checkboxes)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from people.models import Person
from projects.models import Project
from tests.factories import PersonFactory
from tests.helpers import proposal_data

SEARCH = reverse("people:search")
PROPOSE = reverse("projects:create")


@pytest.fixture
def proposal(acute_medicine):
    return proposal_data(acute_medicine)


@pytest.fixture
def a_trust_of_staff(pharmacy):
    """5,000 people in Pharmacy, 120 of them named Alex (bulk: a test's own data)."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"bulk{n}", email=f"bulk{n}@example.nhs.uk") for n in range(5000)
    )
    Person.objects.bulk_create(
        Person(
            user=user,
            display_name=f"Alex Smith {n}" if n < 120 else f"Jordan Brown {n}",
            job_role=Person.JobRole.PHARMACIST,
            department=pharmacy,
        )
        for n, user in enumerate(users)
    )


def names(response) -> list[str]:
    return [person["name"] for person in response.json()["results"]]


def test_search_finds_people_by_part_of_their_name_with_role_and_department(
    client_for, staff, manager
):
    response = client_for(staff).get(SEARCH, {"q": "morg"})
    assert response.json()["results"] == [
        {
            "id": manager.pk,
            "name": "Morgan Ellis",
            "job_role": "Pharmacist",
            "department": "Pharmacy",
        }
    ]


def test_search_needs_two_letters(client_for, staff, manager):
    assert names(client_for(staff).get(SEARCH, {"q": "m"})) == []
    assert names(client_for(staff).get(SEARCH, {"q": " mo "})) == ["Morgan Ellis"]


def test_search_matches_every_word_and_puts_names_starting_with_it_first(client_for, staff):
    PersonFactory(display_name="Tamsin Morris", department=staff.department)
    PersonFactory(display_name="Morwenna Tate", department=staff.department)
    assert names(client_for(staff).get(SEARCH, {"q": "mor"}))[:2] == [
        "Morgan Ellis",
        "Morwenna Tate",
    ]
    assert names(client_for(staff).get(SEARCH, {"q": "ta mor"})) == [
        "Tamsin Morris",
        "Morwenna Tate",
    ]


def test_search_narrows_to_a_department_and_leaves_out_the_excluded_person(
    client_for, staff, outsider
):
    client = client_for(staff)
    assert "Olu Nurse" in names(client.get(SEARCH, {"q": "olu"}))  # the directory is trust-wide
    pharmacy = staff.department.pk
    assert names(client.get(SEARCH, {"q": "olu", "department": pharmacy})) == []
    assert names(client.get(SEARCH, {"q": "sam", "department": pharmacy})) == ["Sam Taylor"]
    assert names(client.get(SEARCH, {"q": "sam", "exclude": staff.pk})) == []
    # Nonsense ids are ignored, never a 500.
    assert client.get(SEARCH, {"q": "sam", "department": "²", "exclude": "-1"}).status_code == 200


def test_search_narrows_to_several_departments(client_for, staff, outsider):
    # A task of a project that crosses departments may go to anyone in any of them.
    client = client_for(staff)
    both = [staff.department.pk, outsider.department.pk, "²"]  # nonsense ids are left out
    assert names(client.get(SEARCH, {"q": "o", "department": both})) == []  # two letters
    assert names(client.get(SEARCH, {"q": "olu", "department": both})) == ["Olu Nurse"]
    assert names(client.get(SEARCH, {"q": "sam", "department": both})) == ["Sam Taylor"]
    assert names(client.get(SEARCH, {"q": "olu", "department": both[:1]})) == []


def test_search_is_for_signed_in_users_only(client, staff):
    response = client.get(SEARCH, {"q": "sam"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_search_of_5000_people_returns_ten_in_one_query(
    client_for, staff, a_trust_of_staff, django_assert_max_num_queries
):
    client = client_for(staff)
    client.get(SEARCH, {"q": "warm up the session"})
    # 1 session, 1 user, 1 person (middleware), 1 search joined to the department.
    with django_assert_max_num_queries(4):
        response = client.get(SEARCH, {"q": "alex"})
    assert len(response.json()["results"]) == 10


def test_the_form_never_lists_everyone(
    client_for, staff, a_trust_of_staff, django_assert_max_num_queries
):
    client = client_for(staff)
    with django_assert_max_num_queries(25):
        html = client.get(PROPOSE).content.decode()
    assert "Jordan Brown" not in html
    assert "Search for a person by name" in html
    assert 'data-search-url="/people/search/?department=' in html


def test_searching_without_javascript_shows_matches_and_keeps_what_was_typed(
    client_for, staff, manager, champion, proposal, a_trust_of_staff
):
    response = client_for(staff).post(
        PROPOSE,
        {**proposal, "co_leads": [champion.pk], "co_leads_q": "alex", "co_leads_find": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Project.objects.filter(title=proposal["title"]).exists()
    assert proposal["title"] in html
    assert proposal["problem"] in html
    assert html.count('name="co_leads" type="checkbox"') == 11  # 10 matches and Chris, chosen
    assert "The first 10 people matching “alex”" in html
    assert "Chris Okoro" in html
    assert "nhsuk-error-summary" not in html  # a search is not a failed save


def test_searching_without_javascript_says_when_no_one_matches(client_for, staff, proposal):
    html = (
        client_for(staff)
        .post(PROPOSE, {**proposal, "co_leads_q": "zz", "co_leads_find": "1"})
        .content.decode()
    )
    assert "No one found matching “zz”" in html


def test_co_leads_are_saved_by_id(client_for, staff, manager, champion, proposal):
    client_for(staff).post(
        PROPOSE, {**proposal, "co_leads": [manager.pk, champion.pk], "draft": "1"}
    )
    project = Project.objects.get(title=proposal["title"])
    assert set(project.co_leads.all()) == {manager, champion}


def test_co_leads_from_another_department_or_the_lead_are_refused(
    client_for, staff, outsider, proposal
):
    for refused in (outsider, staff):
        response = client_for(staff).post(
            PROPOSE, {**proposal, "co_leads": [refused.pk], "draft": "1"}
        )
        assert "Choose co-leads from Pharmacy, other than the lead" in response.content.decode()
    assert not Project.objects.filter(title=proposal["title"]).exists()


def test_editing_shows_the_chosen_co_leads_and_can_take_one_off(
    client_for, staff, manager, project
):
    project.co_leads.add(manager)
    client = client_for(staff)
    html = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert f'value="{manager.pk}" checked' in html


def test_a_search_with_control_characters_matches_nothing_rather_than_failing(client_for, staff):
    response = client_for(staff).get(SEARCH, {"q": "Sam\x00 Tay\x1b"})
    assert response.status_code == 200
    assert [person["name"] for person in response.json()["results"]] == ["Sam Taylor"]
