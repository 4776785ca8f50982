import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from people.models import ChampionAssignment, ClinicalArea, Person


def test_seed_demo_creates_the_department_and_the_four_logins(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "40")
    assert Person.objects.count() == 40
    assert ClinicalArea.objects.filter(department__slug="pharmacy").count() >= 4
    for username in ("staff", "champion", "manager", "admin"):
        assert authenticate(username=username, password="demo-pass-1") is not None
    staff = Person.objects.get(user__username="staff")
    manager = Person.objects.get(user__username="manager")
    champion = Person.objects.get(user__username="champion")
    assert manager.is_manager_of(staff)
    assert champion.is_champion
    admin = Person.objects.get(user__username="admin").user
    assert admin.is_superuser
    assert admin.is_staff


def test_every_seeded_person_can_sign_in_with_the_demo_password(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "12")
    other = Person.objects.exclude(
        user__username__in=["staff", "champion", "manager", "admin"]
    ).first()
    assert authenticate(username=other.user.username, password="demo-pass-1") is not None


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "30")
    counts = (Person.objects.count(), ChampionAssignment.objects.count())
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "30")
    assert (Person.objects.count(), ChampionAssignment.objects.count()) == counts


def test_seed_demo_gives_most_areas_a_champion_and_people_managers(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "40")
    areas = ClinicalArea.objects.all()
    championed = areas.filter(champion_assignments__isnull=False).distinct().count()
    assert championed == areas.count() - 1  # one area is left without, on purpose
    assert Person.objects.filter(line_manager__isnull=True).count() == 1  # only the chief


def test_seed_demo_refuses_too_few_people(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "x", "--people", "2")
