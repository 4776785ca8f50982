"""The home page says what needs the signed-in person, and the header
shows each role's main places."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import QIConversation
from projects.models import ClosureReport, Interest, Project, ReviewDecision, Task
from tests.factories import PersonFactory, ProjectFactory, TaskFactory
from tests.helpers import trust_qi_team_group


def section(html: str, title: str) -> str:
    """The card whose heading starts with `title` ("" if there is none)."""
    match = re.search(rf"<h3[^>]*>{re.escape(title)}: (\d+)</h3>(.*?)</div>", html, re.S)
    return match.group(0) if match else ""


def count_in(html: str, title: str) -> int | None:
    match = re.search(rf"<h3[^>]*>{re.escape(title)}: (\d+)</h3>", html)
    return int(match.group(1)) if match else None


def nav_labels(html: str) -> list[str]:
    nav = html.split('aria-label="Menu"')[1].split("</nav>")[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="nhsuk-header__navigation-link"[^>]*>(.*?)</a>', nav, re.S)
    ]


def home(client_for, person) -> str:
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    return response.text


@pytest.fixture
def proposal(outsider, champion, acute_medicine, pharmacy):
    """A proposal in the champion's area, waiting for review, by a Pharmacy colleague."""
    lead = PersonFactory(department=pharmacy, display_name="Priya Shah")
    return ProjectFactory(
        lead=lead,
        title="Faster discharge prescriptions",
        stage=Project.Stage.PROPOSED,
        review_requested_at=timezone.now() - dt.timedelta(days=2),
        clinical_areas=[acute_medicine],
    )


# Tasks due and overdue


def test_staff_sees_their_overdue_and_due_soon_tasks_not_later_ones(client_for, staff, project):
    today = timezone.localdate()
    for title, days in [("Overdue audit", -7), ("Due Friday", 3), ("Next month", 30)]:
        TaskFactory(
            project=project,
            title=title,
            status=Task.Status.CLAIMED,
            claimed_by=staff,
            due_date=today + dt.timedelta(days=days),
        )
    html = home(client_for, staff)
    tasks = section(html, "Tasks due and overdue")
    assert count_in(html, "Tasks due and overdue") == 2
    assert tasks.index("Overdue audit") < tasks.index("Due Friday")  # most overdue first
    assert "Overdue</strong>" in tasks.split("Due Friday")[0]
    assert "Overdue</strong>" not in tasks.split("Due Friday")[1]
    assert "Next month" not in html
    assert reverse("people:me") in tasks


def test_someone_elses_tasks_are_not_on_my_home(client_for, staff, manager, project):
    TaskFactory(
        project=project,
        status=Task.Status.CLAIMED,
        claimed_by=manager,
        due_date=timezone.localdate(),
    )
    assert count_in(home(client_for, staff), "Tasks due and overdue") is None


# Requests to decide and changes requested (the lead)


def test_lead_sees_requests_to_join_their_project(client_for, staff, outsider, project):
    Interest.objects.create(project=project, person=outsider)
    html = home(client_for, staff)
    requests = section(html, "Requests to join your projects")
    assert count_in(html, "Requests to join your projects") == 1
    assert "Olu Nurse asks to join" in requests
    assert project.get_absolute_url() in requests


def test_a_decided_request_is_not_waiting(client_for, staff, outsider, project):
    Interest.objects.create(project=project, person=outsider, status=Interest.Status.DECLINED)
    assert count_in(home(client_for, staff), "Requests to join your projects") is None


def test_requests_to_someone_elses_project_are_not_mine(client_for, staff, champion, outsider):
    Interest.objects.create(project=ProjectFactory(lead=champion), person=outsider)
    assert count_in(home(client_for, staff), "Requests to join your projects") is None


def _send_back(project, champion):
    ReviewDecision.objects.create(
        project=project,
        champion=champion,
        decision=ReviewDecision.Decision.CHANGES_REQUESTED,
        comment="Please add a baseline measure.",
        submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    project.review_requested_at = None
    project.save(update_fields=["review_requested_at"])


def test_lead_sees_changes_requested_as_their_action(client_for, staff, champion, acute_medicine):
    sent_back = ProjectFactory(
        lead=staff,
        title="Omitted doses huddle",
        stage=Project.Stage.PROPOSED,
        clinical_areas=[acute_medicine],
    )
    _send_back(sent_back, champion)
    html = home(client_for, staff)
    assert count_in(html, "Changes requested: your action") == 1
    assert sent_back.get_absolute_url() in section(html, "Changes requested: your action")


def test_changes_requested_leaves_once_sent_for_review_again(
    client_for, staff, champion, acute_medicine
):
    sent_back = ProjectFactory(lead=staff, stage=Project.Stage.PROPOSED)
    _send_back(sent_back, champion)
    sent_back.review_requested_at = timezone.now()
    sent_back.save(update_fields=["review_requested_at"])
    assert count_in(home(client_for, staff), "Changes requested: your action") is None


# Champions: proposals to review and closure reports to sign off


def test_champion_sees_the_proposals_the_review_queue_lists_for_them(
    client_for, champion, proposal
):
    html = home(client_for, champion)
    to_review = section(html, "Proposals to review")
    assert count_in(html, "Proposals to review") == 1
    assert reverse("governance:review_project", args=[proposal.pk]) in to_review
    assert reverse("governance:review_queue") in to_review
    queue = client_for(champion).get(reverse("governance:review_queue")).text
    assert reverse("governance:review_project", args=[proposal.pk]) in queue


def test_champion_never_sees_their_own_proposal_to_review(client_for, champion, acute_medicine):
    ProjectFactory(
        lead=champion,
        stage=Project.Stage.PROPOSED,
        review_requested_at=timezone.now(),
        clinical_areas=[acute_medicine],
    )
    assert count_in(home(client_for, champion), "Proposals to review") is None


def test_staff_have_no_proposals_to_review(client_for, staff, proposal):
    html = home(client_for, staff)
    assert "Proposals to review" not in html


def test_mentor_sees_closure_reports_to_sign_off(client_for, champion, staff, project):
    project.mentor = champion
    project.save(update_fields=["mentor"])
    report = ClosureReport.objects.create(
        project=project,
        outcomes="Omitted doses down from 12% to 5%.",
        impact="Fewer missed doses.",
        lessons="Start with one ward.",
        sustainability="Monthly audit.",
        written_by=staff,
        submitted_at=timezone.now(),
    )
    html = home(client_for, champion)
    assert count_in(html, "Closure reports to sign off") == 1
    assert reverse("projects:closure", args=[project.pk]) in section(
        html, "Closure reports to sign off"
    )
    report.signed_off_by, report.signed_off_at = champion, timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    assert count_in(home(client_for, champion), "Closure reports to sign off") is None


def test_lead_sees_a_closure_report_sent_back_as_their_action(client_for, champion, staff, project):
    project.mentor = champion
    project.save(update_fields=["mentor"])
    ClosureReport.objects.create(
        project=project,
        outcomes="Omitted doses down from 12% to 5%.",
        impact="Fewer missed doses.",
        lessons="Start with one ward.",
        sustainability="Monthly audit.",
        written_by=staff,
        sent_back_at=timezone.now(),
        sent_back_by=champion,
        sent_back_comment="Say how the audit continues after June.",
        submitted_at=None,
    )
    html = home(client_for, staff)
    assert count_in(html, "Closure reports sent back: your action") == 1
    assert reverse("projects:closure", args=[project.pk]) in section(
        html, "Closure reports sent back: your action"
    )
    assert "Closure reports to sign off" not in home(client_for, champion)


# Managers: QI conversations due


def test_manager_sees_reports_due_a_qi_conversation(client_for, manager, staff, pharmacy):
    talked_to = PersonFactory(department=pharmacy, line_manager=manager, display_name="Jo Recent")
    QIConversation.objects.create(person=talked_to, manager=manager, note="Keen on audit.")
    long_ago = PersonFactory(department=pharmacy, line_manager=manager, display_name="Al Longago")
    QIConversation.objects.create(
        person=long_ago,
        manager=manager,
        note="Busy with rotas.",
        date=timezone.localdate() - dt.timedelta(days=400),
    )
    html = home(client_for, manager)
    due = section(html, "QI conversations due")
    assert count_in(html, "QI conversations due") == 2
    assert "Sam Taylor" in due
    assert "none recorded" in due
    assert "Al Longago" in due
    assert "Jo Recent" not in due
    assert reverse("people:capacity", args=[staff.pk]) in due
    assert f"{reverse('people:team')}?sort=conversation" in due


def test_staff_without_reports_have_no_conversations_due(client_for, staff):
    assert "QI conversations due" not in home(client_for, staff)


# The empty state and the places


def test_nothing_waiting_says_so_and_points_to_work(client_for, staff):
    html = home(client_for, staff)
    assert "Nothing needs you right now." in html
    empty = html.split("Nothing needs you right now.")[1].split("</div>")[0]
    assert reverse("tasks:board") in empty
    assert reverse("projects:create") in empty


def test_home_lists_a_short_list_of_places_not_a_catalogue_of_cards(client_for, staff):
    html = home(client_for, staff)
    places = html.split('id="places"')[1]
    assert "nhsuk-card" not in places
    assert len(re.findall(r"<li>", places)) <= 10
    for url in (reverse("people:me"), reverse("projects:create"), reverse("recognition:portfolio")):
        assert url in places


def test_engagement_and_admin_places_only_for_admins(client_for, staff, admin):
    assert reverse("people:engagement") not in home(client_for, staff)
    assert reverse("people:engagement") in home(client_for, admin)


def test_home_queries_do_not_grow_with_what_is_waiting(
    client_for, champion, manager, staff, pharmacy, acute_medicine, django_assert_max_num_queries
):
    """A champion who leads, mentors and manages: every kind of need at once, first with one of
    each, then with twenty of each."""
    staff.line_manager = champion
    staff.save(update_fields=["line_manager"])

    def add_one_of_each(n):
        lead = PersonFactory(department=pharmacy, line_manager=champion)
        led = ProjectFactory(lead=champion, title=f"Led {n}", clinical_areas=[acute_medicine])
        Interest.objects.create(project=led, person=lead)
        TaskFactory(
            project=led,
            status=Task.Status.CLAIMED,
            claimed_by=champion,
            due_date=timezone.localdate(),
        )
        sent_back = ProjectFactory(lead=champion, stage=Project.Stage.PROPOSED)
        _send_back(sent_back, manager)
        ProjectFactory(
            lead=lead,
            stage=Project.Stage.PROPOSED,
            review_requested_at=timezone.now(),
            clinical_areas=[acute_medicine],
        )
        mentored = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], mentor=champion)
        ClosureReport.objects.create(
            project=mentored, outcomes="o", impact="i", lessons="l", sustainability="s",
            written_by=lead, submitted_at=timezone.now(),
        )  # fmt: skip
        mine = ProjectFactory(lead=champion, clinical_areas=[acute_medicine], mentor=manager)
        ClosureReport.objects.create(
            project=mine, outcomes="o", impact="i", lessons="l", sustainability="s",
            written_by=champion, sent_back_at=timezone.now(), sent_back_by=manager,
            sent_back_comment="Add the balancing measure.", submitted_at=None,
        )  # fmt: skip

    add_one_of_each(0)
    client = client_for(champion)
    # session, user, person, the person's roles (champion, manager, trust QI team: for the
    # header too); the person's department (for the review queue's rule and the lede); two a
    # kind of need (a count and the first few) for seven kinds.
    with django_assert_max_num_queries(19):
        html = client.get(reverse("home")).text
    assert count_in(html, "Proposals to review") == 1
    for n in range(1, 20):
        add_one_of_each(n)
    with django_assert_max_num_queries(19):
        html = client.get(reverse("home")).text
    for title in (
        "Closure reports sent back: your action",
        "Tasks due and overdue",
        "Requests to join your projects",
        "Changes requested: your action",
        "Proposals to review",
        "Closure reports to sign off",
    ):
        assert count_in(html, title) == 20, title
    assert count_in(html, "QI conversations due") == 21
    assert "The first 5 of 20." in html


# The header's places, by role


def test_staff_navigation_shows_the_main_places_and_no_role_places(client_for, staff):
    labels = nav_labels(home(client_for, staff))
    for label in ("My QI", "Projects", "Tasks", "Showcases", "QI board", "Impact", "Training"):
        assert label in labels
    assert "Mentoring" in labels
    for label in ("My team", "Trust", "Review", "Admin"):
        assert label not in labels


def test_manager_navigation_has_my_team(client_for, manager, staff):
    labels = nav_labels(home(client_for, manager))
    assert "My team" in labels
    assert "Review" not in labels


def test_champion_navigation_has_review(client_for, champion):
    labels = nav_labels(home(client_for, champion))
    assert "Review" in labels
    assert "My team" not in labels
    assert "Trust" not in labels


@pytest.fixture
def trust_member(db):
    from tests.factories import DepartmentFactory, UserFactory

    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
        job_role="qi_lead",
        display_name="Dana Whitfield",
    )
    person.user.groups.add(trust_qi_team_group())
    return person


def test_trust_qi_team_navigation_has_trust(client_for, trust_member):
    labels = nav_labels(home(client_for, trust_member))
    assert "Trust" in labels
    assert "Review" not in labels


def test_the_current_section_is_marked_in_the_navigation(client_for, manager, staff):
    html = client_for(manager).get(reverse("people:team")).text
    nav = html.split('aria-label="Menu"')[1].split("</nav>")[0]
    assert re.search(r'href="/team/" aria-current="page"', nav)
