"""Named personas shared by every test, so permission tests read like the permission matrix.

- staff: a pharmacy technician in Acute medicine, managed by `manager`.
- champion: QI champion for Acute medicine.
- manager: line manager of `staff`.
- admin: a Django staff superuser with a Person in the department.
- outsider: staff in another department.
"""

import contextlib
import copy
import datetime as dt
import fcntl
import sys
import tempfile
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


def _template_name(test_name: str) -> str:
    return f"{test_name}_template"


@contextlib.contextmanager
def _template_lock(template: str):
    """One process at a time builds or copies the template (the workers of one run share it)."""
    with open(Path(tempfile.gettempdir()) / f"{template}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-xdist's workers share one migrated test database: the first worker to need it
    migrates a template (about 15 s of CPU: most of it Django rendering the migrations' model
    states), and every worker copies it with CREATE DATABASE ... TEMPLATE (about a second),
    instead of each worker migrating its own. Each worker still has its own database, made by
    the same migrations (with their data: the trust QI team group, permissions, content types).
    Run without workers, with --reuse-db or --nomigrations, this is pytest-django's own setup."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    workerinput = getattr(request.config, "workerinput", None)
    reuse = django_db_keepdb and not django_db_createdb
    if workerinput is None or reuse or not django_db_use_migrations:
        from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

        if not django_db_use_migrations:
            _disable_migrations()
        aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=reuse,
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=request.config.option.verbose)
        return

    connection = connections["default"]
    test = connection.settings_dict["TEST"]
    worker_name = test["NAME"]  # test_<name>_gw<n>: pytest-django's suffix for this worker
    template = _template_name(worker_name.removesuffix(f"_{workerinput['workerid']}"))
    run = workerinput["testrunuid"]
    quote = connection.ops.quote_name
    old_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), _template_lock(template):
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            row = cursor.fetchone()
        if row is None or row[0] != run:  # none yet, or left by an earlier run
            test["NAME"] = template
            connection.creation.create_test_db(
                verbosity=request.config.option.verbose, autoclobber=True, serialize=False
            )
            connection.close()  # a template must have no connections when it is copied
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [run])
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(worker_name)}")
            cursor.execute(f"CREATE DATABASE {quote(worker_name)} TEMPLATE {quote(template)}")
    test["NAME"] = worker_name
    settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = worker_name
    yield
    with django_db_blocker.unblock():
        connection.close()
        # WITH (FORCE): a connection that a live server's thread or a child process is still
        # closing when the worker ends must not fail the run as it drops its own database.
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(worker_name)} WITH (FORCE)")
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = old_name


@pytest.fixture(scope="session")
def create_migrated_database(request, django_db_setup, django_db_blocker):
    """`create_migrated_database(name)` makes a database on the test server that holds what the
    migrations make and nothing a test wrote, for a child process to use: a copy (CREATE DATABASE
    ... TEMPLATE, about a second) of the template django_db_setup migrated for this run's
    workers, instead of migrating it again (about 15 s of CPU). A run without that template (no
    workers, or --reuse-db) migrates one of its own once, in a child process, and drops it at the
    end. The caller drops the databases it made."""
    from django.db import connections

    from tests.helpers import database_url, environment_without, run_manage

    connection = connections["default"]
    quote = connection.ops.quote_name
    workerinput = getattr(request.config, "workerinput", None)
    template = own = None
    with django_db_blocker.unblock():
        if workerinput is not None:
            name = connection.creation._get_test_db_name()
            name = _template_name(name.removesuffix(f"_{workerinput['workerid']}"))
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s"
                    " AND shobj_description(oid, 'pg_database') = %s",
                    [name, workerinput["testrunuid"]],
                )
                template = name if cursor.fetchone() else None
        if template is None:
            template = own = f"{connection.settings_dict['NAME']}_migrated"
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)}")
                cursor.execute(f"CREATE DATABASE {quote(own)}")
            env = {**environment_without("DATABASE_URL"), "DATABASE_URL": database_url(own)}
            done = run_manage("migrate", "--no-input", "-v", "0", env=env)
            assert done.returncode == 0, done.stderr

    def create(name: str) -> None:
        # A template must have no other connection while it is copied: one copy at a time.
        with (
            django_db_blocker.unblock(),
            _template_lock(template),
            connection.creation._nodb_cursor() as cursor,
        ):
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")

    yield create
    if own is not None:
        with django_db_blocker.unblock(), connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)} WITH (FORCE)")


def pytest_sessionfinish(session):
    """The controller of a pytest-xdist run drops the workers' template when they are done."""
    if hasattr(session.config, "workerinput") or not getattr(
        session.config.option, "numprocesses", None
    ):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    connection = connections["default"]
    template = _template_name(connection.creation._get_test_db_name())
    with (
        session.config.stash[blocking_manager_key].unblock(),
        _template_lock(template),
        connection.creation._nodb_cursor() as cursor,
    ):
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")


# The personas, as plain functions (the fixtures below call them; a world built once per module,
# as in tests/security/test_access_matrix.py, calls them too).


def make_pharmacy():
    return DepartmentFactory(name="Pharmacy", slug="pharmacy")


def make_area(department, name):
    return ClinicalAreaFactory(department=department, name=name)


def make_manager(pharmacy, acute_medicine):
    return PersonFactory(
        user=UserFactory(username="manager"),
        display_name="Morgan Ellis",
        band="8b",
        department=pharmacy,
        clinical_areas=[acute_medicine],
    )


def make_staff(pharmacy, acute_medicine, manager):
    return PersonFactory(
        user=UserFactory(username="staff"),
        display_name="Sam Taylor",
        job_role="technician",
        band="5",
        department=pharmacy,
        clinical_areas=[acute_medicine],
        line_manager=manager,
    )


def make_champion(pharmacy, acute_medicine):
    person = PersonFactory(
        user=UserFactory(username="champion"),
        display_name="Chris Okoro",
        band="8a",
        department=pharmacy,
        clinical_areas=[acute_medicine],
    )
    ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    return person


def make_admin(pharmacy):
    return PersonFactory(
        user=UserFactory(username="admin", is_staff=True, is_superuser=True),
        display_name="Amira Khan",
        band="9",
        department=pharmacy,
    )


def make_outsider():
    nursing = DepartmentFactory(name="Nursing", slug="nursing")
    ward = ClinicalAreaFactory(department=nursing, name="Ward 7")
    return PersonFactory(
        user=UserFactory(username="outsider"),
        display_name="Olu Nurse",
        job_role="other",
        department=nursing,
        clinical_areas=[ward],
    )


def make_project(staff, acute_medicine):
    return ProjectFactory(
        lead=staff,
        title="Reducing omitted critical medicines on the wards",
        aim="Reduce omitted doses of time-critical medicines by 50% within 6 months.",
        clinical_areas=[acute_medicine],
    )


# The personas a module's tests ask for are built once for the module, with what they need (a
# champion needs Pharmacy and Acute medicine), by `built_once`, and each test gets its own copy of
# them, in a savepoint rolled back after it: building them took longer than most of the tests
# that read them. So a test sees in the database the people any test of its module asked for.
# A module with a test that commits (a transactional database, a live server) holds no
# transaction open for its whole run, so there each test builds its own. A module can name the
# personas itself in PERSONAS_BUILT_ONCE (an empty tuple: each test builds its own).
PERSONA_NEEDS = {
    "pharmacy": (),
    "acute_medicine": ("pharmacy",),
    "manager": ("pharmacy", "acute_medicine"),
    "staff": ("pharmacy", "acute_medicine", "manager"),
    "champion": ("pharmacy", "acute_medicine"),
    "admin": ("pharmacy",),
    "outsider": (),
    "project": ("staff", "acute_medicine"),
}
PERSONA_MAKERS = {
    "pharmacy": make_pharmacy,
    "acute_medicine": lambda pharmacy: make_area(pharmacy, "Acute medicine"),
    "manager": make_manager,
    "staff": make_staff,
    "champion": make_champion,
    "admin": make_admin,
    "outsider": make_outsider,
    "project": make_project,
}


def _with_needs(names) -> list[str]:
    """`names` and every persona they need, each after what it needs."""
    ordered: list[str] = []

    def add(name):
        for need in PERSONA_NEEDS[name]:
            add(need)
        if name not in ordered:
            ordered.append(name)

    for name in names:
        add(name)
    return ordered


@pytest.fixture(scope="module")
def personas_built_once(request, django_db_blocker, tmp_path_factory):
    """The personas built once for the module, by name (an empty dict where there are none)."""
    names = _with_needs(
        getattr(request.module, "PERSONAS_BUILT_ONCE", None)
        or PERSONAS_ASKED_FOR.get(request.module.__name__, ())
    )
    if not names:
        yield {}
        return
    request.getfixturevalue("django_db_setup")

    def build():
        built: dict = {}
        for name in names:
            built[name] = PERSONA_MAKERS[name](*(built[need] for need in PERSONA_NEEDS[name]))
        return built

    yield from built_once(django_db_blocker, tmp_path_factory.mktemp("media"), build)


@pytest.fixture
def built_personas(db, personas_built_once):
    """This test's copy of the personas built once for its module."""
    return copy.deepcopy(personas_built_once)


@pytest.fixture
def pharmacy(built_personas):
    return built_personas.get("pharmacy") or make_pharmacy()


@pytest.fixture
def acute_medicine(built_personas, pharmacy):
    return built_personas.get("acute_medicine") or make_area(pharmacy, "Acute medicine")


@pytest.fixture
def surgery(pharmacy):
    return make_area(pharmacy, "Surgery")


@pytest.fixture
def manager(built_personas, pharmacy, acute_medicine):
    return built_personas.get("manager") or make_manager(pharmacy, acute_medicine)


@pytest.fixture
def staff(built_personas, pharmacy, acute_medicine, manager):
    return built_personas.get("staff") or make_staff(pharmacy, acute_medicine, manager)


@pytest.fixture
def champion(built_personas, pharmacy, acute_medicine):
    return built_personas.get("champion") or make_champion(pharmacy, acute_medicine)


@pytest.fixture
def admin(built_personas, pharmacy):
    return built_personas.get("admin") or make_admin(pharmacy)


@pytest.fixture
def outsider(built_personas):
    return built_personas.get("outsider") or make_outsider()


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: `client_for(staff)`."""

    def login(person):
        client.force_login(person.user)
        return client

    return login


# PBKDF2's deliberate slowness adds seconds to every persona; tests need no such defence.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def prepared_files_folder(media) -> Path:
    """Where a test's prepared PDFs go: beside its MEDIA_ROOT."""
    media = Path(media)
    return media.with_name(f"{media.name}-prepared-files")


def with_prepared_files_in(media) -> dict:
    """settings.STORAGES with the prepared PDFs' storage in `prepared_files_folder(media)`."""
    return {
        **settings.STORAGES,
        "prepared_files": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": prepared_files_folder(media), "base_url": None},
        },
    }


def built_once(django_db_blocker, media, build):
    """For data that takes longer to build than the tests that read it: `build()` once, in a
    transaction rolled back when the module (or other scope) is done, with the settings the autouse
    fixtures below give each test, and `media` as MEDIA_ROOT. Each test sees the data through
    pytest-django's `db`, whose transaction is a savepoint inside this one, rolled back after the
    test, as with Django's TestCase.setUpTestData: nothing a test changes in the database reaches
    another test. In a module-scoped fixture: `yield from built_once(...)`; it yields what
    `build()` returned."""
    from django.core.cache import cache
    from django.db import transaction
    from django.test import override_settings

    block = transaction.atomic()
    block._from_testcase = True  # as TestCase's own, for durable blocks inside the tests
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
            TASKS=IMMEDIATE_TASKS,
            MEDIA_ROOT=media,
            STORAGES=with_prepared_files_in(media),
        ),
    ):
        block.__enter__()
        try:
            cache.clear()
            built = build()
        except BaseException:
            block.__exit__(*sys.exc_info())
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


def _delete_from_each_table(original):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names from Django's own introspection, quoted.
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    return sql_flush


@pytest.fixture(scope="session", autouse=True)
def flush_by_delete():
    """Transactional tests (browser journeys, whose live server's threads must see their data;
    races; commits) empty the database after each. TRUNCATE of the 119 tables took 3-4 s here,
    nearly all of it the server replacing each table's files; DELETE of their few rows takes
    40 ms. The flush runs in one transaction and every foreign key is deferred to its end, so
    the order of the tables does not matter, and the tables end up as empty as before."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            DatabaseOperations, "sql_flush", _delete_from_each_table(DatabaseOperations.sql_flush)
        )
        yield


@pytest.fixture(autouse=True, scope="session")
def static_files_found_per_request():
    """WhiteNoise's middleware lists every file under STATIC_ROOT (over a thousand, once
    collectstatic has run) when it is built, and the test client builds the middleware afresh for
    each test: a tenth of a second or more per test, minutes over the suite. Told to refresh, it
    looks a file up when it is asked for instead, with the same headers. No test asks the test
    client for a static file; the servers the tests start run the production settings."""
    from django.test import override_settings

    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (queued emails) run at once, whatever DJANGO_DEBUG says, so a test sees
    their effects; tests/qiregister/test_tasks.py switches to the database queue and a worker."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def project(built_personas, staff, acute_medicine):
    """A submitted project in Acute medicine led by `staff`."""
    return built_personas.get("project") or make_project(staff, acute_medicine)


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
def prepared_files_root(settings, media_root):
    """PDFs prepared in the background go to a throwaway folder beside the uploads' (where
    `built_once` puts them too), never the developer's."""
    settings.STORAGES = with_prepared_files_in(media_root)
    return prepared_files_folder(media_root)


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
    "tests/security/test_access_matrix.py",
    "tests/security/test_input_sweep.py",
    "tests/deploy/test_deployment_guide.py",
    "tests/e2e/test_accessibility.py",
    "tests/recognition/test_board.py",
    "tests/security/test_stored_dates.py",
    "tests/resilience/test_races.py",
    "tests/security/test_filter_parameter_sweep.py",
    "tests/resilience/test_backup_restore.py",
    "tests/qiregister/test_seed_demo.py",
    "tests/resilience/test_database_restart.py",
    "tests/qiregister/test_embedded_database.py",
    "tests/e2e/test_user_guide_screenshots.py",
    "tests/qiregister/test_two_servers.py",
]


# Module name -> the personas its tests ask for, where they may be built once (see above). Only
# the people: a project in the database would change what a module's register and report tests
# count, so the project persona is built once only where a module names it.
PEOPLE_PERSONAS = set(PERSONA_MAKERS) - {"project"}
PERSONAS_ASKED_FOR: dict[str, set[str]] = {}


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames)
    )


def pytest_collection_modifyitems(config, items):
    committing = set()
    for item in items:
        module = item.module
        if _commits(item):
            committing.add(module.__name__)
            if getattr(module, "PERSONAS_BUILT_ONCE", None):
                raise pytest.UsageError(
                    f"{item.nodeid}: a module with PERSONAS_BUILT_ONCE holds a transaction open"
                    " for its whole run: move tests that commit to another module"
                )
        if getattr(module, "PERSONAS_BUILT_ONCE", None) is None:
            asked = PERSONAS_ASKED_FOR.setdefault(module.__name__, set())
            asked.update(PEOPLE_PERSONAS & set(item.fixturenames))
    for name in committing:
        PERSONAS_ASKED_FOR.pop(name, None)
    rank = {path: position for position, path in enumerate(SLOWEST_FILES)}
    # A stable sort: the other files, and the tests inside each file, keep their order.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
