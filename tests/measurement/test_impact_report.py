"""The department impact page /impact/ and its CSV export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from measurement.impact_stats import department_impact
from measurement.models import ProjectImpact, Saving
from people.models import ClinicalArea
from projects.models import Membership, Project, Task
from tests.factories import (
    ClinicalAreaFactory,
    DepartmentFactory,
    PersonFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    StrategicPriorityFactory,
    TaskFactory,
    UserFactory,
)

# Not `project`: the query count test counts every project in the register.
PERSONAS_BUILT_ONCE = ("staff", "champion", "manager", "admin", "outsider")

REPORT = reverse("measurement:impact_report")
EXPORT = reverse("measurement:impact_export")
TODAY = timezone.localdate()
START, END = TODAY - dt.timedelta(days=90), TODAY
PERIOD = {"from": START.isoformat(), "to": END.isoformat()}


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def make_saving(project, claimed_by, amount, *, kind="one_off", claimed_days_ago=10, **fields):
    return Saving.objects.create(
        project=project,
        description=f"Saving of {amount}",
        amount=Decimal(amount),
        kind=kind,
        claimed_by=claimed_by,
        claimed_at=days_ago(claimed_days_ago),
        **fields,
    )


def make_impact(project, hours, patients, benefits):
    return ProjectImpact.objects.create(
        project=project,
        staff_hours_saved_per_month=Decimal(hours),
        patients_affected=patients,
        patient_benefits=benefits,
    )


def done_task(project, person, hours, *, completed_days_ago):
    return TaskFactory(
        project=project,
        status=Task.Status.DONE,
        claimed_by=person,
        claimed_at=days_ago(completed_days_ago + 1),
        completed_at=days_ago(completed_days_ago),
        actual_hours=Decimal(hours),
    )


@pytest.fixture
def buddy(pharmacy, surgery):
    return PersonFactory(display_name="Bea Buddy", department=pharmacy, clinical_areas=[surgery])


@pytest.fixture
def priorities(pharmacy):
    return {
        "safety": StrategicPriorityFactory(department=pharmacy, name="Safer medicines"),
        "flow": StrategicPriorityFactory(department=pharmacy, name="Patient flow"),
    }


@pytest.fixture
def dataset(
    staff, champion, manager, buddy, outsider, project, surgery, priorities, draft, pharmacy
):
    """Two counted projects in Pharmacy, and activity that must not count.

    Counted: `project` (Acute medicine, Safer medicines, planning) and `finished` (Surgery,
    Patient flow, completed 10 days ago).
    """
    project.strategic_priorities.set([priorities["safety"]])
    finished = ProjectFactory(
        lead=champion,
        title="Theatre stock rationalisation",
        clinical_areas=[surgery],
        strategic_priorities=[priorities["flow"]],
        stage=Project.Stage.COMPLETED,
    )
    Project.objects.filter(pk=finished.pk).update(stage_changed_at=days_ago(10))
    # The team: `manager` holds a role; `staff` (the lead) and `buddy` do tasks in the period.
    Membership.objects.create(
        project=project,
        person=manager,
        role_title="Data collector",
        joined_on=TODAY - dt.timedelta(days=30),
    )
    done_task(project, staff, "2", completed_days_ago=5)
    done_task(project, buddy, "3.5", completed_days_ago=5)
    done_task(project, buddy, "10", completed_days_ago=200)  # before the period
    make_saving(project, staff, "1000", validated_amount=Decimal("800"), validated_by=champion)
    make_saving(project, staff, "5000", kind="recurring")
    make_saving(project, staff, "99", claimed_days_ago=200)  # before the period
    make_impact(project, "12.5", 40, ["safety", "experience"])
    make_impact(finished, "4", 10, ["safety"])
    ProgressUpdateFactory(project=project, date=TODAY - dt.timedelta(days=5))
    # Not counted: a draft, a project completed before the period, another department's.
    make_saving(draft, staff, "123")
    old = ProjectFactory(lead=staff, title="Old work", stage=Project.Stage.COMPLETED)
    Project.objects.filter(pk=old.pk).update(stage_changed_at=days_ago(200))
    make_saving(old, staff, "456")
    nursing = ProjectFactory(lead=outsider, title="Nursing handover")
    make_saving(nursing, outsider, "777")
    make_impact(nursing, "1", 3, ["access"])
    return {"project": project, "finished": finished, "nursing": nursing}


def impact_of(department, **filters):
    return department_impact(department, START, END, **filters)


# Who may see it.


def test_anonymous_is_sent_to_login(client, db):
    for url in (REPORT, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("persona", ["staff", "champion", "manager", "admin", "outsider"])
def test_every_member_of_staff_sees_the_page(client_for, request, project, persona):
    response = client_for(request.getfixturevalue(persona)).get(REPORT)
    assert response.status_code == 200
    assert "Department impact" in response.content.decode()


def test_account_without_staff_profile_is_refused(client, db):
    client.force_login(UserFactory(username="bare-account"))
    assert client.get(REPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_admin_without_staff_profile_sees_the_first_department_or_chooses(client, pharmacy):
    nursing = DepartmentFactory(name="Nursing", slug="nursing")
    client.force_login(UserFactory(username="bare-admin", is_staff=True, is_superuser=True))
    response = client.get(REPORT)
    assert response.status_code == 200
    assert response.context["impact"].department == nursing  # the first by name
    response = client.get(REPORT, {"department": "pharmacy"})
    assert response.context["impact"].department == pharmacy
    assert client.get(REPORT, {"department": "no-such"}).status_code == 404


def test_page_refuses_post(client_for, staff):
    assert client_for(staff).post(REPORT).status_code == 405
    assert client_for(staff).post(EXPORT).status_code == 405


def test_outsider_sees_their_own_department_never_pharmacys(client_for, outsider, dataset):
    html = client_for(outsider).get(REPORT, PERIOD).content.decode()
    assert "Nursing" in html
    assert "£777.00" in html
    assert "£1,000.00" not in html
    assert "Acute medicine" not in html


def test_pharmacy_staff_do_not_see_another_departments_figures(client_for, staff, dataset):
    html = client_for(staff).get(REPORT, PERIOD).content.decode()
    assert "£1,000.00" in html
    assert "£777.00" not in html
    assert "Ward 7" not in html


# Each figure, on the hand-built dataset.


def test_totals(pharmacy, dataset):
    totals = impact_of(pharmacy).totals
    assert (totals.projects, totals.completed) == (2, 1)
    # staff and champion lead, manager holds a role, buddy did a task in the period
    assert totals.people == 4
    assert totals.tasks_done == 2
    assert (totals.hours_by_team, totals.hours_by_buddies) == (Decimal("2"), Decimal("3.5"))
    assert (totals.savings_claimed, totals.savings_validated) == (2, 1)
    assert (totals.claimed_one_off, totals.claimed_recurring) == (Decimal(1000), Decimal(5000))
    assert (totals.validated_one_off, totals.validated_recurring) == (Decimal(800), Decimal(0))
    assert totals.staff_hours_saved_per_month == Decimal("16.5")
    assert totals.patients_affected == 50


def test_people_as_a_share_of_the_department(pharmacy, dataset, admin):
    impact = impact_of(pharmacy)
    # Pharmacy: staff, manager, champion, buddy (all took part) and admin (did not).
    assert (impact.staff_took_part, impact.staff) == (4, 5)
    assert impact.staff_share == Decimal("80.0")


def test_people_from_other_departments_count_but_not_in_the_share(
    pharmacy, dataset, outsider, admin
):
    done_task(dataset["project"], outsider, "1", completed_days_ago=3)
    impact = impact_of(pharmacy)
    assert impact.totals.people == 5
    assert (impact.staff_took_part, impact.staff) == (4, 5)


def test_a_member_who_left_before_the_period_did_not_take_part(pharmacy, dataset, manager):
    Membership.objects.filter(person=manager).update(
        joined_on=TODAY - dt.timedelta(days=300), left_on=TODAY - dt.timedelta(days=200)
    )
    assert impact_of(pharmacy).totals.people == 3


def test_a_co_lead_takes_part_and_their_tasks_are_team_hours(pharmacy, dataset):
    co_lead = PersonFactory(department=pharmacy)
    dataset["project"].co_leads.set([co_lead])
    done_task(dataset["project"], co_lead, "4", completed_days_ago=2)
    totals = impact_of(pharmacy).totals
    assert totals.people == 5
    assert (totals.hours_by_team, totals.hours_by_buddies) == (Decimal(6), Decimal("3.5"))


def test_a_members_tasks_are_team_hours(pharmacy, dataset, manager):
    done_task(dataset["project"], manager, "1", completed_days_ago=2)
    totals = impact_of(pharmacy).totals
    assert totals.people == 4
    assert (totals.hours_by_team, totals.hours_by_buddies) == (Decimal(3), Decimal("3.5"))


def test_projects_by_stage(pharmacy, dataset):
    stages = dict(impact_of(pharmacy).stages)
    assert stages["Planning"] == 1
    assert stages["Completed"] == 1
    assert sum(stages.values()) == 2


def test_patient_benefits_by_category(pharmacy, dataset):
    assert impact_of(pharmacy).benefits == [
        ("Safety", 2),
        ("Effectiveness", 0),
        ("Patient experience", 1),
        ("Access", 0),
    ]


def test_figures_by_clinical_area(pharmacy, dataset, acute_medicine, surgery):
    by_area = {group.name: group.figures for group in impact_of(pharmacy).by_area}
    assert list(by_area) == ["Acute medicine", "Surgery"]
    acute, theatre = by_area["Acute medicine"], by_area["Surgery"]
    assert (acute.projects, acute.completed, acute.people) == (1, 0, 3)
    assert (acute.hours_by_team, acute.hours_by_buddies) == (Decimal(2), Decimal("3.5"))
    assert (acute.claimed_one_off, acute.validated_one_off) == (Decimal(1000), Decimal(800))
    assert (acute.staff_hours_saved_per_month, acute.patients_affected) == (Decimal("12.5"), 40)
    assert (theatre.projects, theatre.completed, theatre.people) == (1, 1, 1)
    assert (theatre.claimed_one_off, theatre.patients_affected) == (Decimal(0), 10)


def test_a_project_counts_in_each_of_its_areas(pharmacy, dataset, acute_medicine, surgery):
    dataset["project"].clinical_areas.set([acute_medicine, surgery])
    by_area = {group.name: group.figures for group in impact_of(pharmacy).by_area}
    assert by_area["Acute medicine"].projects == 1
    assert by_area["Surgery"].projects == 2
    assert by_area["Surgery"].claimed_recurring == Decimal(5000)


def test_figures_by_strategic_priority(pharmacy, dataset):
    by_priority = {group.name: group.figures for group in impact_of(pharmacy).by_priority}
    assert list(by_priority) == ["Patient flow", "Safer medicines"]
    assert by_priority["Safer medicines"].claimed_recurring == Decimal(5000)
    assert by_priority["Safer medicines"].people == 3
    assert by_priority["Patient flow"].completed == 1
    assert by_priority["Patient flow"].claimed_recurring == Decimal(0)


def test_monthly_activity(pharmacy, dataset):
    months = impact_of(pharmacy).months
    assert months[0].month == START.replace(day=1)
    assert months[-1].month == END.replace(day=1)
    this_month = {m.month: m for m in months}[(TODAY - dt.timedelta(days=5)).replace(day=1)]
    assert this_month.tasks_done == 2
    assert this_month.hours == Decimal("5.5")
    assert this_month.progress_updates == 1
    assert sum(m.tasks_done for m in months) == 2
    assert sum(m.projects_submitted for m in months) == 2


# Filters and the period.


def test_area_filter_narrows_the_figures(pharmacy, dataset, surgery):
    totals = impact_of(pharmacy, area=surgery.pk).totals
    assert (totals.projects, totals.completed, totals.people) == (1, 1, 1)
    assert (totals.claimed_one_off, totals.patients_affected) == (Decimal(0), 10)


def test_priority_filter_narrows_the_figures(pharmacy, dataset, priorities):
    totals = impact_of(pharmacy, priority=priorities["safety"].pk).totals
    assert (totals.projects, totals.completed, totals.tasks_done) == (1, 0, 2)
    assert totals.claimed_one_off == Decimal(1000)


def test_filters_on_the_page(client_for, staff, dataset, surgery):
    html = client_for(staff).get(REPORT, {**PERIOD, "area": surgery.pk}).content.decode()
    assert "in Surgery" in html
    assert f'<option value="{surgery.pk}" selected>Surgery</option>' in html
    assert "£1,000.00" not in html


def test_period_excludes_activity_outside_it(pharmacy, dataset):
    # A window after everything: only projects still open count, with no activity in it.
    later = department_impact(pharmacy, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(30))
    totals = later.totals
    assert (totals.projects, totals.completed, totals.tasks_done) == (1, 0, 0)
    assert (totals.savings_claimed, totals.hours) == (0, Decimal(0))
    # `project` is still open: its lead and its current member take part.
    assert totals.people == 2


def test_period_before_the_projects_were_submitted_counts_nothing(pharmacy, dataset):
    earlier = department_impact(
        pharmacy, TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=100)
    )
    assert earlier.totals.projects == 0
    assert earlier.totals.tasks_done == 0  # the old task's project was not yet submitted


def test_bad_period_is_shown_at_the_field(client_for, staff, project):
    response = client_for(staff).get(REPORT, {"from": "31/13/2026", "to": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_from"' in html
    assert 'id="id_from-error"' in html
    assert "<title>Error: Department impact" in html


def test_area_of_another_department_is_refused_at_the_field(client_for, staff, outsider, dataset):
    ward = ClinicalArea.objects.get(name="Ward 7")
    response = client_for(staff).get(REPORT, {**PERIOD, "area": ward.pk})
    html = response.content.decode()
    assert "Choose a clinical area from the list" in html
    assert 'href="#id_area"' in html
    assert "<title>Error: Department impact" in html
    assert "£1,000.00" in html  # shown for all areas meanwhile


def test_export_with_a_bad_period_goes_back_to_the_page(client_for, staff, project):
    response = client_for(staff).get(EXPORT, {"from": "nonsense"})
    assert response.status_code == 302
    assert response["Location"] == f"{REPORT}?from=nonsense"


# The CSV.


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_holds_the_same_numbers(client_for, staff, dataset, surgery):
    response = client_for(staff).get(EXPORT, PERIOD)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"qi-impact-pharmacy-{START}-{END}.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Section", "Name", "Figure", "Value"]
    for row in [
        ["Period", "Pharmacy", "From", START.isoformat()],
        ["Department", "Pharmacy", "Projects", "2"],
        ["Department", "Pharmacy", "People who took part", "4"],
        ["Department", "Pharmacy", "Hours on tasks by buddies", "3.5"],
        ["Department", "Pharmacy", "One-off savings claimed (£)", "1000.00"],
        ["Department", "Pharmacy", "One-off savings validated (£)", "800.00"],
        ["Department", "Pharmacy", "Recurring savings claimed (£ a year)", "5000.00"],
        ["Department", "Pharmacy", "Staff time saved (hours a month)", "16.5"],
        ["Department", "Pharmacy", "Patients affected", "50"],
        ["Projects by stage", "Completed", "Projects", "1"],
        ["Patient benefit", "Safety", "Projects", "2"],
        ["Clinical area", "Surgery", "Patients affected", "10"],
        ["Strategic priority", "Safer medicines", "Projects", "1"],
    ]:
        assert row in rows
    assert not any("777" in value for row in rows for value in row)


def test_csv_follows_the_filters(client_for, staff, dataset, surgery):
    rows = csv_rows(client_for(staff).get(EXPORT, {**PERIOD, "area": surgery.pk}))
    assert ["Filter", "Clinical area", "", "Surgery"] in rows
    assert ["Department", "Pharmacy", "Projects", "1"] in rows


def test_csv_neutralises_formula_like_names(client_for, staff, dataset, pharmacy):
    ClinicalAreaFactory(department=pharmacy, name="=HYPERLINK(1)")
    rows = csv_rows(client_for(staff).get(EXPORT, PERIOD))
    names = {row[1] for row in rows if row[0] == "Clinical area"}
    assert "'=HYPERLINK(1)" in names
    assert "=HYPERLINK(1)" not in names


def test_page_link_downloads_the_figures_shown(client_for, staff, dataset, surgery):
    html = client_for(staff).get(REPORT, {**PERIOD, "area": surgery.pk}).content.decode()
    assert f'href="{EXPORT}?from={START}&amp;to={END}&amp;area={surgery.pk}"' in html


# Charts.


def test_every_chart_is_an_accessible_svg_followed_by_its_table(client_for, staff, dataset):
    html = client_for(staff).get(REPORT, PERIOD).content.decode()
    for slug in ("stages", "hours", "savings", "benefits", "months", "priorities", "areas"):
        assert f'aria-labelledby="chart-{slug}-title" aria-describedby="chart-{slug}-desc"' in html
        rest = html.split(f'id="chart-{slug}-desc"', 1)[1]
        next_chart = rest.find("<svg ")
        assert rest.index("</svg>") < rest.index("<table")
        assert rest.index("<table") < (next_chart if next_chart != -1 else len(rest))
    assert html.count('role="img"') >= 7
    assert 'style="' not in html
    assert "<script>" not in html


# Query counts.


def build_projects(department, lead, count: int, groups: int):
    """`count` projects spread over `groups` areas and priorities, each with all kinds of row."""
    areas = [ClinicalAreaFactory(department=department) for _ in range(groups)]
    priorities = [StrategicPriorityFactory(department=department) for _ in range(groups)]
    buddy = PersonFactory(department=department)
    for i in range(count):
        project = ProjectFactory(
            lead=lead,
            clinical_areas=[areas[i % groups]],
            strategic_priorities=[priorities[i % groups]],
        )
        Membership.objects.create(project=project, person=buddy, role_title="Data collector")
        done_task(project, buddy, "1", completed_days_ago=3)
        make_saving(project, lead, "100")
        make_impact(project, "1", 5, ["safety"])
        ProgressUpdateFactory(project=project)


@pytest.mark.parametrize(("projects", "groups"), [(1, 1), (50, 10)])
def test_query_count_is_bounded(
    client_for, staff, pharmacy, django_assert_max_num_queries, projects, groups
):
    build_projects(pharmacy, staff, projects, groups)
    client = client_for(staff)
    # session, user, person, their department, the champion check in the navigation; the
    # area and priority choices; the totals, each area and each priority in one statement,
    # with benefits and staff share, stages; projects submitted, tasks done and progress
    # updates by month.
    # +1: may the viewer see every department (the trust QI team's permission).
    with django_assert_max_num_queries(13):
        response = client.get(REPORT)
    assert f"{projects}, of which 0 completed" in response.content.decode()
    with django_assert_max_num_queries(12):  # the same +1
        client.get(EXPORT)


def test_chart_series_differ_by_pattern_as_well_as_colour(client_for, staff, dataset):
    html = client_for(staff).get(REPORT, PERIOD).content.decode()
    savings = html[html.index('id="chart-savings-title"') :]
    savings = savings[: savings.index("</svg>")]
    # Claimed bars are solid; validated bars and their legend swatch use the chart's hatching.
    assert '<pattern id="chart-savings-series-1"' in savings
    assert savings.count('fill="url(#chart-savings-series-1)"') >= 2


def test_large_figures_are_shown_with_thousands_grouped(client_for, staff, project):
    make_impact(project, "1250", 4620, ["safety"])
    html = client_for(staff).get(REPORT, PERIOD).content.decode()
    assert 'Patients affected</dt><dd class="nhsuk-summary-list__value">4,620</dd>' in html
    assert "4620" not in html
    assert "1,250 hours a month" in html
