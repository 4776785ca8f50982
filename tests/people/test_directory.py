import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import QIConversation
from people.views.profiles import PROFILE_LIST_PAGE_SIZE, PROFILE_ROWS
from projects.models import Membership, Task
from tests.factories import (
    ChampionAssignmentFactory,
    PersonFactory,
    ProjectFactory,
    SkillFactory,
    TaskFactory,
)

DIRECTORY = reverse("people:directory")


def names(response):
    return [p.display_name for p in response.context["page"].object_list]


def test_directory_text_search_covers_role_area_and_skill(client_for, staff, pharmacy, surgery):
    person = PersonFactory(
        department=pharmacy,
        display_name="Ola Assistant",
        job_role="assistant",
        clinical_areas=[surgery],
    )
    person.skills.set([SkillFactory(name="Process mapping")])
    client = client_for(staff)
    assert names(client.get(DIRECTORY, {"q": "pharmacy assistant"})) == ["Ola Assistant"]
    assert names(client.get(DIRECTORY, {"q": "surgery"})) == ["Ola Assistant"]
    assert names(client.get(DIRECTORY, {"q": "process map"})) == ["Ola Assistant"]


def test_directory_search_lists_a_person_matching_in_several_ways_once(
    client_for, staff, pharmacy, surgery
):
    """Name, interests, two skills and an area all match: one row, counted once."""
    person = PersonFactory(
        department=pharmacy,
        display_name="Sam Audit",
        interests="audit cycles",
        clinical_areas=[surgery],
    )
    person.skills.set([SkillFactory(name="Audit design"), SkillFactory(name="Clinical audit")])
    surgery.name = "Audit surgery"
    surgery.save()
    response = client_for(staff).get(DIRECTORY, {"q": "audit"})
    assert names(response) == ["Sam Audit"]
    assert response.context["page"].paginator.count == 1


def test_directory_searches_names_and_interests(client_for, staff, pharmacy):
    PersonFactory(department=pharmacy, display_name="Nadia Shah", interests="antibiotic switch")
    PersonFactory(department=pharmacy, display_name="Tom Jones", interests="discharge")
    client = client_for(staff)
    assert names(client.get(DIRECTORY, {"q": "shah"})) == ["Nadia Shah"]
    assert names(client.get(DIRECTORY, {"q": "antibiotic"})) == ["Nadia Shah"]


def test_directory_filters_by_role_area_skill_and_flags(
    client_for, staff, champion, pharmacy, surgery, acute_medicine
):
    excel = SkillFactory(name="Excel")
    tech = PersonFactory(
        department=pharmacy,
        display_name="Tara Tech",
        job_role="technician",
        clinical_areas=[surgery],
        open_to_buddy_tasks=True,
    )
    tech.skills.set([excel])
    ProjectFactory(lead=staff, mentor=champion, clinical_areas=[acute_medicine])
    client = client_for(staff)
    assert "Tara Tech" in names(client.get(DIRECTORY, {"job_role": "technician"}))
    assert names(client.get(DIRECTORY, {"area": surgery.pk})) == ["Tara Tech"]
    assert names(client.get(DIRECTORY, {"skill": excel.pk})) == ["Tara Tech"]
    assert names(client.get(DIRECTORY, {"buddies": "on"})) == ["Tara Tech"]
    assert names(client.get(DIRECTORY, {"champions": "on"})) == ["Chris Okoro"]
    assert names(client.get(DIRECTORY, {"mentors": "on"})) == ["Chris Okoro"]


@pytest.mark.parametrize("count", [1, 30])
def test_directory_query_count_does_not_grow(
    client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    skill = SkillFactory(name="Audit")
    for _ in range(count):
        person = PersonFactory(department=pharmacy, clinical_areas=[acute_medicine])
        person.skills.set([skill])
        ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    client = client_for(staff)
    # session, user, person, champion areas; count, page of people with departments and
    # managers; their areas; champion assignments; the championed areas; skills;
    # filter choices: areas, skills.
    with django_assert_max_num_queries(12):
        client.get(DIRECTORY)


def test_profile_shows_projects_tasks_and_mentoring(client_for, staff, champion, acute_medicine):
    led = ProjectFactory(lead=staff, title="Led by Sam", clinical_areas=[acute_medicine])
    other = ProjectFactory(lead=champion, title="Joined by Sam", clinical_areas=[acute_medicine])
    Membership.objects.create(project=other, person=staff, role_title="Data collector")
    TaskFactory(
        project=other,
        title="Counted doses",
        status=Task.Status.DONE,
        claimed_by=staff,
        actual_hours=3,
        completed_at=timezone.now(),
    )
    html = client_for(champion).get(reverse("people:profile", args=[staff.pk])).content.decode()
    for text in [led.title, "Joined by Sam", "Data collector", "Counted doses", "3 hours in all"]:
        assert text in html
    mentor_page = client_for(staff).get(reverse("people:profile", args=[champion.pk]))
    assert "Champion" in mentor_page.content.decode() or "Acute medicine" in (
        mentor_page.content.decode()
    )


def test_profile_never_shows_private_notes_or_hidden_drafts(
    client_for, staff, manager, outsider, draft
):
    QIConversation.objects.create(person=staff, manager=manager, note="Private chat")
    url = reverse("people:profile", args=[staff.pk])
    html = client_for(outsider).get(url).content.decode()
    assert "Private chat" not in html
    assert draft.title not in html
    assert reverse("people:capacity", args=[staff.pk]) not in html
    assert reverse("people:capacity", args=[staff.pk]) in (
        client_for(manager).get(url).content.decode()
    )


@pytest.mark.parametrize("count", [1, 30])
def test_profile_query_count_does_not_grow(
    client_for, staff, champion, acute_medicine, count, django_assert_max_num_queries
):
    from people.models import Completion, Course, MentoringPair

    for n in range(count):
        project = ProjectFactory(lead=champion, mentor=staff, clinical_areas=[acute_medicine])
        Membership.objects.create(project=project, person=staff, role_title=f"Role {n}")
        TaskFactory(project=project, status="done", claimed_by=staff, actual_hours=1)
        MentoringPair.objects.create(
            mentor=staff, mentee=PersonFactory(department=staff.department)
        )
        course = Course.objects.create(name=f"Course {n}", level="foundation")
        Completion.objects.create(person=staff, course=course)
    client = client_for(champion)
    # session, user, person, champion areas; the person with department and manager; areas;
    # champion assignments; skills; preferred areas; led projects; memberships; tasks done
    # and their count and hours; projects mentored; mentoring pairs as mentor and as mentee;
    # training completed; +3 counts of the lists longer than the profile shows.
    with django_assert_max_num_queries(21):
        client.get(reverse("people:profile", args=[staff.pk]))


def _a_champion_with_projects(champion, acute_medicine, count: int, start: int = 0) -> None:
    """`count` projects led and mentored by champion, with a role and a task done by champion
    on each: champion is on every list of the profile."""
    for n in range(start, start + count):
        project = ProjectFactory(
            lead=champion,
            mentor=champion,
            title=f"Mentored {n:03d}",
            clinical_areas=[acute_medicine],
        )
        Membership.objects.create(project=project, person=champion, role_title=f"Role {n}")
        TaskFactory(
            project=project,
            title=f"Task {n:03d}",
            status=Task.Status.DONE,
            claimed_by=champion,
            actual_hours=1,
            completed_at=timezone.now(),
        )


def test_profile_queries_do_not_grow_with_the_projects_mentored_and_led(
    client_for, staff, champion, acute_medicine, django_assert_max_num_queries
):
    """The profile once listed every project a champion mentors: a 1.7 MB page at scale."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("people:profile", args=[champion.pk])
    client = client_for(staff)
    measured = {}
    for added, total in [(3, 3), (27, 30)]:
        _a_champion_with_projects(champion, acute_medicine, added, start=total - added)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        measured[total] = (len(queries), len(response.content))
    # Three more queries past ten of each, the counts of the lists longer than the profile
    # shows (led, roles, mentored; the tasks' count comes with their hours); then no more.
    assert measured[30][0] <= measured[3][0] + 3
    _a_champion_with_projects(champion, acute_medicine, 30, start=30)
    with django_assert_max_num_queries(measured[30][0]):
        response = client.get(url)
    # The page grows by at most ten rows a list, not by every project.
    assert len(response.content) < measured[3][1] * 2
    assert len(response.content) - measured[30][1] < 200


def test_profile_shows_the_latest_few_of_each_list_with_a_count_and_a_link_to_all(
    client_for, staff, champion, acute_medicine
):
    _a_champion_with_projects(champion, acute_medicine, PROFILE_ROWS + 5)
    response = client_for(staff).get(reverse("people:profile", args=[champion.pk]))
    html = response.content.decode()
    total = PROFILE_ROWS + 5
    assert f"Mentoring {total} projects" in html
    assert f"Leads or co-leads {total} projects" in html
    assert f"{total} tasks, " in html
    for name in ["profile_led", "profile_roles", "profile_tasks", "profile_mentoring"]:
        assert reverse(f"people:{name}", args=[champion.pk]) in html
    for key in ["led_projects", "memberships", "tasks_done", "mentoring"]:
        assert len(response.context[key]) == PROFILE_ROWS
    assert f"Mentored {total - 1:03d}" in html  # the newest
    assert "Mentored 000" not in html  # the oldest, on the full list


def test_profile_with_a_short_list_shows_it_all_without_a_link(
    client_for, staff, champion, acute_medicine
):
    _a_champion_with_projects(champion, acute_medicine, 2)
    html = client_for(staff).get(reverse("people:profile", args=[champion.pk])).content.decode()
    assert "Mentoring 2 projects" in html
    assert "Mentored 000" in html
    assert "Mentored 001" in html
    assert reverse("people:profile_mentoring", args=[champion.pk]) not in html


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("profile_led", "Mentored"),
        ("profile_roles", "Role "),
        ("profile_tasks", "Task "),
        ("profile_mentoring", "Mentored"),
    ],
)
def test_profile_full_lists_are_paged_and_keep_hostile_page_values_harmless(
    client_for, staff, champion, acute_medicine, name, text
):
    _a_champion_with_projects(champion, acute_medicine, PROFILE_LIST_PAGE_SIZE + 3)
    url = reverse(f"people:{name}", args=[champion.pk])
    client = client_for(staff)
    first = client.get(url)
    assert len(first.context["page"].object_list) == PROFILE_LIST_PAGE_SIZE
    assert "?page=2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 3
    assert text in second.content.decode()
    for hostile in ["abc", "-1", "999999999", ""]:
        assert client.get(url, {"page": hostile}).status_code == 200


def test_profile_full_list_leaves_out_projects_the_viewer_may_not_see(
    client_for, outsider, staff, draft
):
    html = client_for(outsider).get(reverse("people:profile_led", args=[draft.lead_id]))
    assert draft.title not in html.content.decode()


def test_profile_full_list_of_a_missing_person_is_404(client_for, staff):
    assert client_for(staff).get(reverse("people:profile_led", args=[999999])).status_code == 404


def test_missing_person_is_404(client_for, staff):
    assert client_for(staff).get(reverse("people:profile", args=[999999])).status_code == 404


def test_mentors_filter_includes_mentors_outside_projects(client_for, staff, pharmacy):
    from people.models import MentoringPair

    mentor = PersonFactory(department=pharmacy, display_name="Meg Mentor")
    MentoringPair.objects.create(mentor=mentor, mentee=staff)
    assert names(client_for(staff).get(DIRECTORY, {"mentors": "on"})) == ["Meg Mentor"]
