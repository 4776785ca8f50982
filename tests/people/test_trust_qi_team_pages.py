"""The trust QI team does not land on empty pages: sign-in leads to the
trust-wide view, the board and impact pages offer (and start on) all departments, the register
opens on every department's projects, and their job role shows as what it is."""

import pytest
from django.urls import reverse

from people.departments import first_page_after_sign_in
from people.models import Person
from projects.models import Project
from tests.factories import PASSWORD, DepartmentFactory, PersonFactory, ProjectFactory, UserFactory
from tests.helpers import trust_qi_team_group


@pytest.fixture
def trust_member(db):
    """Dana, on the trust QI team, in Quality and safety: a department with no projects."""
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trustqi"),
        display_name="Dana Whitfield",
        job_role=Person.JobRole.QI_LEAD,
    )
    person.user.groups.add(trust_qi_team_group())
    return person


@pytest.fixture
def on_the_boards(staff, outsider, acute_medicine):
    """A Pharmacy project and a Nursing project, both approved and with a headline."""
    return {
        "pharmacy": ProjectFactory(
            lead=staff,
            title="Omitted doses on the acute wards",
            stage=Project.Stage.TESTING,
            clinical_areas=[acute_medicine],
            headline_impact="Omitted doses down from 12% to 5%",
        ),
        "nursing": ProjectFactory(
            lead=outsider,
            title="Falls huddles on ward 7",
            stage=Project.Stage.IMPLEMENTING,
            headline_impact="Falls down by a third",
        ),
    }


# Signing in


def test_trust_qi_team_lands_on_the_trust_wide_view_after_signing_in(client, trust_member):
    response = client.post(reverse("login"), {"username": "trustqi", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:trust")
    assert client.get(response["Location"]).status_code == 200


def test_trust_qi_team_sent_to_sign_in_from_home_still_lands_on_the_trust_view(
    client, trust_member
):
    response = client.post(
        f"{reverse('login')}?next=/", {"username": "trustqi", "password": PASSWORD}
    )
    assert response["Location"] == reverse("people:trust")


def test_trust_qi_team_asking_for_a_page_gets_that_page(client, trust_member):
    response = client.post(
        f"{reverse('login')}?next=/projects/", {"username": "trustqi", "password": PASSWORD}
    )
    assert response["Location"] == "/projects/"


@pytest.mark.parametrize("username", ["staff", "admin"])
def test_everyone_else_lands_on_home(client, staff, admin, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response["Location"] == reverse("home")


def test_single_sign_on_lands_the_same_way(trust_member, staff):
    """The single sign-on callback asks the same function (qiregister.oidc.CallbackView)."""
    assert first_page_after_sign_in(trust_member.user, "/") == reverse("people:trust")
    assert first_page_after_sign_in(trust_member.user, "/tasks/") == "/tasks/"
    assert first_page_after_sign_in(staff.user, "/") == "/"


# Home


def test_trust_qi_team_home_shows_their_role_and_points_to_the_trust_view(client_for, trust_member):
    html = client_for(trust_member).get(reverse("home")).text
    assert "Quality improvement lead, Quality and safety." in html
    assert "Other, Quality" not in html
    places = html.split('id="places"')[1]
    first_link = places.split('href="')[1].split('"')[0]
    assert first_link == reverse("people:trust")
    empty_state = html.split("Nothing needs you right now.")[1].split("</div>")[0]
    assert reverse("people:trust") in empty_state


def test_staff_home_has_no_trust_view(client_for, staff):
    assert reverse("people:trust") not in client_for(staff).get(reverse("home")).text


# The board: all departments


def test_trust_qi_team_board_opens_on_all_departments(client_for, trust_member, on_the_boards):
    response = client_for(trust_member).get(reverse("recognition:board"))
    html = response.text
    assert response.context["department_choice"].is_all
    assert '<option value="all" selected>All departments</option>' in html
    assert "Omitted doses down from 12% to 5%" in html
    assert "Falls down by a third" in html
    assert f"{reverse('recognition:board_display')}?department=all" in html


def test_trust_qi_team_can_still_pick_one_department(client_for, trust_member, on_the_boards):
    html = client_for(trust_member).get(reverse("recognition:board"), {"department": "nursing"})
    assert "Falls down by a third" in html.text
    assert "Omitted doses down" not in html.text
    own = client_for(trust_member).get(reverse("recognition:board"), {"department": "quality"})
    assert own.context["department"] == trust_member.department
    # Links keep the department: without it the trust QI team's board opens on all of them.
    assert f"{reverse('recognition:board_display')}?department=quality" in own.text


def test_the_full_screen_board_shows_all_departments(client_for, trust_member, on_the_boards):
    response = client_for(trust_member).get(
        reverse("recognition:board_display"), {"department": "all"}
    )
    assert response.status_code == 200
    assert response.context["count"] == 2
    assert "All departments QI board" in response.text


def test_admins_are_offered_all_departments_but_start_on_their_own(
    client_for, admin, on_the_boards
):
    response = client_for(admin).get(reverse("recognition:board"))
    assert response.context["department"] == admin.department
    assert '<option value="all">All departments</option>' in response.text
    everything = client_for(admin).get(reverse("recognition:board"), {"department": "all"})
    assert everything.context["department_choice"].is_all


def test_staff_are_not_offered_all_departments(client_for, staff, on_the_boards):
    response = client_for(staff).get(reverse("recognition:board"))
    assert "All departments" not in response.text
    assert "Falls down by a third" not in response.text
    refused = client_for(staff).get(reverse("recognition:board"), {"department": "all"})
    assert refused.status_code == 403


def test_all_departments_is_only_on_pages_that_offer_it(client_for, trust_member):
    response = client_for(trust_member).get(reverse("recognition:showcase"), {"department": "all"})
    assert response.status_code == 404


def test_all_departments_board_queries_do_not_grow(
    client_for, trust_member, staff, outsider, django_assert_max_num_queries
):
    client = client_for(trust_member)
    for n in range(2):
        ProjectFactory(lead=staff, headline_impact=f"Pharmacy result {n}")
        ProjectFactory(lead=outsider, headline_impact=f"Nursing result {n}")
    # session, user, person, the trust QI team's permission, the departments (picker), the
    # person's roles (navigation); count, one page of projects with lead and poster, their
    # co-leads, their current members with people.
    with django_assert_max_num_queries(11):
        client.get(reverse("recognition:board"))
    for n in range(2, 30):
        ProjectFactory(lead=staff, headline_impact=f"Pharmacy result {n}")
        ProjectFactory(lead=outsider, headline_impact=f"Nursing result {n}")
    with django_assert_max_num_queries(11):
        response = client.get(reverse("recognition:board"))
    assert response.text.count('class="nhsuk-card qi-board__card"') == 24


# Impact: all departments is the trust-wide view


def test_trust_qi_team_impact_opens_on_the_trust_wide_view(client_for, trust_member):
    response = client_for(trust_member).get(reverse("measurement:impact_report"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:trust")


def test_trust_qi_team_impact_of_one_department(client_for, trust_member, on_the_boards):
    response = client_for(trust_member).get(
        reverse("measurement:impact_report"), {"department": "pharmacy"}
    )
    assert response.status_code == 200
    assert response.context["impact"].department.slug == "pharmacy"
    assert '<option value="all">All departments</option>' in response.text


def test_staff_impact_stays_on_their_department(client_for, staff):
    response = client_for(staff).get(reverse("measurement:impact_report"))
    assert response.status_code == 200
    assert response.context["impact"].department == staff.department
    assert (
        client_for(staff)
        .get(reverse("measurement:impact_report"), {"department": "all"})
        .status_code
        == 403
    )


# The register


def test_trust_qi_team_register_opens_on_every_department(client_for, trust_member, on_the_boards):
    html = client_for(trust_member).get(reverse("projects:register")).text
    assert "Omitted doses on the acute wards" in html
    assert "Falls huddles on ward 7" in html
    assert "Try fewer filters" not in html


def test_staff_register_still_opens_on_their_own_department(client_for, staff, on_the_boards):
    html = client_for(staff).get(reverse("projects:register")).text
    assert "Omitted doses on the acute wards" in html
    assert "Falls huddles on ward 7" not in html
