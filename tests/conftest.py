"""Named personas shared by every test, so permission tests read like the permission matrix.

- staff: a pharmacy technician in Acute medicine, managed by `manager`.
- champion: QI champion for Acute medicine.
- manager: line manager of `staff`.
- admin: a Django staff superuser with a Person in the department.
- outsider: staff in another department.
"""

import pytest
from django.conf import settings

from tests.factories import (
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    DepartmentFactory,
    PersonFactory,
    ProjectFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Persistent connections from the live server's threads would outlive the test database.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def pharmacy(db):
    return DepartmentFactory(name="Pharmacy", slug="pharmacy")


@pytest.fixture
def acute_medicine(pharmacy):
    return ClinicalAreaFactory(department=pharmacy, name="Acute medicine")


@pytest.fixture
def surgery(pharmacy):
    return ClinicalAreaFactory(department=pharmacy, name="Surgery")


@pytest.fixture
def manager(pharmacy, acute_medicine):
    return PersonFactory(
        user=UserFactory(username="manager"),
        display_name="Morgan Ellis",
        band="8b",
        department=pharmacy,
        clinical_areas=[acute_medicine],
    )


@pytest.fixture
def staff(pharmacy, acute_medicine, manager):
    return PersonFactory(
        user=UserFactory(username="staff"),
        display_name="Sam Taylor",
        job_role="technician",
        band="5",
        department=pharmacy,
        clinical_areas=[acute_medicine],
        line_manager=manager,
    )


@pytest.fixture
def champion(pharmacy, acute_medicine):
    person = PersonFactory(
        user=UserFactory(username="champion"),
        display_name="Chris Okoro",
        band="8a",
        department=pharmacy,
        clinical_areas=[acute_medicine],
    )
    ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    return person


@pytest.fixture
def admin(pharmacy):
    return PersonFactory(
        user=UserFactory(username="admin", is_staff=True, is_superuser=True),
        display_name="Amira Khan",
        band="9",
        department=pharmacy,
    )


@pytest.fixture
def outsider(db):
    nursing = DepartmentFactory(name="Nursing", slug="nursing")
    ward = ClinicalAreaFactory(department=nursing, name="Ward 7")
    return PersonFactory(
        user=UserFactory(username="outsider"),
        display_name="Olu Nurse",
        job_role="other",
        department=nursing,
        clinical_areas=[ward],
    )


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: `client_for(staff)`."""

    def login(person):
        client.force_login(person.user)
        return client

    return login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness adds seconds to every persona; tests need no such defence.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def project(staff, acute_medicine):
    """A submitted project in Acute medicine led by `staff`."""
    return ProjectFactory(
        lead=staff,
        title="Reducing omitted critical medicines on the wards",
        aim="Reduce omitted doses of time-critical medicines by 50% within 6 months.",
        clinical_areas=[acute_medicine],
    )


@pytest.fixture
def draft(staff, acute_medicine):
    """A draft (not yet submitted) project in Acute medicine led by `staff`."""
    return ProjectFactory(
        lead=staff, draft=True, title="Draft idea about insulin", clinical_areas=[acute_medicine]
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a throwaway folder, never the developer's MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
