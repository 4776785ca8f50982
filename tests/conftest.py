"""Named personas shared by every test, so permission tests read like the permission matrix.

- staff: a pharmacy technician in Acute medicine, managed by `manager`.
- champion: QI champion for Acute medicine.
- manager: line manager of `staff`.
- admin: a Django staff superuser with a Person in the department.
- outsider: staff in another department.
"""

import datetime as dt
import fcntl
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from people.models import Completion, Course, MentoringPair
from projects.models import Membership, Task
from recognition.models import AppraisalNote, ContributionKind, Nomination, PortfolioDomain
from tests.factories import (
    AwardFactory,
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    DepartmentFactory,
    NominationFactory,
    PersonFactory,
    ProjectFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
    TaskFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Persistent connections from the live server's threads would outlive the test database.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A commit does not wait for its WAL record to reach the disk: a throwaway test database
    # needs no durability if the server crashes, and waiting for the disk took 10 ms or more
    # per commit here (migrations, transactional tests and the live server's autocommitted
    # queries). What each transaction sees, its locks and its constraints are unchanged.
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


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


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (queued emails) run at once, whatever DJANGO_DEBUG says, so a test sees
    their effects; tests/qiregister/test_tasks.py switches to the database queue and a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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


@pytest.fixture(scope="session")
def collected_static():
    """Production settings serve static files from collectstatic's manifest: child processes
    run with them need `staticfiles/` built, as a deployment does (once per test run)."""
    from tests.helpers import environment_without, run_manage

    env = {**environment_without("DJANGO_"), "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60}
    # pytest-xdist's workers share the folder: one builds it at a time.
    lock_path = Path(settings.BASE_DIR) / ".collectstatic.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = run_manage("collectstatic", "--no-input", "-v", "0", env=env)
    assert done.returncode == 0, done.stderr


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the review queue keeps look-alikes in it)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a throwaway folder, never the developer's MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def qi_year(staff, manager, champion, project, pharmacy):
    """A year of QI by `staff`: leading `project`, a role, a task, a showcase, a won award,
    training, a mentor, and an appraisal note by `manager`."""
    now = timezone.now()
    other = ProjectFactory(lead=champion, title="Antimicrobial stewardship ward rounds")
    Membership.objects.create(
        project=other, person=staff, role_title="Data collector", commitment_hours=Decimal("1")
    )
    TaskFactory(
        project=other,
        title="Audit 30 drug charts on ward 4",
        status=Task.Status.DONE,
        claimed_by=staff,
        claimed_at=now - dt.timedelta(days=20),
        completed_at=now - dt.timedelta(days=10),
        actual_hours=Decimal("3.5"),
    )
    session = ShowcaseSessionFactory(
        department=pharmacy, title="Spring clinical update", starts_at=now - dt.timedelta(days=5)
    )
    ShowcaseSlotFactory(session=session, position=1, project=project, presenters=[staff])
    NominationFactory(
        award=AwardFactory(name="Trust Quality Award"),
        person=staff,
        nominated_by=champion,
        status=Nomination.Status.WON,
    )
    course = Course.objects.create(name="QI foundations", level="foundation")
    Completion.objects.create(person=staff, course=course, completed_on=timezone.localdate())
    MentoringPair.objects.create(mentor=champion, mentee=staff)
    AppraisalNote.objects.create(
        person=staff,
        manager=manager,
        period_start=timezone.localdate() - dt.timedelta(days=300),
        period_end=timezone.localdate(),
        note="Sam led the omitted doses work with real energy.",
    )
    PortfolioDomain.objects.create(
        department=pharmacy,
        name="Leadership and management",
        contribution_kinds=[ContributionKind.LED, ContributionKind.MENTOR],
    )
    PortfolioDomain.objects.create(
        department=pharmacy,
        name="Education",
        contribution_kinds=[ContributionKind.SHOWCASE, ContributionKind.TRAINING],
    )
    return {"other": other, "session": session}


# The files that take longest, longest first (measured with `--durations=0`). `make test` hands
# whole files to the workers in this order (--no-loadscope-reorder: xdist would otherwise start
# with the files that have the most tests), so that no worker starts a three-minute file while
# the other has nothing left to do.
SLOWEST_FILES = [
    "tests/deploy/test_deployment_guide.py",
    "tests/security/test_input_sweep.py",
    "tests/security/test_access_matrix.py",
    "tests/e2e/test_accessibility.py",
    "tests/security/test_stored_dates.py",
    "tests/resilience/test_database_restart.py",
    "tests/resilience/test_backup_restore.py",
    "tests/qiregister/test_two_servers.py",
    "tests/qiregister/test_embedded_database.py",
    "tests/e2e/test_user_guide_screenshots.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {path: position for position, path in enumerate(SLOWEST_FILES)}
    # A stable sort: the other files, and the tests inside each file, keep their order.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
