"""The person picker in every form that chooses staff besides the co-leads (those are in
test_person_picker.py): a nomination's person (one) and team members (several), and the person a
task is reassigned to (one). Without JavaScript: searching posts the form back and saves
nothing, choosing saves by id, ids the field does not accept are refused by the field and in the
error summary with nothing saved. And in every form with a picker, Enter does the main action."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from projects.models import Task
from recognition.models import Nomination
from tests.factories import AwardFactory, TaskFactory
from tests.helpers import proposal_data

CITATION = "Cut omitted doses of time-critical medicines by half on two wards."


@pytest.fixture
def alexes(pharmacy):
    """30 people named Alex in Pharmacy (bulk: a test's own data)."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"alex{n}", email=f"alex{n}@example.nhs.uk") for n in range(30)
    )
    return Person.objects.bulk_create(
        Person(
            user=user,
            display_name=f"Alex Smith {n:02}",
            job_role=Person.JobRole.PHARMACIST,
            department=pharmacy,
        )
        for n, user in enumerate(users)
    )


@pytest.fixture
def award(db):
    return AwardFactory(
        name="Trust Quality Award", deadline=timezone.localdate() + dt.timedelta(days=12)
    )


@pytest.fixture
def nominate(award):
    return reverse("recognition:nominate", args=[award.pk])


@pytest.fixture
def task(project):
    return TaskFactory(project=project, title="Count omitted doses")


@pytest.fixture
def reassign(task):
    return reverse("tasks:reassign", args=[task.pk])


def nomination(**fields) -> dict:
    return {"nominee_kind": "person", "citation": CITATION, **fields}


def shows_the_error(html: str, field: str, message: str) -> bool:
    """The message is by the field and in the error summary, which links to the field."""
    by_field = html.split(f'id="id_{field}-error"', 1)
    summary = html.split('class="nhsuk-error-summary"', 1)
    return (
        len(by_field) == 2
        and message in by_field[1].split("</span>", 2)[1]
        and len(summary) == 2
        and f'<a href="#id_{field}">{message}</a>' in summary[1]
    )


# A nomination's person: one, from the nominator's department.


def test_nominee_is_found_by_searching_without_javascript_then_saved(
    client_for, manager, alexes, nominate
):
    client = client_for(manager)
    response = client.post(nominate, nomination(person_q="alex", person_find="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert not Nomination.objects.exists()  # a search, not a save
    assert "nhsuk-error-summary" not in html
    assert html.count('name="person" type="radio"') == 10  # one to choose, the first ten
    assert "The first 10 people matching “alex”" in html
    assert CITATION in html  # what was typed is kept
    response = client.post(nominate, nomination(person=alexes[3].pk))
    assert response.status_code == 302
    assert Nomination.objects.get().person == alexes[3]


def test_the_nominee_chosen_stays_chosen_through_a_search(client_for, manager, staff, nominate):
    html = (
        client_for(manager)
        .post(nominate, nomination(person=staff.pk, person_q="mor", person_find="1"))
        .content.decode()
    )
    assert f'type="radio" value="{staff.pk}" checked' in html
    assert ">Choose one person</legend>" in html


@pytest.mark.parametrize("refused", ["outsider", "two", "nonsense"])
def test_a_nominee_outside_the_department_or_two_of_them_are_refused(
    request, client_for, manager, staff, champion, outsider, nominate, refused
):
    person = {
        "outsider": outsider.pk,
        "two": [staff.pk, champion.pk],  # one person: radios, so only a hand-made post
        "nonsense": "¹²",
    }[refused]
    response = client_for(manager).post(nominate, nomination(person=person))
    assert response.status_code == 200
    assert shows_the_error(response.content.decode(), "person", "Choose one person from Pharmacy")
    assert not Nomination.objects.exists()


# A nominated team's members: several, from the nominator's department.


def test_team_members_are_found_by_searching_and_the_chosen_kept(
    client_for, manager, staff, alexes, nominate
):
    client = client_for(manager)
    data = nomination(nominee_kind="team", team_name="Omitted doses team", team_members=[staff.pk])
    response = client.post(nominate, {**data, "team_members_q": "alex", "team_members_find": "1"})
    html = response.content.decode()
    assert not Nomination.objects.exists()
    assert html.count('name="team_members" type="checkbox"') == 11  # ten matches and Sam
    assert f'type="checkbox" value="{staff.pk}" checked' in html
    assert 'value="Omitted doses team"' in html
    response = client.post(nominate, {**data, "team_members": [staff.pk, alexes[0].pk]})
    assert response.status_code == 302
    assert set(Nomination.objects.get().team_members.all()) == {staff, alexes[0]}


def test_a_team_member_from_another_department_is_refused_and_nothing_saved(
    client_for, manager, staff, outsider, nominate
):
    response = client_for(manager).post(
        nominate,
        nomination(nominee_kind="team", team_name="Team", team_members=[staff.pk, outsider.pk]),
    )
    html = response.content.decode()
    assert shows_the_error(html, "team_members", "Choose the team&#x27;s members from Pharmacy")
    assert not Nomination.objects.exists()
    assert not Nomination.team_members.through.objects.exists()


def test_the_nominate_pickers_suggest_only_the_department(client_for, staff, pharmacy, nominate):
    html = client_for(staff).get(nominate).content.decode()
    search = f'data-search-url="/people/search/?department={pharmacy.pk}"'
    assert html.count(search) == 2  # the person, and the team's members
    assert 'data-name="person" data-multiple="false"' in html
    assert 'data-name="team_members" data-multiple="true"' in html


# Reassigning a task: one person, from the departments working on the project.


def test_task_is_reassigned_to_someone_found_by_searching_without_javascript(
    client_for, staff, alexes, task, reassign
):
    client = client_for(staff)
    response = client.post(reassign, {"person_q": "alex", "person_find": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" not in html
    assert html.count('name="person" type="radio"') == 10
    task.refresh_from_db()
    assert task.claimed_by is None
    assert client.post(reassign, {"person": alexes[5].pk}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (Task.Status.CLAIMED, alexes[5])


@pytest.mark.parametrize("refused", ["outsider", "two", "none"])
def test_reassigning_to_someone_outside_the_project_departments_or_two_is_refused(
    client_for, staff, champion, outsider, task, reassign, refused
):
    person = {"outsider": [outsider.pk], "two": [staff.pk, champion.pk], "none": []}[refused]
    message = {
        "none": "Choose who should do the task",
    }.get(refused, "Choose someone from the departments working on the project")
    response = client_for(staff).post(reassign, {"person": person})
    assert response.status_code == 200
    assert shows_the_error(response.content.decode(), "person", message)
    task.refresh_from_db()
    assert task.claimed_by is None


def test_the_reassign_picker_suggests_every_department_working_on_the_project(
    client_for, staff, outsider, project, task, reassign
):
    project.partner_departments.add(outsider.department)
    html = client_for(staff).get(reassign).content.decode()
    departments = sorted([project.department_id, outsider.department_id])
    query = "&amp;".join(f"department={pk}" for pk in departments)
    assert f'data-search-url="/people/search/?{query}"' in html
    assert client_for(staff).post(reassign, {"person": outsider.pk}).status_code == 302


# Queries: a search posted back costs the same however many people match.


@pytest.mark.parametrize(
    ("form", "queries"),
    [
        # session, user, person; the award, the nominator's department, their roles (for the
        # navigation), the projects to nominate; the ten matching (nobody chosen yet).
        ("nominate_person", 8),
        # The same, and the member already chosen.
        ("nominate_team", 9),
        # session, user, person; the task with its project, the project's partner departments
        # (twice: whether the viewer may claim the task, then the form's departments), roles;
        # the person chosen, the ten matching.
        ("reassign", 9),
    ],
)
def test_a_search_posted_back_costs_a_bounded_number_of_queries(
    client_for,
    staff,
    manager,
    alexes,
    nominate,
    reassign,
    form,
    queries,
    django_assert_max_num_queries,
):
    url, data, who = {
        "nominate_person": (nominate, nomination(person_q="alex", person_find="1"), manager),
        "nominate_team": (
            nominate,
            nomination(
                nominee_kind="team",
                team_members=[staff.pk],
                team_members_q="alex",
                team_members_find="1",
            ),
            manager,
        ),
        "reassign": (reassign, {"person": staff.pk, "person_q": "alex", "person_find": "1"}, staff),
    }[form]
    client = client_for(who)
    client.get(url)
    with django_assert_max_num_queries(queries):  # 30 people match: ten are shown
        response = client.post(url, data)
    assert response.status_code == 200
    assert "The first 10 people matching “alex”" in response.content.decode()


# Enter in a text field: the main action, not the picker's Search.


def first_submit_button(html: str) -> str:
    form = html.split('method="post"', 1)[1]
    return re.search(r'<button[^>]*type="submit"[^>]*>.*?</button>', form, re.S).group(0)


@pytest.mark.parametrize(
    ("page", "name", "label"),
    [
        ("propose", ' name="submit" value="1"', "Submit for review"),
        ("edit", "", "Save changes"),
        ("nominate", ' name="submit" value="1"', "Submit nomination"),
        ("nominate_after_deadline", ' name="draft" value="1"', "Save as draft"),
        ("reassign", "", "Reassign"),
    ],
)
def test_a_form_with_a_picker_starts_with_a_hidden_copy_of_its_main_button(
    client_for, staff, project, nominate, reassign, page, name, label
):
    past = AwardFactory(name="Past award", deadline=timezone.localdate() - dt.timedelta(days=1))
    url = {
        "propose": reverse("projects:create"),
        "edit": reverse("projects:edit", args=[project.pk]),
        "nominate": nominate,
        "nominate_after_deadline": reverse("recognition:nominate", args=[past.pk]),
        "reassign": reassign,
    }[page]
    html = client_for(staff).get(url).content.decode()
    assert "data-qi-picker-find" in html
    assert first_submit_button(html) == (
        f'<button class="nhsuk-u-visually-hidden" type="submit"{name} tabindex="-1" '
        f'aria-hidden="true" data-qi-default-submit>{label}</button>'
    )


def test_the_default_button_does_the_main_action(client_for, staff, acute_medicine):
    # What a browser posts on Enter in the title: the default button's name, not a search.
    data = {**proposal_data(acute_medicine), "co_leads_q": "", "submit": "1"}
    response = client_for(staff).post(reverse("projects:create"), data)
    assert response.status_code == 302
