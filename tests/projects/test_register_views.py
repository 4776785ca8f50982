import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Membership, Project
from tests.factories import (
    ClinicalAreaFactory,
    DepartmentFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    RoleOpeningFactory,
    StrategicPriorityFactory,
    TaskFactory,
)
from tests.helpers import trust_qi_team_group

URL = reverse("projects:register")
# The register opens on the viewer's department; these tests look at every department's.
ALL = {"department": ""}


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def row_html(response, title: str) -> str:
    """The register row (one <li>) of the project with this title."""
    html = response.content.decode()
    start = html.rindex('<li class="qi-project-row">', 0, html.index(f">{title}</a>"))
    return html[start : html.index("</li>\n", html.index("</ul>", start))]


def test_register_row_shows_what_staff_need(client_for, staff, project):
    TaskFactory(project=project, title="Count doses")
    TaskFactory(project=project, status="done")
    RoleOpeningFactory(project=project, title="Data collector")
    RoleOpeningFactory(project=project, title="Pharmacist reviewer")
    row = row_html(client_for(staff).get(URL, {**ALL, "sort": "title"}), project.title)
    assert f'<a href="/projects/{project.pk}/">{project.title}</a>' in row
    assert project.reference in row
    assert 'nhsuk-tag--blue">Planning</strong>' in row
    assert "Acute medicine" in row
    assert project.aim in row
    assert "1 open task<" in row
    assert "Roles wanted: Data collector, Pharmacist reviewer" in row


def test_register_row_shows_the_aims_first_line_shortened_at_a_word(client_for, staff, project):
    project.aim = (
        "Give every patient on the acute medical unit their time-critical medicines within "
        "30 minutes of the prescribed time, halving omitted and delayed doses by the end of "
        "March 2027 as measured by the weekly audit.\nBaseline: one dose in eight omitted."
    )
    project.save()
    row = row_html(client_for(staff).get(URL, {**ALL, "sort": "title"}), project.title)
    assert "Give every patient on the acute medical unit their time-critical medicines" in row
    assert "halving omitted and delayed doses by the…" in row
    assert "end of March" not in row
    assert "Baseline" not in row


def test_roles_wanted_are_the_open_roles_of_a_project_taking_people(client_for, staff):
    recruiting = ProjectFactory(title="Recruiting")
    RoleOpeningFactory(project=recruiting, title="Data collector")
    RoleOpeningFactory(project=recruiting, title="Ward champion", is_open=False)
    on_hold = ProjectFactory(title="Paused", stage=Project.Stage.ON_HOLD)
    RoleOpeningFactory(project=on_hold, title="Auditor")
    none_open = ProjectFactory(title="Team complete")
    response = client_for(staff).get(URL, {**ALL, "sort": "title"})
    assert "Roles wanted: Data collector<" in row_html(response, "Recruiting")
    assert "Ward champion" not in response.content.decode()
    assert "Roles wanted" not in row_html(response, "Paused")  # nobody joins a paused project
    assert "Roles wanted" not in row_html(response, none_open.title)


def test_completed_and_closed_projects_are_left_out_by_default(client_for, staff):
    ProjectFactory(title="Still going", stage=Project.Stage.TESTING)
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    ProjectFactory(title="Stopped", stage=Project.Stage.CLOSED)
    response = client_for(staff).get(URL, ALL)
    html = response.content.decode()
    assert titles(response) == ["Still going"]
    assert ">1 project</h2>" in html
    assert "2 completed or closed projects not shown" in html
    assert "?department=&amp;include_closed=on" in html  # "show them too"


def test_the_trust_qi_team_opens_the_register_on_every_department_without_closed_ones(client, db):
    """The trust QI team's register opens with no filter chosen (their own department runs no
    projects): the filter's form is unbound, and the closed projects are still counted."""
    member = PersonFactory(department=DepartmentFactory(name="Quality", slug="quality"))
    member.user.groups.add(trust_qi_team_group())
    ProjectFactory(title="Still going", stage=Project.Stage.TESTING)
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    client.force_login(member.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Still going"]
    assert "1 completed or closed project not shown" in response.content.decode()


def test_show_completed_and_closed_includes_them(client_for, staff):
    ProjectFactory(title="Still going", stage=Project.Stage.TESTING)
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    ProjectFactory(title="Stopped", stage=Project.Stage.CLOSED)
    response = client_for(staff).get(URL, {**ALL, "include_closed": "on", "sort": "title"})
    html = response.content.decode()
    assert titles(response) == ["Done", "Still going", "Stopped"]
    assert ">3 projects</h2>" in html
    assert "not shown" not in html
    assert 'name="include_closed" type="checkbox" value="on" checked' in html


def test_choosing_a_closed_stage_shows_its_projects(client_for, staff):
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    ProjectFactory(title="Stopped", stage=Project.Stage.CLOSED)
    assert titles(client_for(staff).get(URL, {**ALL, "stage": "completed"})) == ["Done"]


def test_no_results_message_says_completed_or_closed_ones_match(client_for, staff):
    ProjectFactory(title="Insulin safety", stage=Project.Stage.COMPLETED)
    html = client_for(staff).get(URL, {**ALL, "q": "insulin"}).content.decode()
    assert "No projects match, leaving out completed and closed ones." in html
    assert "1 completed or closed project matches" in html
    assert "?department=&amp;q=insulin&amp;include_closed=on" in html


def test_exports_leave_out_completed_and_closed_projects_as_the_list_does(client_for, staff):
    ProjectFactory(title="Still going")
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    client = client_for(staff)
    export = b"".join(client.get(reverse("projects:export_csv"), ALL).streaming_content)
    assert b"Still going" in export
    assert b"Done" not in export
    export = b"".join(
        client.get(
            reverse("projects:export_csv"), {**ALL, "include_closed": "on"}
        ).streaming_content
    )
    assert b"Done" in export


def test_area_filter_groups_areas_by_department(client_for, staff, acute_medicine, surgery):
    nursing = DepartmentFactory(name="Nursing", slug="nursing")
    ClinicalAreaFactory(department=nursing, name="Surgical wards")
    html = client_for(staff).get(URL, ALL).content.decode()
    select = html[
        html.index('<select name="area"') : html.index("</select>", html.index('name="area"'))
    ]
    nursing_group = select[select.index('<optgroup label="Nursing">') :]
    assert "Surgical wards" in nursing_group[: nursing_group.index("</optgroup>")]
    pharmacy_group = select[select.index('<optgroup label="Pharmacy">') :]
    pharmacy_group = pharmacy_group[: pharmacy_group.index("</optgroup>")]
    assert "Acute medicine" in pharmacy_group
    assert "Surgery" in pharmacy_group
    assert "Surgical wards" not in pharmacy_group


def test_area_filter_finds_the_projects_of_an_area(client_for, staff, surgery):
    ProjectFactory(title="In surgery", clinical_areas=[surgery])
    ProjectFactory(title="Elsewhere")
    assert titles(client_for(staff).get(URL, {**ALL, "area": surgery.pk})) == ["In surgery"]


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
    # session, user, person, the person's champion areas (navigation); count, the page's
    # project ids, those projects' rows, their clinical areas;
    # filter choices: departments, clinical areas, strategic priorities;
    # plus the champion check inside visible_to is SQL, not extra queries.
    # +1: the other departments involved in each project shown.
    with django_assert_max_num_queries(12):
        response = client.get(URL, {**ALL, "open_tasks": "on", "sort": "title"})
    assert response.context["page"].paginator.count == count


def test_full_page_and_fragment_are_kept_apart_by_caches(client_for, staff, project):
    response = client_for(staff).get(URL, ALL)
    assert "HX-Request" in response["Vary"]


def test_row_names_the_department_only_when_the_list_spans_departments(client_for, staff, project):
    client = client_for(staff)
    # Opening on the viewer's own department, every row would say "Pharmacy".
    assert "Department: </span>Pharmacy" not in row_html(client.get(URL), project.title)
    assert "Department: </span>Pharmacy" in row_html(client.get(URL, ALL), project.title)


@pytest.fixture
def shallow_register(monkeypatch):
    """The register at two projects a page and at most two pages, so that seven projects
    reach past its deepest page."""
    monkeypatch.setattr("projects.views.register.PAGE_SIZE", 2)
    monkeypatch.setattr("projects.views.register.MAX_PAGES", 2)
    for n in range(7):
        ProjectFactory(title=f"Deep {n}")


def test_register_pages_no_deeper_than_its_cap_and_asks_to_narrow_the_filters(
    client_for, staff, shallow_register
):
    client = client_for(staff)
    last = client.get(URL, {**ALL, "q": "deep", "sort": "title", "page": 2})
    html = last.content.decode()
    assert titles(last) == ["Deep 2", "Deep 3"]
    # Counted no further than one past the deepest page's rows: "more than", not 7.
    assert ">More than 4 projects</h2>" in html
    assert "7 projects" not in html
    assert "The register pages through the first 4 of the projects that match" in html
    assert 'rel="next"' not in html
    assert "?department=&amp;q=deep&amp;sort=title&amp;page=1" in html  # filters kept

    beyond = client.get(URL, {**ALL, "q": "deep", "sort": "title", "page": 3})
    html = beyond.content.decode()
    assert beyond.status_code == 200
    assert beyond.context["beyond_cap"]
    assert "nhsuk-inset-text" in html
    assert "narrow the filters" in html
    assert "Deep 4" not in html
    assert "?department=&amp;q=deep&amp;sort=title&amp;page=2" in html  # to the last page


def test_register_counts_exactly_up_to_the_cap(client_for, staff, monkeypatch):
    monkeypatch.setattr("projects.views.register.PAGE_SIZE", 2)
    monkeypatch.setattr("projects.views.register.MAX_PAGES", 2)
    for n in range(4):
        ProjectFactory(title=f"Deep {n}")
    client = client_for(staff)
    html = client.get(URL, {**ALL, "q": "deep"}).content.decode()
    assert ">4 projects</h2>" in html
    assert "More than" not in html
    assert "narrow the filters" not in html

    ProjectFactory(title="Deep 4")  # one past the deepest page's rows
    html = client.get(URL, {**ALL, "q": "deep"}).content.decode()
    assert ">More than 4 projects</h2>" in html
    assert "5 projects" not in html


def test_register_counts_hidden_closed_projects_up_to_the_cap(client_for, staff, monkeypatch):
    monkeypatch.setattr("projects.views.register.PAGE_SIZE", 2)
    monkeypatch.setattr("projects.views.register.MAX_PAGES", 2)
    ProjectFactory(title="Still going", stage=Project.Stage.TESTING)
    for n in range(4):
        ProjectFactory(title=f"Done {n}", stage=Project.Stage.COMPLETED)
    client = client_for(staff)
    html = client.get(URL, ALL).content.decode()
    assert ">1 project</h2>" in html
    assert "4 completed or closed projects not shown" in html

    ProjectFactory(title="Stopped", stage=Project.Stage.CLOSED)
    html = client.get(URL, ALL).content.decode()
    assert ">1 project</h2>" in html
    assert "More than 4 completed or closed projects not shown" in html
    # None shown: the message that nothing matches says the same.
    Project.objects.filter(title="Still going").update(stage=Project.Stage.COMPLETED)
    html = client.get(URL, ALL).content.decode()
    assert ">0 projects</h2>" in html
    assert "More than 4 completed or closed projects match" in html


def test_register_with_open_stages_chosen_counts_no_closed_projects(client_for, staff):
    ProjectFactory(title="Testing", stage=Project.Stage.TESTING)
    ProjectFactory(title="Planning", stage=Project.Stage.PLANNING)
    ProjectFactory(title="Done", stage=Project.Stage.COMPLETED)
    response = client_for(staff).get(URL, {**ALL, "stage": ["testing", "planning"]})
    html = response.content.decode()
    assert sorted(titles(response)) == ["Planning", "Testing"]
    assert ">2 projects</h2>" in html
    assert "not shown" not in html
    response = client_for(staff).get(URL, {**ALL, "stage": ["testing", "completed"]})
    assert sorted(titles(response)) == ["Done", "Testing"]


def test_register_first_pages_say_nothing_of_the_cap(client_for, staff, shallow_register):
    html = client_for(staff).get(URL, {**ALL, "q": "deep"}).content.decode()
    assert "narrow the filters" not in html
    assert 'rel="next"' in html


def test_register_below_the_cap_keeps_its_pages(client_for, staff, monkeypatch):
    monkeypatch.setattr("projects.views.register.PAGE_SIZE", 2)
    for n in range(3):
        ProjectFactory(title=f"Shallow {n}")
    response = client_for(staff).get(URL, {**ALL, "q": "shallow", "page": 50})
    assert not response.context["beyond_cap"]
    assert response.context["page"].number == 2  # the last page, as before
    assert "narrow the filters" not in response.content.decode()


@pytest.mark.parametrize(
    "page", ["999999999", "-1", "0", "abc", "", "1.5", "1e400", "9" * 5000, "%00"]
)
def test_register_survives_hostile_page_values(client_for, staff, shallow_register, page):
    response = client_for(staff).get(URL, {**ALL, "page": page})
    assert response.status_code == 200
    assert 1 <= response.context["page"].number <= 2


def test_register_deep_page_reads_no_rows(
    client_for, staff, shallow_register, django_assert_max_num_queries
):
    client = client_for(staff)
    client.get(URL, {**ALL, "page": 1})
    with django_assert_max_num_queries(10):
        response = client.get(URL, {**ALL, "page": 999999999})
    assert response.context["beyond_cap"]
    assert "Deep" not in response.content.decode().split("results-heading")[-1].split("Download")[0]
