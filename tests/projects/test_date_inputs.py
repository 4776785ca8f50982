"""Dates are typed in the NHS date input (day, month, year) on the pages that ask for them."""

import datetime as dt
import re

from django.urls import reverse

from projects.models import Project, Task
from tests.factories import TaskFactory


def date_boxes(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="text" name="{name}_(day|month|year)"', html)


def test_proposing_a_project_asks_for_dates_in_three_boxes(client_for, staff):
    html = client_for(staff).get(reverse("projects:create")).content.decode()
    assert 'type="date"' not in html
    assert date_boxes(html, "start_date") == ["day", "month", "year"]
    assert date_boxes(html, "target_end_date") == ["day", "month", "year"]
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Start date</legend>'
        in html
    )
    assert "For example, 15 3 2026" in html


def test_a_proposal_saves_its_dates_from_the_boxes(client_for, staff, acute_medicine):
    data = {
        "title": "Safer opioid prescribing at discharge",
        "kind": "qi",
        "aim": "Cut discharge opioid supplies over 7 days by 40% in 6 months.",
        "problem": "Patients go home with weeks of opioids they do not need.",
        "clinical_areas": [acute_medicine.pk],
        "start_date_day": "1",
        "start_date_month": "12",
        "start_date_year": "2026",
        "target_end_date_day": "1",
        "target_end_date_month": "6",
        "target_end_date_year": "2027",
        "commitment_hours": "2",
        "commitment_period": "week",
        "commitment_weeks": "26",
        "draft": "1",
    }
    response = client_for(staff).post(reverse("projects:create"), data)
    assert response.status_code == 302
    project = Project.objects.get(title=data["title"])
    assert (project.start_date, project.target_end_date) == (
        dt.date(2026, 12, 1),
        dt.date(2027, 6, 1),
    )


def task_data(**due):
    return {"title": "Audit fridge temperatures", "estimated_hours": "1.5", **due}


def test_a_task_due_date_typed_in_boxes_is_saved(client_for, staff, project):
    url = reverse("projects:task_create", args=[project.pk])
    due = {"due_date_day": "15", "due_date_month": "1", "due_date_year": "2027"}
    response = client_for(staff).post(url, task_data(**due))
    assert response.status_code == 302
    assert Task.objects.get(title="Audit fridge temperatures").due_date == dt.date(2027, 1, 15)


def test_an_impossible_due_date_is_refused_and_the_summary_links_to_the_day_box(
    client_for, staff, project
):
    url = reverse("projects:task_create", args=[project.pk])
    due = {"due_date_day": "31", "due_date_month": "2", "due_date_year": "2027"}
    html = client_for(staff).post(url, task_data(**due)).content.decode()
    assert '<a href="#id_due_date">Due date must be a real date</a>' in html
    assert re.search(r'name="due_date_day" value="31"[^>]*id="id_due_date"', html)
    assert html.count("nhsuk-date-input__input nhsuk-input--width-2 nhsuk-input--error") == 2
    assert 'aria-describedby="id_due_date-hint id_due_date-error"' in html
    assert project.tasks.count() == 0


def test_a_due_date_without_a_year_says_so_and_marks_only_the_year(client_for, staff, project):
    url = reverse("projects:task_create", args=[project.pk])
    due = {"due_date_day": "15", "due_date_month": "1", "due_date_year": ""}
    html = client_for(staff).post(url, task_data(**due)).content.decode()
    assert "Due date must include a year" in html
    assert html.count("nhsuk-input--error") == 1
    assert re.search(r'id="id_due_date-year" class="[^"]*nhsuk-input--error"', html)
    assert project.tasks.count() == 0


def test_the_task_board_filters_by_a_due_date_in_boxes_or_in_a_link(client_for, staff, project):
    TaskFactory(project=project, title="Fits", due_date=dt.date(2027, 1, 10))
    TaskFactory(project=project, title="Later", due_date=dt.date(2027, 3, 1))
    client = client_for(staff)
    url = reverse("tasks:board")
    boxes = {"due_before_day": "31", "due_before_month": "1", "due_before_year": "2027"}
    for query in (boxes, {"due_before": "2027-01-31"}):
        html = client.get(url, query).content.decode()
        assert "Fits" in html
        assert "Later" not in html
        assert 'name="due_before_day" value="31"' in html


def test_a_report_period_in_boxes_is_the_period_used(client_for, manager, staff):
    query = {"from_day": "1", "from_month": "1", "from_year": "2026", "to": "2026-03-31"}
    response = client_for(manager).get(reverse("people:team"), query)
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    html = response.content.decode()
    # The appraisal summaries' period has its own ids, so no id is used twice.
    assert 'id="id_summary_from"' in html
    assert 'id="id_from"' in html
    assert 'name="to_month" value="3"' in html
