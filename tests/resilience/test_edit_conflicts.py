"""Two people editing the same project at once: the second save is refused, never silent.

Each edit page carries the project's version as a hidden field; the edit service compares it
with the stored version under a row lock and raises it by one when it saves.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Project
from tests.factories import RoleOpeningFactory, TaskFactory
from tests.helpers import project_edit_data, race

CONFLICT = "Someone else changed this project since you opened it"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def opened_version(client: Client, project: Project) -> int:
    """The version an edit page was opened at, read from its hidden field."""
    html = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def save(client: Client, project: Project, version: int, **changes):
    return client.post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, version=version, **changes),
    )


def test_a_save_raises_the_version_and_an_unchanged_save_does_not(staff, project):
    lead = signed_in(staff)
    assert save(lead, project, opened_version(lead, project), title="Renamed").status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Renamed", 2)
    assert save(lead, project, 2).status_code == 302
    project.refresh_from_db()
    assert project.version == 2


def test_the_second_of_two_editors_is_refused_and_keeps_their_input(staff, champion, project):
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = opened_version(lead, project)
    seen_by_reviewer = opened_version(reviewer, project)

    first = save(reviewer, project, seen_by_reviewer, title="Retitled by the champion")
    assert first.status_code == 302
    second = save(lead, project, seen_by_lead, aim="Halve omitted doses by June.")

    assert second.status_code == 200
    html = second.content.decode()
    # In the error summary, with the lead's input still in the form.
    assert 'class="nhsuk-error-summary"' in html
    assert CONFLICT in html
    assert "Review their changes and save again" in html
    assert "Halve omitted doses by June." in html
    # What saving again would replace: the champion's title, shown as saved now.
    assert "Saved since you opened this page" in html
    assert "Retitled by the champion" in html
    project.refresh_from_db()
    assert project.title == "Retitled by the champion"
    assert project.aim == "Reduce omitted doses of time-critical medicines by 50% within 6 months."
    assert project.version == 2


def test_saving_again_after_the_refusal_is_accepted(staff, champion, project):
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = opened_version(lead, project)
    save(reviewer, project, opened_version(reviewer, project), title="Retitled by the champion")
    refused = save(lead, project, seen_by_lead, aim="Halve omitted doses by June.")
    version_now = int(re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1))
    assert version_now == 2

    # The lead keeps the champion's title this time and saves their aim.
    project.refresh_from_db()
    assert save(lead, project, version_now, aim="Halve omitted doses by June.").status_code == 302
    project.refresh_from_db()
    assert (project.title, project.aim, project.version) == (
        "Retitled by the champion",
        "Halve omitted doses by June.",
        3,
    )


def test_a_post_without_a_version_is_refused(client_for, staff, project):
    data = project_edit_data(project, title="No version")
    del data["version"]
    response = client_for(staff).post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    project.refresh_from_db()
    assert project.title != "No version"


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_the_same_instant_one_wins(staff, champion, project):
    clients = {"lead": signed_in(staff), "reviewer": signed_in(champion)}
    for round_ in range(10):
        project.refresh_from_db()
        version = project.version
        results, errors = race(
            *[
                lambda who=who, client=client, v=version, title=f"Round {round_} by {who}": (
                    who,
                    save(client, project, v, title=title),
                )
                for who, client in clients.items()
            ]
        )
        assert errors == []
        codes = sorted(response.status_code for _, response in results)
        assert codes == [200, 302]
        (winner,) = [who for who, response in results if response.status_code == 302]
        (loser,) = [response for _, response in results if response.status_code == 200]
        assert CONFLICT in loser.content.decode()
        project.refresh_from_db()
        assert (project.title, project.version) == (f"Round {round_} by {winner}", version + 1)


# Tasks and role openings: the same pattern through the project's child edit pages.


def child_version(client: Client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_the_second_of_two_task_edits_is_refused_and_keeps_its_input(staff, champion, project):
    task = TaskFactory(project=project, title="Audit fridge temperatures")
    url = reverse("projects:task_edit", args=[project.pk, task.pk])
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead, seen_by_reviewer = child_version(lead, url), child_version(reviewer, url)
    task_data = {"title": task.title, "description": "", "estimated_hours": "2"}

    first = reviewer.post(url, {**task_data, "estimated_hours": "3", "version": seen_by_reviewer})
    assert first.status_code == 302
    second = lead.post(url, {**task_data, "title": "Audit ward fridges", "version": seen_by_lead})

    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else changed this task since you opened it" in html
    assert 'value="Audit ward fridges"' in html
    assert "Saved since you opened this page" in html
    task.refresh_from_db()
    assert (task.title, task.estimated_hours, task.version) == (
        "Audit fridge temperatures",
        Decimal("3"),
        2,
    )
    # Reviewed: the lead keeps the champion's hours and saves the new title.
    again = lead.post(
        url, {**task_data, "title": "Audit ward fridges", "estimated_hours": "3", "version": 2}
    )
    assert again.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.estimated_hours, task.version) == ("Audit ward fridges", 3, 3)


def test_a_stale_role_opening_edit_is_refused(staff, champion, project):
    opening = RoleOpeningFactory(project=project, places=2)
    url = reverse("projects:opening_edit", args=[project.pk, opening.pk])
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = child_version(lead, url)
    data = {"title": opening.title, "places": "2", "commitment_period": "week", "is_open": "on"}
    assert reviewer.post(url, {**data, "places": "4", "version": 1}).status_code == 302

    refused = lead.post(url, {**data, "title": "Data analyst", "version": seen_by_lead})
    assert refused.status_code == 200
    assert "Someone else changed this role opening since you opened it" in (
        refused.content.decode()
    )
    opening.refresh_from_db()
    assert (opening.title, opening.places) == ("Data collector", 4)
