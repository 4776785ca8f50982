import pytest
from django.db import IntegrityError

from people.models import Person
from tests.factories import ChampionAssignmentFactory, PersonFactory


def test_champion_is_champion_for_their_area_only(champion, acute_medicine, surgery):
    assert champion.is_champion
    assert champion.is_champion_for(acute_medicine)
    assert champion.is_champion_for(acute_medicine.pk)
    assert not champion.is_champion_for(surgery)
    assert champion.is_champion_for(surgery, acute_medicine)


def test_staff_is_not_a_champion(staff, acute_medicine):
    assert not staff.is_champion
    assert not staff.is_champion_for(acute_medicine)


def test_manager_manages_their_reports_only(manager, staff, champion):
    assert manager.is_manager
    assert manager.is_manager_of(staff)
    assert not manager.is_manager_of(champion)
    assert not staff.is_manager
    assert not staff.is_manager_of(manager)


def test_querysets_find_managers_and_champions(manager, staff, champion):
    assert list(Person.objects.managers()) == [manager]
    assert list(Person.objects.champions()) == [champion]


def test_database_refuses_a_person_as_their_own_manager(staff):
    staff.line_manager = staff
    with pytest.raises(IntegrityError):
        staff.save()


def test_database_refuses_a_duplicate_champion_assignment(champion, acute_medicine):
    with pytest.raises(IntegrityError):
        ChampionAssignmentFactory(person=champion, clinical_area=acute_medicine)


def test_one_person_per_user(staff):
    with pytest.raises(IntegrityError):
        PersonFactory(user=staff.user, department=staff.department)
