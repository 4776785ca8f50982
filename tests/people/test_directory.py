import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import QIConversation
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
    # champion assignments; skills; preferred areas; led projects; memberships; tasks done;
    # projects mentored; mentoring pairs as mentor and as mentee; training completed.
    with django_assert_max_num_queries(17):
        client.get(reverse("people:profile", args=[staff.pk]))


def test_missing_person_is_404(client_for, staff):
    assert client_for(staff).get(reverse("people:profile", args=[999999])).status_code == 404


def test_mentors_filter_includes_mentors_outside_projects(client_for, staff, pharmacy):
    from people.models import MentoringPair

    mentor = PersonFactory(department=pharmacy, display_name="Meg Mentor")
    MentoringPair.objects.create(mentor=mentor, mentee=staff)
    assert names(client_for(staff).get(DIRECTORY, {"mentors": "on"})) == ["Meg Mentor"]
