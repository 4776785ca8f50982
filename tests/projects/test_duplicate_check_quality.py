"""How well the duplicate check does on the demo register, measured where people meet it: the
live check on the propose page, the check on submission and the champion's review queue.

The targets: the restated project among the first three offered for at least 90%
of the rewordings, and no prompt for at least 90% of the unrelated proposals. Each test prints
its figures (`pytest -s` shows them); the README quotes them.
"""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from people.models import ClinicalArea, Person
from projects.models import Project
from tests.conftest import built_once
from tests.projects.duplicate_check_cases import (
    HELD_OUT_REWORDINGS,
    HELD_OUT_UNRELATED,
    REWORDINGS,
    UNRELATED,
)

TARGET = 0.9
ALL_REWORDINGS = REWORDINGS + HELD_OUT_REWORDINGS
ALL_UNRELATED = UNRELATED + HELD_OUT_UNRELATED


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo register, seeded once for the module's tests (each in its own savepoint), with
    its posters in the module's media folder."""
    media = tmp_path_factory.mktemp("media")

    def seed():
        call_command("seed_demo", "--password", "demo-pass-1")
        return media

    yield from built_once(django_db_blocker, media, seed)


@pytest.fixture
def media_root(settings, seeded):
    """The demo's posters are in the module's media folder."""
    settings.MEDIA_ROOT = seeded
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(seeded, db):
    staff = Person.objects.get(user__username="staff")
    champion = Person.objects.get(user__username="champion")
    # Proposals go to an area the demo champion reviews, so they reach his queue.
    area = ClinicalArea.objects.filter(champion_assignments__person=champion).order_by("pk")[0]
    return {"staff": staff, "champion": champion, "area": area}


def proposal_data(area, title: str, aim: str) -> dict:
    return {
        "title": title,
        "kind": "qi",
        "aim": aim,
        "problem": "We see this every week and want to fix it.",
        "clinical_areas": [area.pk],
        "start_date": "2027-01-04",
        "target_end_date": "2027-12-20",
        "commitment_hours": "2",
        "commitment_period": "week",
        "commitment_weeks": "26",
        "submit": "1",
    }


def restated_in_top_three(offered: list[Project], restates: tuple[str, ...]) -> bool:
    return any(project.title.startswith(restates) for project in offered[:3])


def report(where: str, found: list[bool], quiet: list[bool]) -> tuple[float, float]:
    found_share, quiet_share = sum(found) / len(found), sum(quiet) / len(quiet)
    print(
        f"\nDuplicate check, {where}: restated project in the top 3 for {sum(found)} of "
        f"{len(found)} rewordings ({found_share:.0%}); no prompt for {sum(quiet)} of "
        f"{len(quiet)} unrelated proposals ({quiet_share:.0%})"
    )
    return found_share, quiet_share


def describe(offered: list[Project]) -> list[str]:
    return [f"{project.title} ({project.similarity:.2f})" for project in offered]


def live_check(client, title: str, aim: str) -> list[Project]:
    response = client.get(
        reverse("projects:similar"), {"title": title, "aim": aim}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    offered = response.context["similar"]
    for project in offered:  # what the fragment shows is what was measured
        assert project.title in response.content.decode()
    return offered


def test_the_test_set_is_large_enough():
    assert len(REWORDINGS) >= 20
    assert len(UNRELATED) >= 8


def test_held_out_cases_on_the_live_check(client_for, demo):
    """The cases written after tuning, on their own (they also count in the targets below)."""
    client = client_for(demo["staff"])
    found = [
        restated_in_top_three(live_check(client, case.title, case.aim), case.restates)
        for case in HELD_OUT_REWORDINGS
    ]
    quiet = [live_check(client, case.title, case.aim) == [] for case in HELD_OUT_UNRELATED]
    report("live check, held-out cases only", found, quiet)
    assert sum(found) >= len(found) - 1
    assert sum(quiet) >= len(quiet) - 1


def test_live_check_finds_rewordings_and_stays_quiet_otherwise(client_for, demo):
    client = client_for(demo["staff"])
    found, quiet = [], []
    for case in ALL_REWORDINGS:
        offered = live_check(client, case.title, case.aim)
        found.append(restated_in_top_three(offered, case.restates))
        if not found[-1]:
            print(f"\nMissed: {case.title!r} offered {describe(offered)}")
    for case in ALL_UNRELATED:
        offered = live_check(client, case.title, case.aim)
        quiet.append(offered == [])
        if not quiet[-1]:
            print(f"\nPrompted: {case.title!r} offered {describe(offered)}")
    found_share, quiet_share = report("live check", found, quiet)
    assert found_share >= TARGET
    assert quiet_share >= TARGET


def submit(client, area, title: str, aim: str):
    """Post the propose form; nothing it saves outlives the call, so cases stay independent."""
    with transaction.atomic():
        response = client.post(reverse("projects:create"), proposal_data(area, title, aim))
        transaction.set_rollback(True)
    return response


def test_submission_asks_about_rewordings_and_lets_others_through(client_for, demo):
    client = client_for(demo["staff"])
    found = []
    for case in ALL_REWORDINGS:
        response = submit(client, demo["area"], case.title, case.aim)
        prompted = response.status_code == 200 and "Similar projects already exist" in (
            response.content.decode()
        )
        found.append(prompted and restated_in_top_three(response.context["similar"], case.restates))
    quiet = [
        submit(client, demo["area"], case.title, case.aim).status_code == 302
        for case in ALL_UNRELATED
    ]
    found_share, quiet_share = report("submission", found, quiet)
    assert found_share >= TARGET
    assert quiet_share >= TARGET


def similar_in_review_queue(client, title: str) -> list[Project]:
    """The similar projects the champion's queue shows beside the proposal called `title`."""
    url, number = reverse("governance:review_queue"), 1
    while True:
        response = client.get(url, {"page": number})
        for row in response.context["rows"]:
            if row["project"].title == title:
                return row["similar"]
        assert response.context["page"].has_next(), f"{title} is not in the queue"
        number += 1


def queue_check(client_for, demo, title: str, aim: str) -> list[Project]:
    with transaction.atomic():
        response = client_for(demo["staff"]).post(
            reverse("projects:create"),
            {**proposal_data(demo["area"], title, aim), "confirm_not_duplicate": "on"},
        )
        assert response.status_code == 302
        similar = similar_in_review_queue(client_for(demo["champion"]), title)
        transaction.set_rollback(True)
    return similar


def test_review_queue_shows_the_restated_projects_and_nothing_for_others(client_for, demo):
    found = [
        restated_in_top_three(queue_check(client_for, demo, case.title, case.aim), case.restates)
        for case in ALL_REWORDINGS
    ]
    quiet = [queue_check(client_for, demo, case.title, case.aim) == [] for case in ALL_UNRELATED]
    found_share, quiet_share = report("review queue", found, quiet)
    assert found_share >= TARGET
    assert quiet_share >= TARGET


def test_the_issue_example_offers_the_faster_discharge_prescriptions_projects(client_for, demo):
    offered = live_check(
        client_for(demo["staff"]),
        "Speeding up discharge prescriptions",
        "Cut the time from discharge prescription to medicines ready to 60 minutes on the "
        "surgical wards by June 2027.",
    )
    restating = Project.objects.visible_to(demo["staff"].user).filter(
        title__startswith="Faster discharge prescriptions"
    )
    assert 2 <= restating.count() <= 5  # the check offers five
    assert {p.pk for p in offered} == {p.pk for p in restating}
