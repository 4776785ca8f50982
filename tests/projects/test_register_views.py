import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Membership, Project
from tests.factories import (
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    RoleOpeningFactory,
    StrategicPriorityFactory,
    TaskFactory,
)

URL = reverse("projects:register")
# The register opens on the viewer's department; these tests look at every department's.
ALL = {"department": ""}


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_register_row_shows_what_staff_need(client_for, staff, project):
    TaskFactory(project=project, title="Count doses")
    TaskFactory(project=project, status="done")
    ProgressUpdateFactory(project=project, date=dt.date(2026, 10, 1), done="Baseline collected")
    html = client_for(staff).get(URL, ALL).content.decode()
    assert project.reference in html
    assert project.title in html
    assert "Planning" in html
    assert "Acute medicine" in html
    assert "Sam Taylor" in html
    assert "2 h per week" in html
    assert '<dd class="nhsuk-summary-list__value">1</dd>' in html  # open tasks
    assert "1 Oct 2026: Baseline collected" in html


def test_filter_by_stage_kind_area_and_priority(client_for, staff, acute_medicine, surgery):
    priority = StrategicPriorityFactory(department=staff.department, name="Medicines safety")
    wanted = ProjectFactory(
        title="Wanted",
        stage=Project.Stage.TESTING,
        kind=Project.Kind.CLINICAL_AUDIT,
        clinical_areas=[surgery],
        strategic_priorities=[priority],
    )
    ProjectFactory(title="Wrong stage", stage=Project.Stage.PLANNING, clinical_areas=[surgery])
    ProjectFactory(
        title="Wrong area",
        stage=Project.Stage.TESTING,
        kind=Project.Kind.CLINICAL_AUDIT,
        clinical_areas=[acute_medicine],
    )
    client = client_for(staff)
    query = {"stage": "testing", "kind": "audit", "area": surgery.pk, "priority": priority.pk}
    assert titles(client.get(URL, {**ALL, **query})) == [wanted.title]
    assert set(titles(client.get(URL, {**ALL, "stage": ["testing", "planning"]}))) == {
        "Wanted",
        "Wrong stage",
        "Wrong area",
    }


def test_filter_by_lead_name(client_for, staff, pharmacy):
    ProjectFactory(
        title="Priya's", lead=PersonFactory(display_name="Priya Shah", department=pharmacy)
    )
    ProjectFactory(title="Tom's", lead=PersonFactory(display_name="Tom Evans", department=pharmacy))
    assert titles(client_for(staff).get(URL, {**ALL, "lead": "shah"})) == ["Priya's"]


def test_filter_has_open_tasks_and_needs_people(client_for, staff):
    with_task = ProjectFactory(title="With open task")
    TaskFactory(project=with_task)
    done_only = ProjectFactory(title="Only done tasks")
    TaskFactory(project=done_only, status="done")
    recruiting = ProjectFactory(title="Recruiting")
    RoleOpeningFactory(project=recruiting)
    closed = ProjectFactory(title="Closed opening")
    RoleOpeningFactory(project=closed, is_open=False)
    full = ProjectFactory(title="Full opening")
    opening = RoleOpeningFactory(project=full, places=1)
    Membership.objects.create(
        project=full, person=PersonFactory(), role_opening=opening, role_title="Data collector"
    )
    client = client_for(staff)
    assert titles(client.get(URL, {**ALL, "open_tasks": "on"})) == ["With open task"]
    assert titles(client.get(URL, {**ALL, "needs_people": "on"})) == ["Recruiting"]


def test_filter_by_weekly_time_to_join_compares_months_and_weeks(client_for, staff):
    for title, hours, period in [
        ("2 a week", Decimal("2"), "week"),
        ("4 a month", Decimal("4"), "month"),
        ("6 a week", Decimal("6"), "week"),
        ("Unknown", None, "week"),
    ]:
        # The project's own time is not what joining costs: its open role's is.
        project = ProjectFactory(title=title, commitment_hours=Decimal("1"))
        RoleOpeningFactory(project=project, commitment_hours=hours, commitment_period=period)
    got = titles(client_for(staff).get(URL, {**ALL, "max_hours": "2", "sort": "title"}))
    assert got == ["2 a week", "4 a month"]  # 4 h/month is about 0.9 h/week


def test_invalid_filter_value_shows_a_message_not_an_error(client_for, staff, project):
    response = client_for(staff).get(URL, {**ALL, "max_hours": "lots"})
    assert response.status_code == 200
    assert "Enter a number" in response.content.decode()


def test_search_puts_an_exact_title_match_first(client_for, staff):
    ProjectFactory(
        title="Insulin safety audit follow-up",
        aim="Insulin insulin insulin errors: repeat the insulin safety audit.",
    )
    exact = ProjectFactory(title="Insulin safety", aim="Fewer errors.")
    ProjectFactory(title="Unrelated", aim="Nothing to do with it.")
    got = titles(client_for(staff).get(URL, {**ALL, "q": "insulin safety"}))
    assert got[0] == exact.title
    assert "Unrelated" not in got


def test_search_weights_title_above_aim(client_for, staff):
    in_aim = ProjectFactory(title="Ward round changes", aim="Improve discharge letters.")
    in_title = ProjectFactory(title="Discharge letters", aim="Improve ward rounds.")
    got = titles(client_for(staff).get(URL, {**ALL, "q": "discharge"}))
    assert got == [in_title.title, in_aim.title]


def test_search_finds_task_text(client_for, staff, project):
    TaskFactory(project=project, title="Survey nurses about thermometers")
    assert titles(client_for(staff).get(URL, {**ALL, "q": "thermometers"})) == [project.title]


def test_sort_options(client_for, staff):
    ProjectFactory(title="Beta", target_end_date=dt.date(2027, 1, 1))
    ProjectFactory(title="Alpha", target_end_date=dt.date(2027, 6, 1))
    client = client_for(staff)
    assert titles(client.get(URL, {**ALL, "sort": "title"})) == ["Alpha", "Beta"]
    assert titles(client.get(URL, {**ALL, "sort": "end"})) == ["Beta", "Alpha"]
    assert titles(client.get(URL, {**ALL, "sort": "newest"})) == ["Alpha", "Beta"]


def test_pagination_keeps_filters_and_counts_results(client_for, staff):
    for n in range(30):
        ProjectFactory(title=f"Paged {n:02d}")
    response = client_for(staff).get(URL, {**ALL, "q": "paged", "sort": "title", "page": 2})
    html = response.content.decode()
    assert titles(response) == [f"Paged {n:02d}" for n in range(25, 30)]
    assert "30 projects" in html
    assert "Showing 26 to 30" in html
    assert "?department=&amp;q=paged&amp;sort=title&amp;page=1" in html


def test_htmx_request_gets_only_the_results(client_for, staff, project):
    response = client_for(staff).get(
        URL, {"q": "omitted"}, headers={"HX-Request": "true", "HX-Target": "register-results"}
    )
    html = response.content.decode()
    assert project.title in html
    assert "<html" not in html
    assert 'id="register-filters"' not in html


def test_filters_work_without_javascript_as_a_plain_get_form(client_for, staff, project):
    html = client_for(staff).get(URL, ALL).content.decode()
    assert f'<form method="get" action="{URL}"' in html
    assert 'type="submit">Apply filters</button>' in html


@pytest.mark.parametrize("count", [1, 50])
def test_register_query_count_does_not_grow_with_rows(
    client_for, staff, acute_medicine, count, django_assert_max_num_queries
):
    for n in range(count):
        project = ProjectFactory(title=f"Project {n}", clinical_areas=[acute_medicine])
        TaskFactory(project=project)
        ProgressUpdateFactory(project=project)
    client = client_for(staff)
    # session, user, person, the person's champion areas (navigation); count, page of
    # projects, their clinical areas;
    # filter choices: departments, clinical areas, strategic priorities;
    # plus the champion check inside visible_to is SQL, not extra queries.
    # +1: the other departments involved in each project shown.
    with django_assert_max_num_queries(11):
        response = client.get(URL, {**ALL, "open_tasks": "on", "sort": "title"})
    assert response.context["page"].paginator.count == count


def test_full_page_and_fragment_are_kept_apart_by_caches(client_for, staff, project):
    response = client_for(staff).get(URL, ALL)
    assert "HX-Request" in response["Vary"]
