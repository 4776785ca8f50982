"""Access control proven for every route.

Every named URL pattern has a row in EXPECTATIONS: for each of seven roles, what a GET and what a
POST must answer. A new view without a row fails `test_every_route_has_a_rule`, so nobody adds
a page without deciding who may use it.

Each route is requested with real ids from a small world built by `world`: one submitted
project in Pharmacy led by `staff`, with everything that hangs off a project, plus the
department's showcase, awards, training, mentoring and appraisal records. Each role's request
runs in a savepoint that is rolled back, so a POST by one role (ending a mentoring pair,
deleting a draft) cannot change what the next role sees.

Outcomes:
- "login": a redirect to the sign-in page (`/login/?next=...`);
- "ok": allowed, 200 or a redirect somewhere other than the sign-in page (a POST with an
  empty form re-renders it with errors, or its service refuses politely and redirects);
- "403", "404", "405": refused. A page that only reads (`require_safe`) answers POST with 405
  before it looks at the object or the user's rights, so the 405 says nothing about whether
  the object exists or who may see it.

Below the matrix:
- the same pages with ids swapped for another person's or department's objects, including a
  child object under one's own project's id (`test_swapped_id_is_refused`);
- every project route pointed at a draft the viewer may not see: 404 for every role and
  method (`test_a_hidden_draft_is_not_found_on_every_project_route`);
- mass assignment: fields a role may not set (stage, reference, lead, validated savings,
  review decisions, sign-off, a note's author), posted anyway, change nothing; nor does a
  review, mentor or sign-off by a champion who works on the project as a member.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import time
from decimal import Decimal
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from measurement.models import DataPoint, Measure, PDSACycle, Saving
from people.models import (
    Course,
    ExportLog,
    MentoringPair,
    MentorRequest,
    Person,
    TrainingSession,
)
from projects.models import ClosureReport, Interest, Membership, Project
from recognition.models import Nomination, PreparedFile
from recognition.services import board as board_services
from tests.conftest import (
    built_once,
    make_admin,
    make_area,
    make_champion,
    make_manager,
    make_outsider,
    make_pharmacy,
    make_project,
    make_staff,
)
from tests.factories import (
    AppraisalNoteFactory,
    AwardFactory,
    ChampionAssignmentFactory,
    DepartmentFactory,
    NominationFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    RoleOpeningFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
    TaskFactory,
    UserFactory,
)
from tests.helpers import project_edit_data, trust_qi_team_group

ROLES = ("anonymous", "staff", "outsider", "champion", "manager", "admin", "trust")

# Who is who (see tests/conftest.py): staff leads the project and is managed by manager;
# champion is the QI champion of the project's area and the project's mentor; admin is a
# superuser; outsider is staff in another department (Nursing); trust is on the trust QI team
# (the "Trust QI team" group, not an admin) and works in a third department (Quality): it sees
# every department's pages but otherwise has an outsider's rights.
#
# Words for the rows that recur. Roles in order:
# anonymous staff outsider champion manager admin trust.
PUBLIC = "ok    ok    ok    ok    ok    ok    ok"
NEVER = "405   405   405   405   405   405   405"  # no role may use this method
SIGNED_IN = "login ok    ok    ok    ok    ok    ok"  # anyone signed in
WRONG_METHOD = "login 405   405   405   405   405   405"  # signed in, then 405 for this method
DEPARTMENT = "login ok    403   ok    ok    ok    403"  # Pharmacy's staff, not other departments'
DEPARTMENT_ONLY = (
    "login ok    404   ok    ok    ok    404"  # the same, hidden from other departments
)
TEAM = "login ok    403   403   403   ok    403"  # the project's team (staff leads it) and admins
EDITORS = "login ok    403   ok    403   ok    403"  # the team, the area's champion and admins
CHAMPIONS = "login 403   403   ok    403   ok    403"  # QI champions and admins

# route: (GET, POST)
EXPECTATIONS: dict[str, tuple[str, str]] = {
    # Site-wide pages.
    "home": (SIGNED_IN, WRONG_METHOD),
    "healthz": (PUBLIC, NEVER),
    "accessibility": (PUBLIC, NEVER),
    "login": (PUBLIC, PUBLIC),
    "logout": (WRONG_METHOD, SIGNED_IN),
    # The session timeout warning: how long is left, and "Stay signed in".
    "session_status": (SIGNED_IN, WRONG_METHOD),
    "session_renew": (WRONG_METHOD, SIGNED_IN),
    "password_change": (SIGNED_IN, SIGNED_IN),
    "password_change_done": (SIGNED_IN, WRONG_METHOD),
    # The register. Submitted projects are visible to every signed-in person (drafts are not:
    # see test_swapped_id_is_refused); changing one is for its team, champions and admins.
    "projects:register": (SIGNED_IN, WRONG_METHOD),
    "projects:export_csv": (SIGNED_IN, WRONG_METHOD),
    "projects:export_xlsx": (SIGNED_IN, WRONG_METHOD),
    "projects:create": (SIGNED_IN, SIGNED_IN),
    "projects:similar": (SIGNED_IN, WRONG_METHOD),
    "projects:detail": (SIGNED_IN, WRONG_METHOD),
    "projects:edit": (EDITORS, EDITORS),
    "projects:submit": (WRONG_METHOD, TEAM),
    "projects:history": (EDITORS, WRONG_METHOD),
    "projects:closure": (EDITORS, TEAM),  # the lead writes it; governors read it
    # The mentor (champion) and admins: a confirmation page, then the sign-off; or send back.
    "projects:closure_sign_off": (CHAMPIONS, CHAMPIONS),
    "projects:closure_send_back": (CHAMPIONS, CHAMPIONS),
    "projects:mentoring_create": (CHAMPIONS, CHAMPIONS),  # the mentor (champion), admins
    "projects:audit_to_qi": (EDITORS, EDITORS),  # a confirmation page, then the project
    "projects:join": (DEPARTMENT, DEPARTMENT),
    "projects:interest_accept": (WRONG_METHOD, TEAM),
    "projects:interest_decline": (WRONG_METHOD, TEAM),
    # Only the person who asked (manager) withdraws; to anyone else the request is not there.
    "projects:interest_withdraw": (WRONG_METHOD, "login 404   404   404   ok    404   404"),
    "projects:update_create": (EDITORS, EDITORS),
    "projects:update_edit": (EDITORS, EDITORS),
    "projects:opening_create": (EDITORS, EDITORS),
    "projects:opening_edit": (EDITORS, EDITORS),
    "projects:task_create": (EDITORS, EDITORS),
    "projects:task_edit": (EDITORS, EDITORS),
    # Measurement: everyone who sees the project sees it; the team records it.
    "measurement:measure_create": (TEAM, TEAM),
    "measurement:measure_detail": (SIGNED_IN, WRONG_METHOD),
    "measurement:measure_edit": (TEAM, TEAM),
    "measurement:measure_delete": (TEAM, TEAM),
    "measurement:datapoint_add": (TEAM, TEAM),
    "measurement:datapoint_edit": (TEAM, TEAM),
    "measurement:datapoint_delete": (TEAM, TEAM),
    "measurement:data_paste": (TEAM, TEAM),
    "measurement:measure_spc_json": (SIGNED_IN, WRONG_METHOD),
    "measurement:impact_edit": (TEAM, TEAM),
    "measurement:saving_create": (TEAM, TEAM),
    "measurement:saving_edit": (TEAM, TEAM),
    "measurement:saving_delete": (TEAM, TEAM),
    "measurement:saving_validate": (CHAMPIONS, CHAMPIONS),  # never the team's own claim
    "measurement:pdsa_create": (TEAM, TEAM),
    "measurement:pdsa_detail": (SIGNED_IN, WRONG_METHOD),
    "measurement:pdsa_edit": (TEAM, TEAM),
    "measurement:pdsa_move": (WRONG_METHOD, TEAM),
    # Buddy tasks: anyone in the department claims; the claimant or the lead acts on it.
    "tasks:board": (SIGNED_IN, WRONG_METHOD),
    "tasks:detail": (SIGNED_IN, WRONG_METHOD),
    "tasks:claim": (DEPARTMENT, DEPARTMENT),
    "tasks:release": (TEAM, TEAM),  # a confirmation page, then the release
    "tasks:progress": (TEAM, TEAM),
    "tasks:done": (TEAM, TEAM),
    "tasks:reassign": (TEAM, TEAM),
    "tasks:reopen": (WRONG_METHOD, TEAM),
    # Governance.
    "governance:champions": (SIGNED_IN, WRONG_METHOD),
    # The trust QI team reads every department's review times there.
    "governance:review_queue": ("login 403   403   ok    403   ok    ok", WRONG_METHOD),
    "governance:review_project": (CHAMPIONS, CHAMPIONS),  # staff leads it: no self-review
    "governance:report": (CHAMPIONS, WRONG_METHOD),
    "governance:export_csv": (CHAMPIONS, WRONG_METHOD),
    "governance:export_xlsx": (CHAMPIONS, WRONG_METHOD),
    "measurement:impact_report": (SIGNED_IN, WRONG_METHOD),
    "measurement:impact_export": (SIGNED_IN, WRONG_METHOD),
    # People. Profiles are public inside the trust; capacity and QI conversations are for the
    # person, their line manager (who alone records a conversation) and admins.
    "people:me": (SIGNED_IN, WRONG_METHOD),
    # Departments: the list and each department's home are open inside the trust; the
    # trust-wide view is for the trust QI team and admins.
    "people:departments": (SIGNED_IN, WRONG_METHOD),
    "people:department": (SIGNED_IN, WRONG_METHOD),
    "people:trust": ("login 403   403   403   403   ok    ok", WRONG_METHOD),
    "people:capacity_edit": (SIGNED_IN, SIGNED_IN),
    "people:directory": (SIGNED_IN, WRONG_METHOD),
    # The person picker's suggestions: names, job roles and departments, as in the directory.
    "people:search": (SIGNED_IN, WRONG_METHOD),
    "people:profile": (SIGNED_IN, WRONG_METHOD),
    # A profile's full lists, paged: as public as the profile, each row as visible as its
    # project.
    "people:profile_led": (SIGNED_IN, WRONG_METHOD),
    "people:profile_roles": (SIGNED_IN, WRONG_METHOD),
    "people:profile_tasks": (SIGNED_IN, WRONG_METHOD),
    "people:profile_mentoring": (SIGNED_IN, WRONG_METHOD),
    "people:capacity": (
        "login ok    403   403   ok    ok    403",
        "login 403   403   403   ok    403   403",
    ),
    "people:team": ("login 403   403   403   ok    ok    403", WRONG_METHOD),
    "people:engagement": ("login 403   403   403   403   ok    403", WRONG_METHOD),
    # Training is trust-wide; the session's trainer (champion) and admins mark attendance.
    "people:training": (SIGNED_IN, WRONG_METHOD),
    "people:book": (WRONG_METHOD, SIGNED_IN),
    "people:cancel": (WRONG_METHOD, SIGNED_IN),
    "people:attendance": (CHAMPIONS, CHAMPIONS),
    # Mentoring: staff asked for a mentor and is mentored by champion; notes are private to
    # the pair, the mentee's manager and admins, and only the pair writes them.
    "people:mentoring": (SIGNED_IN, WRONG_METHOD),
    "people:mentor_request": (SIGNED_IN, SIGNED_IN),
    "people:mentor_request_accept": (WRONG_METHOD, "login 403   403   ok    403   403   403"),
    "people:mentor_request_withdraw": (WRONG_METHOD, "login ok    404   404   404   404   404"),
    "people:mentoring_pair": (
        "login ok    403   ok    ok    ok    403",
        "login ok    403   ok    403   403   403",
    ),
    "people:mentoring_pair_end": (WRONG_METHOD, "login ok    403   ok    403   403   403"),
    # Showcases: the department's sessions; champions and admins run them; the lead books.
    "recognition:showcase": (SIGNED_IN, WRONG_METHOD),
    "recognition:showcase_session_create": (CHAMPIONS, CHAMPIONS),
    "recognition:showcase_calendar": (SIGNED_IN, WRONG_METHOD),
    "recognition:showcase_calendar_link": (WRONG_METHOD, SIGNED_IN),
    "recognition:showcase_calendar_link_stop": (WRONG_METHOD, SIGNED_IN),
    # The trust QI team sees every department's sessions (so it is refused, not shown a 404,
    # when it tries to run or book one).
    "recognition:showcase_session": ("login ok    404   ok    ok    ok    ok", WRONG_METHOD),
    "recognition:showcase_session_edit": (
        "login 403   404   ok    403   ok    403",
        "login 403   404   ok    403   ok    403",
    ),
    "recognition:showcase_session_cancel": (
        "login 403   404   ok    403   ok    403",
        "login 403   404   ok    403   ok    403",
    ),
    "recognition:showcase_book": (
        "login ok    404   403   403   403   403",
        "login ok    404   403   403   403   403",
    ),
    "recognition:showcase_slot_confirm": (WRONG_METHOD, "login 403   404   ok    403   ok    403"),
    "recognition:showcase_slot_cancel": (
        "login ok    404   ok    403   ok    403",
        "login ok    404   ok    403   ok    403",
    ),
    # The board. A display link is the credential of a screen that cannot sign in.
    "recognition:board": (SIGNED_IN, WRONG_METHOD),
    "recognition:board_display": (SIGNED_IN, WRONG_METHOD),
    "recognition:board_display_by_link": (PUBLIC, NEVER),
    "recognition:board_display_poster_by_link": (PUBLIC, NEVER),
    "recognition:display_links": (CHAMPIONS, CHAMPIONS),
    "recognition:display_link_revoke": (WRONG_METHOD, CHAMPIONS),
    "recognition:poster_upload": (EDITORS, EDITORS),
    "recognition:poster_remove": (WRONG_METHOD, EDITORS),
    "recognition:poster_file": (SIGNED_IN, WRONG_METHOD),
    "recognition:poster_thumbnail": (SIGNED_IN, WRONG_METHOD),
    "recognition:project_summary": (SIGNED_IN, WRONG_METHOD),
    "recognition:project_summary_pdf": (SIGNED_IN, WRONG_METHOD),
    # Awards: manager nominated staff (submitted); staff's own draft nominates a team member.
    "recognition:awards": (SIGNED_IN, WRONG_METHOD),
    "recognition:past_awards": (SIGNED_IN, WRONG_METHOD),
    "recognition:award_create": (CHAMPIONS, CHAMPIONS),
    "recognition:award_edit": (CHAMPIONS, CHAMPIONS),
    "recognition:nominate": (SIGNED_IN, SIGNED_IN),
    "recognition:nominations": (CHAMPIONS, WRONG_METHOD),
    "recognition:my_nominations": (SIGNED_IN, WRONG_METHOD),
    "recognition:nomination": (DEPARTMENT_ONLY, WRONG_METHOD),
    # A draft is its nominator's: hidden from others, 403 for admins (who see every one).
    "recognition:nomination_edit": (
        "login ok    404   404   404   403   404",
        "login ok    404   404   404   403   404",
    ),
    "recognition:nomination_submit": (WRONG_METHOD, "login ok    404   404   404   403   404"),
    "recognition:nomination_delete": (WRONG_METHOD, "login ok    404   404   404   403   404"),
    # Recording the outcome: champions and admins with no stake (staff is the nominee,
    # manager the nominator).
    "recognition:nomination_status": (WRONG_METHOD, "login 403   404   ok    403   ok    404"),
    # Appraisal: manager wrote a note on staff. Summaries are for line managers (admins choose
    # a person with ?person=, see test_swapped_id_is_refused).
    "recognition:appraisal_notes": (
        "login ok    403   403   ok    ok    403",
        "login 403   403   403   ok    403   403",
    ),
    "recognition:appraisal_note_edit": (
        "login 403   404   404   ok    403   404",
        "login 403   404   404   ok    403   404",
    ),
    "recognition:appraisal_note_delete": (
        "login 403   404   404   ok    403   404",
        "login 403   404   404   ok    403   404",
    ),
    "recognition:appraisal_summary_csv": ("login 403   403   403   ok    403   403", WRONG_METHOD),
    "recognition:appraisal_summary_pdf": ("login 403   403   403   ok    403   403", WRONG_METHOD),
    # My portfolio is always my own; a certificate only for a project I took part in (staff
    # led it, champion mentored it).
    "recognition:portfolio": (SIGNED_IN, WRONG_METHOD),
    "recognition:portfolio_csv": (SIGNED_IN, WRONG_METHOD),
    "recognition:portfolio_pdf": (SIGNED_IN, WRONG_METHOD),
    "recognition:certificate": ("login ok    404   ok    404   404   404", WRONG_METHOD),
    # A PDF prepared in the background (staff asked for it): only the person who asked, not
    # even an admin; to anyone else it does not exist.
    "recognition:prepared_file": ("login ok    404   404   404   404   404", WRONG_METHOD),
    "recognition:prepared_file_download": (
        "login ok    404   404   404   404   404",
        WRONG_METHOD,
    ),
}


# Finding every route.


def _routes(resolvers, namespace: str = ""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin has its own login: see test_admin_is_for_admins_only
            inner = entry.namespace or namespace
            if entry.namespace and namespace:
                inner = f"{namespace}:{entry.namespace}"
            yield from _routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


ROUTES: dict[str, URLPattern] = dict(_routes(get_resolver().url_patterns))


# Filling in each route's ids from the world.

# Which object each route's `pk` names; the other kwargs name the same object everywhere.
WITH_PK = [name for name, pattern in ROUTES.items() if "pk" in pattern.pattern.converters]
PK_OBJECT = {
    **dict.fromkeys([name for name in WITH_PK if name.startswith("projects:")], "project"),
    **dict.fromkeys([name for name in WITH_PK if name.startswith("tasks:")], "task"),
    **dict.fromkeys([name for name in WITH_PK if name.startswith("measurement:")], "project"),
    "people:mentor_request_accept": "mentor_request",
    "people:mentor_request_withdraw": "mentor_request",
    "people:mentoring_pair": "pair",
    "people:mentoring_pair_end": "pair",
    "people:book": "training_session",
    "people:cancel": "training_session",
    "people:attendance": "training_session",
    "people:profile": "staff",
    "people:profile_led": "staff",
    "people:profile_roles": "staff",
    "people:profile_tasks": "staff",
    "people:profile_mentoring": "staff",
    "people:capacity": "staff",
    "governance:review_project": "proposal",
    "recognition:showcase_session": "showcase_session",
    "recognition:showcase_session_edit": "showcase_session",
    "recognition:showcase_session_cancel": "showcase_session",
    "recognition:showcase_book": "showcase_session",
    "recognition:showcase_slot_confirm": "showcase_session",
    "recognition:showcase_slot_cancel": "showcase_session",
    "recognition:display_link_revoke": "display_link",
    "recognition:board_display_poster_by_link": "project",
    "recognition:poster_upload": "project",
    "recognition:poster_remove": "project",
    "recognition:poster_file": "project",
    "recognition:poster_thumbnail": "project",
    "recognition:project_summary": "project",
    "recognition:project_summary_pdf": "project",
    "recognition:award_edit": "award",
    "recognition:nominate": "award",
    "recognition:nomination": "nomination",
    "recognition:nomination_status": "nomination",
    "recognition:nomination_edit": "draft_nomination",
    "recognition:nomination_submit": "draft_nomination",
    "recognition:nomination_delete": "draft_nomination",
    "recognition:appraisal_notes": "staff",
    "recognition:appraisal_note_edit": "appraisal_note",
    "recognition:appraisal_note_delete": "appraisal_note",
    "recognition:prepared_file": "prepared_file",
    "recognition:prepared_file_download": "prepared_file",
}
KWARG_OBJECT = {
    "interest_pk": "interest",
    "measure_pk": "measure",
    "point_pk": "point",
    "saving_pk": "saving",
    "cycle_pk": "cycle",
    "slot_pk": "slot",
    "project_pk": "project",
}
CHILD_OBJECT = {
    "projects:update_edit": "update",
    "projects:opening_edit": "opening",
    "projects:task_edit": "task",
}


def url_for(name: str, world: SimpleNamespace) -> str:
    pattern = ROUTES[name]
    kwargs = {}
    for kwarg in pattern.pattern.converters:
        if kwarg == "token":
            kwargs[kwarg] = world.display_token
            continue
        if kwarg == "slug":  # a department's
            kwargs[kwarg] = world.pharmacy.slug
            continue
        if kwarg == "pk":
            key = PK_OBJECT[name]
        elif kwarg == "child_pk":
            key = CHILD_OBJECT[name]
        else:
            key = KWARG_OBJECT[kwarg]
        kwargs[kwarg] = getattr(world, key).pk
    return reverse(name, kwargs=kwargs)


def outcome(response) -> str:
    """The response as one of the matrix's words."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(("/login/?next=", "/admin/login/?next=")):
            return "login"
        return "ok"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


# How long a test reuses a role's session: well inside the activity stamp's resolution
# (qiregister.security.ACTIVITY_RESOLUTION_SECONDS), so each request meets a session as fresh
# as one just signed in.
SESSION_REUSE_SECONDS = 30


def request_as(client: Client, user, method: str, path: str, data=None):
    """One request as `user` (None: anonymous) in a savepoint that is then rolled back, so it
    leaves the world as it found it for the next role.

    Each request starts from a client with no cookie but a session of `user`'s, as one just
    signed in. Signing in (a session row, the last sign-in, django-axes' records) costs more
    queries than most pages, and the sweeps make thousands of requests: so `user` is signed in
    once, outside the savepoint, and the rollback after each request puts that session back as
    it was; it is renewed when it is SESSION_REUSE_SECONDS old or the password changed."""
    sessions = client.__dict__.setdefault("signed_in_sessions", {})
    client.cookies = SimpleCookie()
    if user is not None:
        key = (user.pk, user.get_session_auth_hash())
        session_key, signed_in_at = sessions.get(key, (None, 0.0))
        if time.monotonic() - signed_in_at > SESSION_REUSE_SECONDS:
            client.force_login(user)
            session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
            sessions[key] = (session_key, time.monotonic())
            client.cookies = SimpleCookie()
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with transaction.atomic():
        response = getattr(client, method)(path, data or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # a streamed export runs its queries now
        transaction.set_rollback(True)
    return response


# The world.


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")


def make_trust():
    """A member of the trust QI team, in a department of their own."""
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
    )
    person.user.groups.add(trust_qi_team_group())
    return person


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module (it takes longer than most of the tests that use it), in
    a transaction rolled back when the module is done. Each test sees it through pytest-django's
    `db`, whose transaction is a savepoint inside this one, rolled back after the test, as with
    Django's TestCase.setUpTestData: nothing a test changes in the database reaches another test,
    and each test gets its own copy of the Python objects (`world`)."""
    media = tmp_path_factory.mktemp("media")

    def build():
        pharmacy = make_pharmacy()
        acute_medicine = make_area(pharmacy, "Acute medicine")
        manager = make_manager(pharmacy, acute_medicine)
        world = build_world(
            staff=make_staff(pharmacy, acute_medicine, manager),
            champion=make_champion(pharmacy, acute_medicine),
            manager=manager,
            admin=make_admin(pharmacy),
            outsider=make_outsider(),
            trust=make_trust(),
            pharmacy=pharmacy,
            acute_medicine=acute_medicine,
        )
        return world, media

    yield from built_once(django_db_blocker, media, build)


@pytest.fixture
def world(db, shared_world):
    """Everything the routes' ids can name (see build_world): this test's copy."""
    return copy.deepcopy(shared_world[0])


@pytest.fixture
def media_root(settings, shared_world):
    """The world's uploads (a poster) are in the module's media folder."""
    settings.MEDIA_ROOT = shared_world[1]
    return settings.MEDIA_ROOT


# The personas are the world's.


@pytest.fixture
def staff(world):
    return world.staff


@pytest.fixture
def champion(world):
    return world.champion


@pytest.fixture
def manager(world):
    return world.manager


@pytest.fixture
def admin(world):
    return world.admin


@pytest.fixture
def outsider(world):
    return world.outsider


@pytest.fixture
def trust(world):
    return world.trust


@pytest.fixture
def pharmacy(world):
    return world.pharmacy


@pytest.fixture
def acute_medicine(world):
    return world.acute_medicine


@pytest.fixture
def project(world):
    return world.project


def build_world(staff, champion, manager, admin, outsider, trust, pharmacy, acute_medicine):
    """Everything the routes' ids can name, in Pharmacy, around `project` (led by `staff`)."""
    project = make_project(staff, acute_medicine)
    now = timezone.now()
    member = PersonFactory(department=pharmacy, display_name="Mina Member")
    project.mentor = champion
    project.headline_impact = "Omitted critical doses down from 12% to 4%"
    project.save(update_fields=["mentor", "headline_impact"])
    opening = RoleOpeningFactory(project=project)
    Membership.objects.create(project=project, person=member, role_title="Data collector")
    # The manager asks to join (and may withdraw); staff, as lead, decides.
    interest = Interest.objects.create(project=project, person=manager, role_opening=opening)
    measure = Measure.objects.create(
        project=project, name="Omitted critical doses", kind=Measure.Kind.OUTCOME
    )
    point = DataPoint.objects.create(measure=measure, date=dt.date(2026, 1, 5), value=12)
    cycle = PDSACycle.objects.create(
        project=project,
        number=1,
        change_idea="Pharmacist check at the morning huddle",
        start_date=dt.date(2026, 1, 4),
        created_by=staff,
    )
    saving = Saving.objects.create(
        project=project, description="Fewer wasted doses", amount=Decimal("800"), claimed_by=staff
    )
    task = TaskFactory(project=project, title="Audit 30 drug charts on ward 4")
    update = ProgressUpdateFactory(project=project)
    board_services.poster_save(
        project=project, upload=png_upload(), content_type="image/png", uploaded_by=staff
    )
    proposal = ProjectFactory(
        lead=staff, title="Insulin self-administration", clinical_areas=[acute_medicine]
    )
    proposal.stage = Project.Stage.PROPOSED
    proposal.review_requested_at = now
    proposal.save(update_fields=["stage", "review_requested_at"])
    showcase_session = ShowcaseSessionFactory(department=pharmacy, created_by=champion)
    slot = ShowcaseSlotFactory(session=showcase_session, position=1, project=project)
    award = AwardFactory(name="Trust Quality Award")
    nomination = NominationFactory(award=award, person=staff, nominated_by=manager)
    draft_nomination = NominationFactory(
        award=award, person=member, nominated_by=staff, status=Nomination.Status.DRAFT
    )
    course = Course.objects.create(name="QI foundations", level="foundation")
    training_session = TrainingSession.objects.create(
        course=course,
        starts_at=now - dt.timedelta(hours=1),
        place="Pharmacy seminar room",
        capacity=10,
        trainer=champion,
    )
    pair = MentoringPair.objects.create(mentor=champion, mentee=staff)
    mentor_request = MentorRequest.objects.create(mentee=staff, clinical_area=acute_medicine)
    appraisal_note = AppraisalNoteFactory(person=staff, manager=manager)
    prepared_file = PreparedFile.objects.create(
        requested_by=staff.user,
        kind=PreparedFile.Kind.PORTFOLIO,
        title="QI portfolio",
        filename="qi-portfolio.pdf",
        status=PreparedFile.Status.READY,
        expires_at=now + dt.timedelta(days=7),
    )
    prepared_file.file.save("qi-portfolio.pdf", ContentFile(b"%PDF-1.7\n"))
    display_link, display_token = board_services.display_link_create(
        department=pharmacy, name="Dispensary screen", created_by=admin.user
    )
    return SimpleNamespace(**locals())


# The matrix.


def test_every_route_has_a_rule():
    assert set(EXPECTATIONS) == set(ROUTES)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_route_answers_each_role_as_expected(client, world, name):
    """Each role's answer to GET and POST, and, as every response to a signed-in person must
    be, each of those answers kept by no cache (see OWN_CACHE_POLICY below)."""
    path = url_for(name, world)
    users = {role: None if role == "anonymous" else getattr(world, role).user for role in ROLES}
    expected_get, expected_post = (codes.split() for codes in EXPECTATIONS[name])
    got, cached = {"get": [], "post": []}, {}
    for method, answers in got.items():
        for role in ROLES:
            response = request_as(client, users[role], method, path)
            answers.append(outcome(response))
            if users[role] is not None and not kept_by_no_cache(name, method, response):
                cached[f"{method.upper()} as {role}"] = response.get("Cache-Control", "")
    assert dict(zip(ROLES, got["get"], strict=True)) == dict(
        zip(ROLES, expected_get, strict=True)
    ), f"GET {path}"
    assert dict(zip(ROLES, got["post"], strict=True)) == dict(
        zip(ROLES, expected_post, strict=True)
    ), f"POST {path}"
    assert cached == {}, f"{path} may be cached"


# Pages that only read: GET and HEAD (for link checkers and monitors), never POST.
READ_ONLY = sorted(
    name
    for name, (get, post) in EXPECTATIONS.items()
    if get.split()[1] == "ok" and post.split()[1] == "405"
)


def test_read_only_pages_answer_head_as_they_answer_get(client, world):
    # Guards the list: the register, a project and a file download are among them.
    assert {"projects:register", "projects:detail", "recognition:poster_file"} <= set(READ_ONLY)
    wrong = {}
    for name in READ_ONLY:
        path = url_for(name, world)
        head = request_as(client, world.staff.user, "head", path).status_code
        get = request_as(client, world.staff.user, "get", path).status_code
        if head != get:
            wrong[name] = (head, get)
    assert wrong == {}


# Every response to a signed-in person is kept by no cache, the browser's included: ward PCs are
# shared, and Back or the browser's history must not show the last person's pages. The few
# responses that set their own policy on purpose (qiregister.caching) are named here.
OWN_CACHE_POLICY = {
    # Poster images, also shown on the department's screens: kept a day in this browser only.
    "recognition:poster_file": "private, max-age=86400",
    "recognition:poster_thumbnail": "private, max-age=86400",
    # The calendar feed that Outlook polls: kept five minutes in this client only.
    "recognition:showcase_calendar": "private, max-age=300",
}


def kept_by_no_cache(name: str, method: str, response) -> bool:
    policy = response.get("Cache-Control", "")
    expected = OWN_CACHE_POLICY.get(name)
    if expected and response.status_code == 200 and method == "get":
        return policy == expected
    return "no-store" in policy


def test_the_matrix_checks_that_private_pages_are_never_cached():
    # The matrix test above checks each signed-in role's GET and POST of every route; among the
    # routes are the finding's three: QI conversation notes (capacity), mentoring session notes
    # (the mentoring pair's page) and My team.
    assert {"people:capacity", "people:mentoring_pair", "people:team"} <= set(EXPECTATIONS)
    assert set(OWN_CACHE_POLICY) < set(EXPECTATIONS)


def test_a_response_that_may_be_cached_is_caught():
    private, cacheable = HttpResponse(), HttpResponse()
    private["Cache-Control"] = "max-age=0, no-cache, no-store, must-revalidate, private"
    cacheable["Cache-Control"] = "private, max-age=600"
    assert kept_by_no_cache("people:team", "get", private)
    assert not kept_by_no_cache("people:team", "get", cacheable)
    assert not kept_by_no_cache("people:team", "post", HttpResponse())
    # A poster keeps its own policy when shown, and no other.
    poster = HttpResponse()
    poster["Cache-Control"] = OWN_CACHE_POLICY["recognition:poster_file"]
    assert kept_by_no_cache("recognition:poster_file", "get", poster)
    assert not kept_by_no_cache("recognition:poster_file", "get", cacheable)


def test_a_public_page_is_left_cacheable_for_someone_not_signed_in(client, world):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "Cache-Control" not in response
    client.force_login(world.staff.user)
    assert "no-store" in client.get(reverse("accessibility"))["Cache-Control"]


def test_every_route_with_an_id_says_which_object_it_names():
    # Guards the resolver itself: no route is missed, and no renamed one leaves a stale rule.
    assert set(PK_OBJECT) == set(WITH_PK)


def test_admin_is_for_admins_only(client, world):
    for role in ROLES:
        user = None if role == "anonymous" else getattr(world, role).user
        response = request_as(client, user, "get", "/admin/")
        if role == "admin":
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role
            assert response["Location"].startswith("/admin/login/?next="), role
    history = reverse("admin:projects_project_history", args=[world.project.pk])
    assert outcome(request_as(client, world.champion.user, "get", history)) == "login"
    assert request_as(client, world.admin.user, "get", history).status_code == 200


# Object URLs with swapped ids: a role that may use its own object is refused another
# person's or department's, with 404 where even its existence is private.


@pytest.fixture
def elsewhere(world, outsider, pharmacy, surgery, draft):
    """The same kinds of objects, belonging to someone else: mostly Nursing (the outsider's
    department), and a Pharmacy colleague's draft in another clinical area."""
    nursing = outsider.department
    ward = outsider.clinical_areas.get()
    nursing_manager = PersonFactory(department=nursing, display_name="Nell Manager")
    nursing_champion = PersonFactory(department=nursing, display_name="Nia Champion")
    ChampionAssignmentFactory(person=nursing_champion, clinical_area=ward)
    outsider.line_manager = nursing_manager
    outsider.save(update_fields=["line_manager"])
    their_project = ProjectFactory(
        lead=outsider, clinical_areas=[ward], headline_impact="Falls down by a third"
    )
    their_draft = ProjectFactory(lead=outsider, draft=True, clinical_areas=[ward])
    for with_poster in (their_project, their_draft):
        board_services.poster_save(
            project=with_poster, upload=png_upload(), content_type="image/png", uploaded_by=outsider
        )
    colleague = PersonFactory(department=pharmacy, display_name="Colin League")
    colleague_draft = ProjectFactory(lead=colleague, draft=True, clinical_areas=[surgery])
    their_measure = Measure.objects.create(
        project=their_project, name="Falls", kind=Measure.Kind.OUTCOME
    )
    their_point = DataPoint.objects.create(measure=their_measure, date=dt.date(2026, 1, 5), value=4)
    their_saving = Saving.objects.create(
        project=their_project, description="Fewer bed days", amount=100, claimed_by=outsider
    )
    their_cycle = PDSACycle.objects.create(
        project=their_project,
        number=1,
        change_idea="Falls huddle",
        start_date=dt.date(2026, 1, 4),
        created_by=outsider,
    )
    their_task = TaskFactory(project=their_project)
    draft_task = TaskFactory(project=their_draft)
    their_note = AppraisalNoteFactory(person=outsider, manager=nursing_manager)
    their_pair = MentoringPair.objects.create(mentor=nursing_champion, mentee=outsider)
    their_session = ShowcaseSessionFactory(department=nursing)
    their_slot = ShowcaseSlotFactory(session=their_session, position=1, project=their_project)
    their_nomination = NominationFactory(person=outsider, nominated_by=nursing_manager)
    their_draft_nomination = NominationFactory(
        person=outsider, nominated_by=outsider, status=Nomination.Status.DRAFT
    )
    their_display_link, _token = board_services.display_link_create(
        department=nursing, name="Ward 7 screen", created_by=nursing_champion.user
    )
    their_training_session = TrainingSession.objects.create(
        course=world.course,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place="Nursing school",
        capacity=5,
        trainer=nursing_champion,
    )
    return SimpleNamespace(**{**vars(world), **locals()})


# (role, route, method, own kwargs, swapped kwargs, answer to the swapped one). Kwarg values
# name objects of `world` or `elsewhere`.
SWAPS = [
    # Projects, including drafts: another's draft does not exist for you.
    ("staff", "projects:detail", "get", {"pk": "draft"}, {"pk": "colleague_draft"}, 404),
    ("staff", "projects:detail", "get", {"pk": "draft"}, {"pk": "their_draft"}, 404),
    ("champion", "projects:detail", "get", {"pk": "draft"}, {"pk": "colleague_draft"}, 404),
    ("staff", "projects:edit", "get", {"pk": "project"}, {"pk": "their_project"}, 403),
    ("champion", "projects:edit", "get", {"pk": "project"}, {"pk": "their_project"}, 403),
    ("staff", "projects:edit", "get", {"pk": "draft"}, {"pk": "colleague_draft"}, 404),
    ("staff", "projects:submit", "post", {"pk": "draft"}, {"pk": "their_draft"}, 404),
    ("staff", "tasks:detail", "get", {"pk": "task"}, {"pk": "draft_task"}, 404),
    ("staff", "tasks:done", "get", {"pk": "task"}, {"pk": "their_task"}, 403),
    ("staff", "tasks:release", "get", {"pk": "task"}, {"pk": "their_task"}, 403),
    ("staff", "projects:audit_to_qi", "get", {"pk": "project"}, {"pk": "their_project"}, 403),
    # A child object of another project, under your own project's id.
    (
        "staff",
        "measurement:measure_detail",
        "get",
        {"pk": "project", "measure_pk": "measure"},
        {"pk": "project", "measure_pk": "their_measure"},
        404,
    ),
    (
        "staff",
        "measurement:datapoint_delete",
        "get",
        {"pk": "project", "measure_pk": "measure", "point_pk": "point"},
        {"pk": "project", "measure_pk": "measure", "point_pk": "their_point"},
        404,
    ),
    (
        "staff",
        "measurement:saving_edit",
        "get",
        {"pk": "project", "saving_pk": "saving"},
        {"pk": "project", "saving_pk": "their_saving"},
        404,
    ),
    (
        "champion",
        "measurement:saving_validate",
        "get",
        {"pk": "project", "saving_pk": "saving"},
        {"pk": "project", "saving_pk": "their_saving"},
        404,
    ),
    (
        "staff",
        "measurement:pdsa_edit",
        "get",
        {"pk": "project", "cycle_pk": "cycle"},
        {"pk": "project", "cycle_pk": "their_cycle"},
        404,
    ),
    (
        "staff",
        "projects:task_edit",
        "get",
        {"pk": "project", "child_pk": "task"},
        {"pk": "project", "child_pk": "their_task"},
        404,
    ),
    # History.
    ("staff", "projects:history", "get", {"pk": "project"}, {"pk": "their_project"}, 403),
    ("staff", "projects:history", "get", {"pk": "draft"}, {"pk": "their_draft"}, 404),
    ("champion", "projects:history", "get", {"pk": "draft"}, {"pk": "colleague_draft"}, 404),
    # Poster files and the summary export: a draft's are as private as the draft.
    ("staff", "recognition:poster_file", "get", {"pk": "project"}, {"pk": "their_draft"}, 404),
    (
        "staff",
        "recognition:poster_thumbnail",
        "get",
        {"pk": "project"},
        {"pk": "their_draft"},
        404,
    ),
    (
        "staff",
        "recognition:project_summary_pdf",
        "get",
        {"pk": "draft"},
        {"pk": "their_draft"},
        404,
    ),
    ("staff", "recognition:poster_upload", "get", {"pk": "project"}, {"pk": "their_project"}, 403),
    # People: capacity and QI conversations, appraisal notes, mentoring notes.
    ("staff", "people:capacity", "get", {"pk": "staff"}, {"pk": "outsider"}, 403),
    ("manager", "people:capacity", "get", {"pk": "staff"}, {"pk": "champion"}, 403),
    ("manager", "people:capacity", "get", {"pk": "staff"}, {"pk": "outsider"}, 403),
    ("staff", "recognition:appraisal_notes", "get", {"pk": "staff"}, {"pk": "member"}, 403),
    ("manager", "recognition:appraisal_notes", "get", {"pk": "staff"}, {"pk": "outsider"}, 403),
    (
        "manager",
        "recognition:appraisal_note_edit",
        "get",
        {"pk": "appraisal_note"},
        {"pk": "their_note"},
        404,
    ),
    (
        "manager",
        "recognition:appraisal_note_delete",
        "get",
        {"pk": "appraisal_note"},
        {"pk": "their_note"},
        404,
    ),
    (
        "manager",
        "recognition:appraisal_note_delete",
        "post",
        {"pk": "appraisal_note"},
        {"pk": "their_note"},
        404,
    ),
    ("staff", "people:mentoring_pair", "get", {"pk": "pair"}, {"pk": "their_pair"}, 403),
    ("manager", "people:mentoring_pair", "get", {"pk": "pair"}, {"pk": "their_pair"}, 403),
    # Certificates: only for a project you took part in.
    (
        "staff",
        "recognition:certificate",
        "get",
        {"project_pk": "project"},
        {"project_pk": "their_project"},
        404,
    ),
    (
        "champion",
        "recognition:certificate",
        "get",
        {"project_pk": "project"},
        {"project_pk": "their_project"},
        404,
    ),
    # Showcases, nominations, display links and training of another department.
    (
        "staff",
        "recognition:showcase_session",
        "get",
        {"pk": "showcase_session"},
        {"pk": "their_session"},
        404,
    ),
    (
        "champion",
        "recognition:showcase_session_edit",
        "get",
        {"pk": "showcase_session"},
        {"pk": "their_session"},
        404,
    ),
    (
        "champion",
        "recognition:showcase_slot_cancel",
        "get",
        {"pk": "showcase_session", "slot_pk": "slot"},
        {"pk": "showcase_session", "slot_pk": "their_slot"},
        404,
    ),
    (
        "staff",
        "recognition:nomination_edit",
        "get",
        {"pk": "draft_nomination"},
        {"pk": "their_draft_nomination"},
        404,
    ),
    (
        "champion",
        "recognition:nomination_status",
        "post",
        {"pk": "nomination"},
        {"pk": "their_nomination"},
        404,
    ),
    (
        "champion",
        "recognition:display_link_revoke",
        "post",
        {"pk": "display_link"},
        {"pk": "their_display_link"},
        404,
    ),
    (
        "champion",
        "people:attendance",
        "get",
        {"pk": "training_session"},
        {"pk": "their_training_session"},
        403,
    ),
    # A champion's powers stop at their own department (and areas).
    (
        "nursing_champion",
        "projects:edit",
        "get",
        {"pk": "their_project"},
        {"pk": "project"},
        403,
    ),
    ("nursing_champion", "projects:detail", "get", {"pk": "their_draft"}, {"pk": "draft"}, 404),
    (
        "nursing_champion",
        "measurement:saving_validate",
        "get",
        {"pk": "their_project", "saving_pk": "their_saving"},
        {"pk": "project", "saving_pk": "saving"},
        403,
    ),
    (
        "nursing_champion",
        "recognition:showcase_session_edit",
        "get",
        {"pk": "their_session"},
        {"pk": "showcase_session"},
        404,
    ),
    (
        "nursing_champion",
        "recognition:nomination_status",
        "post",
        {"pk": "their_nomination"},
        {"pk": "nomination"},
        404,
    ),
    (
        "nursing_champion",
        "recognition:display_link_revoke",
        "post",
        {"pk": "their_display_link"},
        {"pk": "display_link"},
        404,
    ),
]


@pytest.mark.parametrize(
    ("role", "name", "method", "own", "swapped", "expected"),
    SWAPS,
    ids=[f"{role}-{name}-{next(iter(swapped.values()))}" for role, name, _, _, swapped, _ in SWAPS],
)
def test_swapped_id_is_refused(client, elsewhere, role, name, method, own, swapped, expected):
    user = getattr(elsewhere, role).user

    def path(kwargs):
        return reverse(name, kwargs={k: getattr(elsewhere, v).pk for k, v in kwargs.items()})

    assert outcome(request_as(client, user, method, path(own))) == "ok"
    assert request_as(client, user, method, path(swapped)).status_code == expected


def test_display_link_shows_no_poster_of_another_department(client, elsewhere):
    route = "recognition:board_display_poster_by_link"
    token = elsewhere.display_token
    own = reverse(route, args=[token, elsewhere.project.pk])
    theirs = reverse(route, args=[token, elsewhere.their_project.pk])
    assert request_as(client, None, "get", own).status_code == 200
    assert request_as(client, None, "get", theirs).status_code == 404


@pytest.mark.parametrize("route", ["appraisal_summary_csv", "appraisal_summary_pdf"])
def test_manager_gets_no_appraisal_summary_of_someone_else_s_report(client, elsewhere, route):
    path = reverse(f"recognition:{route}")
    manager = elsewhere.manager.user
    mine = request_as(client, manager, "get", path, {"person": elsewhere.staff.pk})
    assert mine.status_code == 200
    for other in ("outsider", "champion"):
        response = request_as(
            client, manager, "get", path, {"person": getattr(elsewhere, other).pk}
        )
        assert response.status_code == 404, other


def test_portfolio_export_is_always_the_signed_in_person_s_own(client_for, elsewhere):
    response = client_for(elsewhere.staff).get(
        reverse("recognition:portfolio_csv"), {"person": elsewhere.outsider.pk}
    )
    assert response.status_code == 200
    content = response.getvalue().decode()
    assert elsewhere.project.reference in content
    assert elsewhere.their_project.reference not in content
    log = ExportLog.objects.get()
    assert list(log.subjects.all()) == [elsewhere.staff]


# Mass assignment: fields a role may not set, posted anyway, change nothing.


def test_lead_cannot_set_reference_lead_department_or_mentor_on_the_edit_form(
    client_for, world, outsider
):
    project = world.project
    before = Project.objects.get(pk=project.pk)
    response = client_for(world.staff).post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(
            project,
            title="Omitted critical medicines: phase two",
            reference="QI-1999-001",
            lead=outsider.pk,
            department=outsider.department_id,
            mentor=world.staff.pk,
            submitted_at="",
            review_requested_at="2020-01-01T00:00",
            derived_from=world.proposal.pk,
        ),
    )
    assert response.status_code == 302  # saved: the fields it may change did change
    after = Project.objects.get(pk=project.pk)
    assert after.title == "Omitted critical medicines: phase two"
    assert (after.reference, after.lead_id, after.department_id, after.mentor_id) == (
        before.reference,
        before.lead_id,
        before.department_id,
        before.mentor_id,
    )
    assert after.submitted_at == before.submitted_at
    assert after.review_requested_at == before.review_requested_at
    assert after.derived_from_id is None


@pytest.mark.parametrize("stage", [Project.Stage.COMPLETED, Project.Stage.CLOSED])
def test_lead_cannot_complete_or_close_their_project_from_the_edit_form(client_for, world, stage):
    project = world.project
    response = client_for(world.staff).post(
        reverse("projects:edit", args=[project.pk]), project_edit_data(project, stage=stage)
    )
    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).stage == Project.Stage.PLANNING


def test_lead_cannot_approve_their_draft_from_the_edit_form(client_for, draft):
    response = client_for(draft.lead).post(
        reverse("projects:edit", args=[draft.pk]),
        project_edit_data(draft, stage=Project.Stage.PLANNING, reference="QI-2026-999"),
    )
    assert response.status_code == 302  # saved without a stage: a draft moves only by submission
    draft.refresh_from_db()
    assert (draft.stage, draft.reference, draft.submitted_at) == (Project.Stage.IDEA, None, None)


VALIDATION = {
    "validated_amount": "800.00",
    "validated_at": "2026-01-01T09:00",
    "validation_note": "Checked by finance",
}


def test_team_member_cannot_validate_a_saving_they_claim(client_for, world):
    response = client_for(world.member).post(
        reverse("measurement:saving_create", args=[world.project.pk]),
        {
            "description": "Fewer agency hours",
            "amount": "800",
            "kind": Saving.Kind.ONE_OFF,
            "validated_by": world.member.pk,
            "claimed_by": world.champion.pk,
            **VALIDATION,
        },
    )
    assert response.status_code == 302
    saving = Saving.objects.get(description="Fewer agency hours")
    assert saving.claimed_by == world.member
    assert saving.validated_amount is None
    assert saving.validated_by is None
    assert saving.validated_at is None
    assert saving.validation_note == ""


def test_lead_cannot_validate_the_team_s_saving_by_editing_it(client_for, world):
    saving = world.saving
    response = client_for(world.staff).post(
        reverse("measurement:saving_edit", args=[world.project.pk, saving.pk]),
        {
            "description": saving.description,
            "amount": "900",
            "kind": saving.kind,
            "version": saving.version,
            "validated_by": world.staff.pk,
            **VALIDATION,
        },
    )
    assert response.status_code == 302
    saving.refresh_from_db()
    assert saving.amount == Decimal("900")
    assert (saving.validated_amount, saving.validated_by, saving.validated_at) == (None, None, None)


def test_team_cannot_validate_its_own_saving(client_for, world):
    response = client_for(world.staff).post(
        reverse("measurement:saving_validate", args=[world.project.pk, world.saving.pk]),
        {"validated_amount": "800", "claimed_amount": "800"},
    )
    assert response.status_code == 403
    world.saving.refresh_from_db()
    assert world.saving.validated_by is None


@pytest.mark.parametrize("role", ["staff", "manager", "outsider"])
def test_non_reviewer_cannot_record_a_review_decision(client_for, world, role):
    proposal = world.proposal
    response = client_for(getattr(world, role)).post(
        reverse("governance:review_project", args=[proposal.pk]),
        {"decision": "approved", "mentor": "", "comment": "Looks good"},
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.stage == Project.Stage.PROPOSED
    assert proposal.mentor is None
    assert not proposal.decisions.exists()


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_nominee_or_nominator_cannot_record_how_a_nomination_fared(client_for, world, role):
    nomination = world.nomination
    response = client_for(getattr(world, role)).post(
        reverse("recognition:nomination_status", args=[nomination.pk]), {"status": "won"}
    )
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.status_changed_by is None


def test_nominator_cannot_set_status_or_nominator_when_nominating(client_for, world):
    response = client_for(world.staff).post(
        reverse("recognition:nominate", args=[world.award.pk]),
        {
            "nominee_kind": "person",
            "person": world.member.pk,
            "citation": "Collected every data point on time for six months.",
            "submit": "Submit",
            "status": "won",
            "nominated_by": world.champion.pk,
            "status_changed_by": world.champion.pk,
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.filter(person=world.member).latest("pk")
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.nominated_by == world.staff
    assert nomination.status_changed_by is None


def test_person_cannot_change_their_manager_department_or_role_with_their_capacity(
    client_for, world, outsider
):
    staff = world.staff
    response = client_for(staff).post(
        reverse("people:capacity_edit"),
        {
            "qi_hours_per_month": "6",
            "interests": "Medicines safety",
            "open_to_buddy_tasks": "on",
            "line_manager": outsider.pk,
            "department": outsider.department_id,
            "job_role": "pharmacist",
            "band": "9",
            "display_name": "Someone else",
        },
    )
    assert response.status_code == 302
    after = Person.objects.get(pk=staff.pk)
    assert after.qi_hours_per_month == 6
    assert (after.line_manager, after.department_id) == (world.manager, staff.department_id)
    assert (after.job_role, after.band, after.display_name) == ("technician", "5", "Sam Taylor")


def test_manager_cannot_move_an_appraisal_note_to_another_person_or_author(client_for, world):
    note = world.appraisal_note
    response = client_for(world.manager).post(
        reverse("recognition:appraisal_note_edit", args=[note.pk]),
        {
            "period_start": note.period_start.isoformat(),
            "period_end": note.period_end.isoformat(),
            "note": "Sam presented the work at the spring update.",
            "version": note.version,
            "person": world.outsider.pk,
            "manager": world.champion.pk,
        },
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.note == "Sam presented the work at the spring update."
    assert (note.person, note.manager) == (world.staff, world.manager)


def test_lead_cannot_sign_off_their_own_closure_report(client_for, world):
    project = world.project
    response = client_for(world.staff).post(
        reverse("projects:closure", args=[project.pk]),
        {
            "outcomes": "Omitted doses halved.",
            "impact": "Fewer missed doses on two wards.",
            "lessons": "Start with the ward huddle.",
            "sustainability": "Built into the ward round checklist.",
            "signed_off_by": world.staff.pk,
            "signed_off_at": "2026-01-01T09:00",
            "written_by": world.champion.pk,
            "sent_back_by": world.champion.pk,
            "sent_back_comment": "Sent back by nobody",
        },
    )
    assert response.status_code == 302
    report = ClosureReport.objects.get(project=project)
    assert report.outcomes == "Omitted doses halved."
    assert (report.signed_off_by, report.signed_off_at) == (None, None)
    assert (report.sent_back_by, report.sent_back_comment) == (None, "")
    assert report.written_by == world.staff
    assert (
        client_for(world.staff)
        .post(reverse("projects:closure_sign_off", args=[project.pk]))
        .status_code
        == 403
    )
    project.refresh_from_db()
    assert project.stage == Project.Stage.PLANNING


def test_a_member_who_is_a_champion_cannot_review_mentor_or_sign_off(client_for, world):
    """Joining a project as a member rules a champion out of deciding on it."""
    member, proposal, project = world.member, world.proposal, world.project
    ChampionAssignmentFactory(person=member, clinical_area=world.acute_medicine)
    Membership.objects.create(project=proposal, person=member, role_title="Data collector")
    response = client_for(member).post(
        reverse("governance:review_project", args=[proposal.pk]),
        {"decision": "approved", "mentor": member.pk},
    )
    assert response.status_code == 403
    # The area's other champion may not name the member as mentor either.
    response = client_for(world.champion).post(
        reverse("governance:review_project", args=[proposal.pk]),
        {"decision": "approved", "mentor": member.pk},
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.mentor) == (Project.Stage.PROPOSED, None)
    assert not proposal.decisions.exists()
    project.stage = Project.Stage.SUSTAINING
    project.mentor = member
    project.save(update_fields=["stage", "mentor"])
    ClosureReport.objects.create(
        project=project,
        written_by=world.staff,
        outcomes="Omitted doses halved.",
        impact="Fewer missed doses.",
        lessons="Start small.",
        sustainability="In the ward audit.",
    )
    response = client_for(member).post(
        reverse("projects:closure_sign_off", args=[project.pk]),
        {"signed_off_by": member.pk, "signed_off_at": "2026-01-01T09:00"},
    )
    assert response.status_code == 403
    response = client_for(member).post(
        reverse("projects:closure_send_back", args=[project.pk]), {"comment": "Redo it"}
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.stage == Project.Stage.SUSTAINING
    assert ClosureReport.objects.get(project=project).signed_off_by is None


def test_lead_cannot_confirm_their_own_showcase_slot(client_for, world):
    slot = world.slot
    response = client_for(world.staff).post(
        reverse("recognition:showcase_slot_confirm", args=[world.showcase_session.pk, slot.pk])
    )
    assert response.status_code == 403
    slot.refresh_from_db()
    assert (slot.status, slot.confirmed_by) == (slot.Status.BOOKED, None)


# Drafts: on every project route, a draft its viewer may not see is 404 (never 403 or 200),
# whatever the method, so its existence does not leak.

PROJECT_ROUTES = sorted(
    name
    for name, pattern in ROUTES.items()
    if (
        PK_OBJECT.get(name) in ("project", "proposal") or "project_pk" in pattern.pattern.converters
    )
    and "token" not in pattern.pattern.converters
)


def test_a_hidden_draft_is_not_found_on_every_project_route(client, world, surgery):
    colleague = PersonFactory(department=world.pharmacy, display_name="Colin League")
    draft = ProjectFactory(lead=colleague, draft=True, clinical_areas=[surgery])
    measure = Measure.objects.create(project=draft, name="Delays", kind=Measure.Kind.PROCESS)
    hidden = SimpleNamespace(
        project=draft,
        measure=measure,
        point=DataPoint.objects.create(measure=measure, date=dt.date(2026, 1, 5), value=3),
        saving=Saving.objects.create(
            project=draft, description="Less waste", amount=10, claimed_by=colleague
        ),
        cycle=PDSACycle.objects.create(
            project=draft,
            number=1,
            change_idea="Huddle",
            start_date=dt.date(2026, 1, 4),
            created_by=colleague,
        ),
        task=TaskFactory(project=draft),
        update=ProgressUpdateFactory(project=draft),
        opening=RoleOpeningFactory(project=draft),
        interest=Interest.objects.create(project=draft, person=world.manager),
    )
    hidden.proposal = draft
    wrong = {}
    for name in PROJECT_ROUTES:
        path = url_for(name, hidden)
        expected_get, expected_post = (
            "405" if codes == WRONG_METHOD else "404" for codes in EXPECTATIONS[name]
        )
        for role in ("staff", "outsider", "champion", "manager", "trust"):
            user = getattr(world, role).user
            for method, expected in (("get", expected_get), ("post", expected_post)):
                got = outcome(request_as(client, user, method, path))
                if got != expected:
                    wrong[f"{method.upper()} {name} as {role}"] = got
    # Guards the sweep: it reaches every app's project pages.
    assert {
        "projects:detail",
        "measurement:measure_spc_json",
        "governance:review_project",
        "recognition:poster_file",
        "recognition:certificate",
    } <= set(PROJECT_ROUTES)
    assert wrong == {}


# Departments. A department's own pages take `?department=<slug>`: the viewer's own
# department is always allowed; another is for the trust QI team and admins only. The register
# and the champions directory are trust-wide for everyone (without anyone's drafts).

DEPARTMENT_PAGES = [
    "recognition:board",
    "recognition:board_display",
    "recognition:showcase",
    "measurement:impact_report",
    "measurement:impact_export",
]
# Asking for Nursing's page (the outsider's department), by role in ROLES order.
NURSING_PAGE = "login 403   ok    403   403   ok    ok"


def _department_shown(response):
    if response.get("Content-Type", "").startswith("text/csv"):
        return response["Content-Disposition"].split("qi-impact-")[1].split("-")[0]
    if "department_choice" in response.context:
        return response.context["department_choice"].department.slug
    return response.context["department"].slug  # the board's display mode


@pytest.mark.parametrize("name", DEPARTMENT_PAGES)
def test_another_department_s_pages_are_for_the_trust_qi_team_and_admins(
    client, world, elsewhere, name
):
    nursing = world.outsider.department
    path = f"{url_for(name, world)}?department={nursing.slug}"
    users = {role: None if role == "anonymous" else getattr(world, role).user for role in ROLES}
    got = {role: outcome(request_as(client, users[role], "get", path)) for role in ROLES}
    assert got == dict(zip(ROLES, NURSING_PAGE.split(), strict=True)), path
    # What they are shown is Nursing's; without the parameter, everyone sees their own.
    for role in ("outsider", "trust", "admin"):
        assert _department_shown(request_as(client, users[role], "get", path)) == nursing.slug
    own = url_for(name, world)
    assert _department_shown(request_as(client, users["staff"], "get", own)) == "pharmacy"
    assert _department_shown(request_as(client, users["outsider"], "get", own)) == nursing.slug
    # The trust QI team's own department runs no projects: the board opens on all departments
    # and the impact page on the trust-wide view; other pages on their own.
    trust_own = request_as(client, users["trust"], "get", own)
    if name.startswith("measurement:impact"):
        assert trust_own["Location"] == reverse("people:trust")
    elif name.startswith("recognition:board"):
        assert trust_own.context["department"] is None
    else:
        assert _department_shown(trust_own) == "quality"
    # A department that does not exist is not found, for those who may choose at all.
    missing = f"{own}?department=no-such-department"
    assert outcome(request_as(client, users["trust"], "get", missing)) == "404"
    assert outcome(request_as(client, users["staff"], "get", missing)) == "403"


def test_the_board_of_another_department_shows_its_projects_to_the_trust_qi_team(
    client, world, elsewhere
):
    path = f"{reverse('recognition:board')}?department={world.outsider.department.slug}"
    html = request_as(client, world.trust.user, "get", path).content.decode()
    assert elsewhere.their_project.title in html
    assert elsewhere.their_draft.title not in html
    assert world.project.title not in html  # Pharmacy's


def test_champions_directory_and_register_are_trust_wide_but_never_show_drafts(
    client, world, elsewhere
):
    nursing = world.outsider.department
    champions = f"{reverse('governance:champions')}?department={nursing.slug}"
    register = f"{reverse('projects:register')}?department={nursing.pk}"
    for role in ("staff", "champion", "manager", "trust"):
        user = getattr(world, role).user
        response = request_as(client, user, "get", champions)
        assert response.status_code == 200, role
        assert "Nia Champion" in response.content.decode(), role
        html = request_as(client, user, "get", register).content.decode()
        assert elsewhere.their_project.title in html, role
        assert elsewhere.their_draft.title not in html, role
        assert world.project.title not in html, role  # Pharmacy's, not Nursing's


def test_staff_see_their_own_department_s_register_by_default(client, world, elsewhere):
    register = reverse("projects:register")
    html = request_as(client, world.staff.user, "get", register).content.decode()
    assert world.project.title in html
    assert elsewhere.their_project.title not in html
    everyone = request_as(client, world.staff.user, "get", f"{register}?department=")
    assert elsewhere.their_project.title in everyone.content.decode()


def test_the_trust_wide_view_lists_every_department_and_no_drafts(client, world, elsewhere):
    response = request_as(client, world.trust.user, "get", reverse("people:trust"))
    names = [department.name for department in response.context["departments"]]
    assert names == sorted(names)
    assert {"Pharmacy", world.outsider.department.name, "Quality and safety"} <= set(names)
    by_name = {department.name: department for department in response.context["departments"]}
    # Pharmacy's submitted projects in progress: the world's project (testing) counts, the
    # proposal awaits review; drafts never count.
    assert by_name["Pharmacy"].projects_active >= 1
    assert by_name["Pharmacy"].projects_proposed == 1
    assert response.context["totals"]["staff"] == sum(d.staff for d in by_name.values())
