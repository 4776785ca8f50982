import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project, Task
from tests.factories import (
    ProgressUpdateFactory,
    ProjectFactory,
    RoleOpeningFactory,
    SkillFactory,
    TaskFactory,
)
from tests.helpers import project_edit_data


def test_detail_shows_the_whole_project(client_for, staff, project):
    RoleOpeningFactory(project=project, title="Pharmacist reviewer", places=2)
    TaskFactory(project=project, title="Count omitted doses", estimated_hours=3)
    ProgressUpdateFactory(project=project, done="Baseline done", blockers="Need BI data")
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    for text in [
        project.reference,
        project.aim,
        "Planning",
        "Sam Taylor (lead)",
        "Pharmacist reviewer",
        "Count omitted doses",
        "Baseline done",
        "Need BI data",
        reverse("projects:history", args=[project.pk]),
    ]:
        assert text in html


def test_detail_page_query_count_is_bounded(
    client_for, staff, project, django_assert_max_num_queries
):
    skills = [SkillFactory(name="Excel"), SkillFactory(name="Teaching")]
    for _ in range(10):
        TaskFactory(project=project, skills_needed=skills)
        RoleOpeningFactory(project=project)
        ProgressUpdateFactory(project=project)
    client = client_for(staff)
    # session, user, person, the person's champion areas; project, areas, co-leads; team
    # members, my own request, requests waiting for the lead; latest decision, mentoring notes,
    # follow-on projects; priorities, openings, tasks with claimants, task skills, updates;
    # showcase slots with presenters, the next showcase session with room (for a lead);
    # award recognition (one query: recognition/templatetags/award_tags.py); the poster (one
    # query: recognition/templatetags/board_tags.py); measures, PDSA cycles and impact (four
    # queries for the lead: impact, savings, measures with counts, cycles; see
    # measurement/templatetags/measurement_tags.py and tests/measurement/test_impact.py); the other
    # departments involved.
    with django_assert_max_num_queries(27):
        client.get(reverse("projects:detail", args=[project.pk]))


def test_lead_edits_project_and_moves_between_active_stages(client_for, staff, project):
    url = reverse("projects:edit", args=[project.pk])
    response = client_for(staff).post(
        url, project_edit_data(project, title="Renamed project", stage="testing")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.stage) == ("Renamed project", Project.Stage.TESTING)


def test_edit_form_refuses_stages_outside_the_active_ones(client_for, staff, project):
    url = reverse("projects:edit", args=[project.pk])
    response = client_for(staff).post(url, project_edit_data(project, stage="completed"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Project.Stage.PLANNING


def test_proposed_project_has_no_stage_choice_for_the_lead(client_for, staff, project):
    project.stage = Project.Stage.PROPOSED
    project.save()
    html = client_for(staff).get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="stage"' not in html


def test_team_adds_a_task_which_becomes_searchable(client_for, staff, project):
    skill = SkillFactory(name="Data collection")
    url = reverse("projects:task_create", args=[project.pk])
    data = {
        "title": "Audit fridge temperatures",
        "description": "Two weeks of readings",
        "estimated_hours": "1.5",
        "skills_needed": [skill.pk],
        "due_date": "2027-01-15",
        "status": "open",
    }
    response = client_for(staff).post(url, data)
    assert response.status_code == 302
    task = Task.objects.get(title="Audit fridge temperatures")
    assert list(task.skills_needed.all()) == [skill]
    found = client_for(staff).get(reverse("projects:register"), {"q": "fridge"})
    assert [p.pk for p in found.context["page"].object_list] == [project.pk]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "estimated_hours": "2"}, "title", "Enter a title for the task"),
        ({"title": "T", "estimated_hours": "-1"}, "estimated_hours", "at least 0.5"),
        ({"title": "T", "estimated_hours": ""}, "estimated_hours", "Enter the estimated hours"),
    ],
)
def test_bad_task_input_saves_nothing(client_for, staff, project, data, field, message):
    response = client_for(staff).post(
        reverse("projects:task_create", args=[project.pk]), {"status": "open", **data}
    )
    html = response.content.decode()
    assert f'href="#id_{field}"' in html
    assert message in html
    assert project.tasks.count() == 0


def test_team_edits_a_role_opening(client_for, staff, project):
    opening = RoleOpeningFactory(project=project, places=1)
    url = reverse("projects:opening_edit", args=[project.pk, opening.pk])
    data = {
        "title": "Co-lead",
        "places": "3",
        "commitment_hours": "4",
        "commitment_period": "month",
        "version": opening.version,
    }
    assert client_for(staff).post(url, data).status_code == 302
    opening.refresh_from_db()
    assert (opening.title, opening.places, opening.is_open) == ("Co-lead", 3, False)


def test_role_opening_needs_at_least_one_place(client_for, staff, project):
    url = reverse("projects:opening_create", args=[project.pk])
    response = client_for(staff).post(
        url, {"title": "Reviewer", "places": "0", "commitment_period": "week", "is_open": "on"}
    )
    assert "Places must be at least 1" in response.content.decode()
    assert project.role_openings.count() == 0


def test_team_records_progress_with_the_author(client_for, champion, project):
    url = reverse("projects:update_create", args=[project.pk])
    data = {"date": "2026-11-01", "done": "Tested the new chart", "next_steps": "Roll out"}
    assert client_for(champion).post(url, data).status_code == 302
    update = project.progress_updates.get()
    assert update.author == champion
    assert update.history.get().history_user == champion.user


def test_progress_update_cannot_be_dated_in_the_future(client_for, staff, project):
    url = reverse("projects:update_create", args=[project.pk])
    response = client_for(staff).post(url, {"date": "2999-01-01", "done": "Time travel"})
    assert "cannot be in the future" in response.content.decode()
    assert project.progress_updates.count() == 0


def test_history_page_shows_who_changed_what(client_for, staff, champion, project):
    client_for(champion).post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, title="Retitled by the champion"),
    )
    html = client_for(staff).get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Chris Okoro" in html
    assert "<strong>Title</strong>: Reducing omitted critical medicines on the wards" in html
    assert "→ Retitled by the champion" in html


def test_csv_export_follows_the_filters_and_neutralises_formulas(client_for, staff, project):
    ProjectFactory(title='=HYPERLINK("http://evil")', stage=Project.Stage.TESTING)
    response = client_for(staff).get(
        reverse("projects:export_csv"), {"stage": "testing", "department": ""}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Reference", "Title"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_xlsx_export_contains_the_register(client_for, staff, project):
    ProjectFactory(title="@SUM(A1)")
    response = client_for(staff).get(reverse("projects:export_xlsx"), {"department": ""})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert project.title in values
    assert "@SUM(A1)" in values  # a string cell: shown as typed, never evaluated


def test_exports_do_not_leak_drafts(client_for, outsider, draft, project):
    response = client_for(outsider).get(reverse("projects:export_csv"), {"department": ""})
    body = b"".join(response.streaming_content).decode()
    assert project.title in body
    assert draft.title not in body


def test_anonymous_cannot_export(client, project):
    response = client.get(reverse("projects:export_csv"))
    assert response.status_code == 302


# The project page reads its stage and kind as the model names them


@pytest.mark.parametrize(
    ("stage", "closure_text"),
    [
        (Project.Stage.PLANNING, "A closure report is written when the project is implementing"),
        (Project.Stage.ON_HOLD, "A closure report is written when the project is implementing"),
        (Project.Stage.IMPLEMENTING, "Write the closure report"),
        (Project.Stage.SUSTAINING, "Write the closure report"),
        (Project.Stage.COMPLETED, "Read the closure report"),
    ],
)
def test_closure_section_follows_the_stage(client_for, staff, stage, closure_text):
    project = ProjectFactory(lead=staff, stage=stage)
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert closure_text in html


def test_tasks_on_a_project_on_hold_say_so(client_for, staff):
    project = ProjectFactory(lead=staff, stage=Project.Stage.ON_HOLD)
    TaskFactory(project=project)
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "while it is being worked on; it is on hold." in html


@pytest.mark.parametrize(
    ("kind", "offered"), [(Project.Kind.CLINICAL_AUDIT, True), (Project.Kind.QI_PROJECT, False)]
)
def test_champion_may_start_a_qi_project_from_an_audit_only(
    client_for, champion, staff, acute_medicine, kind, offered
):
    project = ProjectFactory(lead=staff, kind=kind, clinical_areas=[acute_medicine])
    html = client_for(champion).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert ("Start a QI project from this audit" in html) is offered
