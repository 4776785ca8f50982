"""Measures, their data and their charts: pages, permissions, data entry, spc.json."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.urls import reverse

from measurement import spc
from measurement.forms import DataPasteForm
from measurement.models import DataPoint, Measure, PDSACycle
from measurement.paste import Row, parse_data
from measurement.services import data_import
from projects.models import Membership
from tests.factories import PersonFactory
from tests.measurement.paste_steps import preview_fields

PERSONAS_BUILT_ONCE = ("staff", "champion", "manager", "admin", "outsider", "project")

START = dt.date(2026, 1, 5)  # a Monday
# Twelve weeks around 20, then eight a little higher: inside the limits of the first twelve
# (mean 20, AMR 35/11, upper limit 28.5, near-limit line 25.6), so only the shift rule flags
# them when the baseline is fixed at 12.
SHIFT_SERIES = [
    20,
    22,
    18,
    21,
    19,
    23,
    17,
    20,
    22,
    18,
    21,
    19,
    24,
    23.5,
    24.5,
    24,
    23.8,
    24.2,
    24,
    24.1,
]

# (persona, sees a draft, records measures and data)
MATRIX = [
    ("staff", True, True),  # the lead
    ("member", False, True),  # a current team member (drafts are the leads' own)
    ("former_member", False, False),  # left the team
    ("champion", True, False),  # sees and validates, but the record is the team's
    ("colleague", False, False),  # same department, not on the team
    ("manager", False, False),
    ("admin", True, True),
    ("outsider", False, False),  # another department
]


@pytest.fixture
def member(pharmacy, project):
    person = PersonFactory(department=pharmacy, display_name="Mo Member")
    Membership.objects.create(project=project, person=person, role_title="Data collector")
    return person


@pytest.fixture
def former_member(pharmacy, project):
    person = PersonFactory(department=pharmacy, display_name="Fay Former")
    Membership.objects.create(
        project=project, person=person, role_title="Data collector", left_on=START
    )
    return person


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


def make_measure(project, **fields):
    defaults = {
        "name": "Doses given on time",
        "kind": Measure.Kind.PROCESS,
        "unit": "%",
        "improvement_direction": Measure.Direction.INCREASE,
    }
    return Measure.objects.create(project=project, **{**defaults, **fields})


def add_points(measure, values, *, start=START, step_days=7):
    return DataPoint.objects.bulk_create(
        DataPoint(
            measure=measure, date=start + dt.timedelta(days=step_days * i), value=Decimal(str(v))
        )
        for i, v in enumerate(values)
    )


@pytest.fixture
def measure(project):
    return make_measure(project)


def rows_text(values, *, start=START):
    return "\n".join(
        f"{start + dt.timedelta(weeks=i):%Y-%m-%d},{value}" for i, value in enumerate(values)
    )


def _as(request, client_for, persona):
    return client_for(request.getfixturevalue(persona))


def _urls(project, measure, point):
    args = [project.pk, measure.pk]
    return {
        "view": [
            reverse("measurement:measure_detail", args=args),
            reverse("measurement:measure_spc_json", args=args),
        ],
        "record": [
            reverse("measurement:measure_create", args=[project.pk]),
            reverse("measurement:measure_edit", args=args),
            reverse("measurement:measure_delete", args=args),
            reverse("measurement:datapoint_edit", args=[*args, point.pk]),
            reverse("measurement:datapoint_delete", args=[*args, point.pk]),
            reverse("measurement:data_paste", args=args),
        ],
    }


# --- Permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "sees_draft", "records"), MATRIX)
def test_chart_page_and_json_are_open_to_whoever_sees_the_project(
    request, client_for, project, member, former_member, persona, sees_draft, records
):
    measure = make_measure(project)
    point = add_points(measure, [1, 2, 3])[0]
    client = _as(request, client_for, persona)
    for url in _urls(project, measure, point)["view"]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("persona", "sees_draft", "records"), MATRIX)
def test_a_drafts_measures_are_hidden_like_the_draft(
    request, client_for, draft, persona, sees_draft, records
):
    measure = make_measure(draft)
    point = add_points(measure, [1, 2, 3])[0]
    client = _as(request, client_for, persona)
    urls = _urls(draft, measure, point)
    for url in urls["view"]:
        assert client.get(url).status_code == (200 if sees_draft else 404), url
    for url in urls["record"]:
        if not sees_draft:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"name": "Hijacked"}).status_code == 404, url


@pytest.mark.parametrize(("persona", "sees_draft", "records"), MATRIX)
def test_only_the_team_and_admins_record_measures_and_data(
    request, client_for, project, member, former_member, persona, sees_draft, records
):
    measure = make_measure(project)
    point = add_points(measure, [1, 2, 3])[0]
    client = _as(request, client_for, persona)
    for url in _urls(project, measure, point)["record"]:
        assert client.get(url).status_code == (200 if records else 403), url
        if not records:
            assert client.post(url, {"name": "Hijacked", "data": "2026-09-01,9"}).status_code == 403
    args = [project.pk, measure.pk]
    add = client.post(
        reverse("measurement:datapoint_add", args=args), {"date": "2026-10-01", "value": "5"}
    )
    assert add.status_code == (302 if records else 403)
    delete = client.post(reverse("measurement:datapoint_delete", args=[*args, point.pk]))
    assert delete.status_code == (302 if records else 403)
    measure.refresh_from_db()
    assert measure.name == "Doses given on time"
    assert DataPoint.objects.filter(pk=point.pk).exists() is not records
    assert measure.points.filter(date="2026-10-01").exists() is records
    assert not measure.points.filter(date="2026-09-01").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, project, measure):
    point = add_points(measure, [1, 2])[0]
    urls = _urls(project, measure, point)
    args = [project.pk, measure.pk]
    urls["post"] = [
        reverse("measurement:datapoint_add", args=args),
        reverse("measurement:datapoint_delete", args=[*args, point.pk]),
    ]
    for url in [*urls["view"], *urls["record"], *urls["post"]]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/"), url


def test_deleting_a_value_is_confirmed_on_a_page_that_deletes_nothing(
    client_for, staff, project, measure, django_assert_max_num_queries
):
    point = add_points(measure, [12.5, 14])[0]
    point.annotation = "Agency staff on the ward"
    point.save()
    url = reverse("measurement:datapoint_delete", args=[project.pk, measure.pk, point.pk])
    back = reverse("measurement:measure_detail", args=[project.pk, measure.pk])
    client = client_for(staff)
    # Session, user, person; the project with its areas, co-leads and partner departments (4);
    # the measure; the value; the viewer's champion areas.
    with django_assert_max_num_queries(10):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete the value for 5 Jan 2026?" in html
    assert '<dd class="nhsuk-summary-list__value">12.5%</dd>' in html
    assert "Agency staff on the ward" in html
    assert "This cannot be undone" in html
    assert (
        'nhsuk-button--warning" data-module="nhsuk-button" type="submit">Yes, delete the value'
        in html
    )
    assert f'href="{back}#values">No, keep it</a>' in html
    assert DataPoint.objects.filter(pk=point.pk).exists()  # a GET deletes nothing
    response = client.post(url, follow=True)
    assert "Value for 5 Jan 2026 deleted." in response.content.decode()
    assert not DataPoint.objects.filter(pk=point.pk).exists()


def test_the_change_page_and_the_table_link_to_the_confirmation(
    client_for, staff, project, measure
):
    point = add_points(measure, [1, 2])[0]
    url = reverse("measurement:datapoint_delete", args=[project.pk, measure.pk, point.pk])
    client = client_for(staff)
    change = client.get(
        reverse("measurement:datapoint_edit", args=[project.pk, measure.pk, point.pk])
    ).content.decode()
    table = _detail(client, project, measure)
    for html in (change, table):
        assert f'<a class="qi-inline-link" href="{url}">' in html or f'<a href="{url}">' in html
        assert f'action="{url}"' not in html


def test_getting_the_add_value_url_goes_to_the_chart_page(client_for, staff, project, measure):
    response = client_for(staff).get(
        reverse("measurement:datapoint_add", args=[project.pk, measure.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "measurement:measure_detail", args=[project.pk, measure.pk]
    )


def test_a_measure_is_only_found_under_its_own_project(client_for, admin, project, draft):
    other = make_measure(draft, name="Elsewhere")
    response = client_for(admin).get(
        reverse("measurement:measure_detail", args=[project.pk, other.pk])
    )
    assert response.status_code == 404


# --- Measures --------------------------------------------------------------------------------


def measure_data(**changes):
    return {
        "name": "Doses given on time",
        "kind": "process",
        "definition": "Doses given within 30 minutes of the prescribed time / doses due",
        "unit": "%",
        "improvement_direction": "increase",
        "target": "95",
        "chart_type": "spc",
        "baseline_points": "12",
        "rebase_dates": "2026-03-02",
        "screen_outliers": "on",
        "rule_length": "7",
        "rules": ["outside_limits", "trend", "two_in_three", "shift"],
        "version": 1,  # what an edit page opened on a measure never edited carries
        **changes,
    }


def test_team_adds_a_measure(client_for, staff, project):
    response = client_for(staff).post(
        reverse("measurement:measure_create", args=[project.pk]), measure_data()
    )
    measure = project.measures.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "measurement:measure_detail", args=[project.pk, measure.pk]
    )
    assert (measure.target, measure.baseline_points, measure.rebase_dates) == (
        Decimal("95"),
        12,
        [dt.date(2026, 3, 2)],
    )
    assert measure.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "doses GIVEN on time"}, "name", "already has a measure with this name"),
        ({"baseline_points": "11"}, "baseline_points", "A baseline needs at least 12 points"),
        ({"rebase_dates": "2026-03-02\n2nd March"}, "rebase_dates", "“2nd” is not a date"),
        ({"name": ""}, "name", "Give the measure a name"),
    ],
)
def test_bad_measure_input_is_shown_and_nothing_saved(
    client_for, staff, project, changes, field, message
):
    make_measure(project, name="Doses given on time")
    response = client_for(staff).post(
        reverse("measurement:measure_create", args=[project.pk]),
        measure_data(**changes),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in html  # in the error summary, linking to the field
    assert f'id="id_{field}-error"' in html  # and at the field
    assert message in html
    assert project.measures.count() == 1


def test_team_edits_a_measure(client_for, staff, project, measure):
    url = reverse("measurement:measure_edit", args=[project.pk, measure.pk])
    response = client_for(staff).post(
        url,
        measure_data(name="Doses on time", chart_type="run", rebase_dates="", baseline_points=""),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.name, measure.chart_type, measure.rebase_dates) == ("Doses on time", "run", [])


def test_deleting_a_measure_asks_first_then_removes_its_values(client_for, staff, project, measure):
    add_points(measure, [1, 2, 3])
    url = reverse("measurement:measure_delete", args=[project.pk, measure.pk])
    client = client_for(staff)
    page = client.get(url).content.decode()
    assert "Delete “Doses given on time”?" in page
    assert "3 values" in page
    assert "Yes, delete the measure" in page
    detail = reverse("measurement:measure_detail", args=[project.pk, measure.pk])
    assert f'<a class="nhsuk-link" href="{detail}">No, keep it</a>' in page
    assert Measure.objects.filter(pk=measure.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert not DataPoint.objects.filter(measure_id=measure.pk).exists()


# --- One value at a time ---------------------------------------------------------------------


def test_team_adds_one_value(client_for, staff, project, measure):
    response = client_for(staff).post(
        reverse("measurement:datapoint_add", args=[project.pk, measure.pk]),
        {"date": "2026-02-02", "value": "87.5", "annotation": "New chart introduced"},
    )
    assert response.status_code == 302
    point = measure.points.get()
    assert (point.date, point.value, point.annotation, point.entered_by) == (
        dt.date(2026, 2, 2),
        Decimal("87.5"),
        "New chart introduced",
        staff,
    )


def test_a_second_value_for_the_same_date_is_refused(client_for, staff, project, measure):
    add_points(measure, [80])
    response = client_for(staff).post(
        reverse("measurement:datapoint_add", args=[project.pk, measure.pk]),
        {"date": START.isoformat(), "value": "90"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is already a value for 05/01/2026: edit that one" in html
    assert 'href="#id_date"' in html
    assert 'id="id_date-error"' in html
    assert [p.value for p in measure.points.all()] == [Decimal("80")]


def test_team_changes_a_value(client_for, staff, project, measure):
    point = add_points(measure, [80, 81])[1]
    url = reverse("measurement:datapoint_edit", args=[project.pk, measure.pk, point.pk])
    response = client_for(staff).post(
        url, {"date": point.date.isoformat(), "value": "85", "annotation": "Recounted"}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.value, point.annotation, point.entered_by) == (Decimal("85"), "Recounted", staff)


def test_changing_a_value_to_another_values_date_is_refused(client_for, staff, project, measure):
    first, second = add_points(measure, [80, 81])
    url = reverse("measurement:datapoint_edit", args=[project.pk, measure.pk, second.pk])
    response = client_for(staff).post(url, {"date": first.date.isoformat(), "value": "85"})
    assert "There is already a value for" in response.content.decode()
    second.refresh_from_db()
    assert (second.date, second.value) == (START + dt.timedelta(days=7), Decimal("81"))


def test_team_deletes_a_value(client_for, staff, project, measure):
    point = add_points(measure, [80, 81])[0]
    response = client_for(staff).post(
        reverse("measurement:datapoint_delete", args=[project.pk, measure.pk, point.pk])
    )
    assert response.status_code == 302
    assert list(measure.points.values_list("value", flat=True)) == [Decimal("81")]


# --- Pasting and uploading -------------------------------------------------------------------


def _paste(client, project, measure, **data):
    """The first step: the rows read and previewed (or the form with its errors)."""
    return client.post(reverse("measurement:data_paste", args=[project.pk, measure.pk]), data)


def _save_previewed(client, project, measure, preview):
    """The second step: "Save these values" on the preview, which posts back what it read."""
    return client.post(
        reverse("measurement:data_paste", args=[project.pk, measure.pk]),
        {**preview_fields(preview.content.decode()), "save": "1"},
    )


def _paste_and_save(client, project, measure, **data):
    preview = _paste(client, project, measure, **data)
    assert preview.status_code == 200
    assert "Check the values before saving them" in preview.content.decode()
    return _save_previewed(client, project, measure, preview)


def test_pasting_twenty_rows_adds_twenty_values(client_for, staff, project, measure):
    client = client_for(staff)
    response = _paste_and_save(client, project, measure, data=rows_text(SHIFT_SERIES))
    assert response.status_code == 302
    assert measure.points.count() == 20
    assert measure.points.last().value == Decimal("24.1")
    page = client.get(response["Location"]).content.decode()
    assert "20 added, 0 updated." in page


BAD_ROWS = "date,value\n2026-01-05,20\nsoon,21\n2026-01-19,lots\n05/01/2026,22\n2026-02-02,23"
# Rows are numbered as lines of what was pasted, the header being row 1.
BAD_ROW_MESSAGES = [
    "Row 3: “soon” is not a date: write it day first, like 31/01/2026 or 31 Jan 2026",
    "Row 4: “lots” is not a number",
    "Row 5: 05/01/2026 is already in row 2",
]


def _error_summary(html: str) -> str:
    start = html.index('class="nhsuk-error-summary"')
    return html[start : html.index("</ul>", start)]


def test_pasted_rows_with_problems_are_each_listed_and_nothing_saved(
    client_for, staff, project, measure
):
    response = _paste(client_for(staff), project, measure, data=BAD_ROWS)
    html = response.content.decode()
    assert response.status_code == 200
    summary = _error_summary(html)
    field_errors = html[html.index('id="id_data-error"') :]
    for message in BAD_ROW_MESSAGES:
        assert f'<a href="#id_data">{message}</a>' in summary
        assert message in field_errors
    assert measure.points.count() == 0


def test_uploaded_csv_with_problems_is_listed_and_nothing_saved(
    client_for, staff, project, measure
):
    upload = SimpleUploadedFile("data.csv", BAD_ROWS.encode(), content_type="text/csv")
    response = _paste(client_for(staff), project, measure, file=upload)
    html = response.content.decode()
    summary = _error_summary(html)
    for message in BAD_ROW_MESSAGES:
        assert f'<a href="#id_file">{message}</a>' in summary
    assert 'id="id_file-error"' in html
    assert measure.points.count() == 0


def test_uploaded_csv_adds_its_rows(client_for, staff, project, measure):
    text = "\ufeffDate,Value,Note\n" + rows_text(SHIFT_SERIES[:12])  # Excel's UTF-8 BOM
    upload = SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")
    response = _paste_and_save(client_for(staff), project, measure, file=upload)
    assert response.status_code == 302
    assert measure.points.count() == 12


def test_a_file_that_is_not_utf8_is_refused_with_a_message(client_for, staff, project, measure):
    upload = SimpleUploadedFile("data.csv", "2026-01-05,£20\n".encode("cp1252"))
    response = _paste(client_for(staff), project, measure, file=upload)
    html = response.content.decode()
    assert '<a href="#id_file">The file must be a CSV saved as text (UTF-8)</a>' in html
    assert measure.points.count() == 0


def test_pasting_again_updates_the_dates_already_there(client_for, staff, project, measure):
    add_points(measure, [10, 11])
    client = client_for(staff)
    text = rows_text([10, 15, 12])  # the first unchanged, the second changed, one new
    response = _paste_and_save(client, project, measure, data=text)
    assert "1 added, 1 updated." in client.get(response["Location"]).content.decode()
    assert list(measure.points.values_list("value", flat=True)) == [
        Decimal("10"),
        Decimal("15"),
        Decimal("12"),
    ]


def test_a_pasted_value_too_big_to_store_is_a_row_error(client_for, staff, project, measure):
    response = _paste(client_for(staff), project, measure, data="2026-01-05,99999999999")
    assert "Row 1" in response.content.decode()
    assert measure.points.count() == 0


def test_nothing_pasted_and_no_file_asks_for_one(client_for, staff, project, measure):
    response = _paste(client_for(staff), project, measure, data="  ")
    assert "Paste some rows or choose a CSV file" in response.content.decode()


# --- The chart page --------------------------------------------------------------------------


def _detail(client, project, measure) -> str:
    response = client.get(reverse("measurement:measure_detail", args=[project.pk, measure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_chart_page_flags_a_known_shift_in_the_table_and_the_badge(
    client_for, champion, project, measure
):
    measure.baseline_points = 12
    measure.save()
    add_points(measure, SHIFT_SERIES)
    html = _detail(client_for(champion), project, measure)
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-title-wide"' in html
    assert 'aria-labelledby="chart-title-narrow"' in html
    assert "20 weekly values from 5 Jan 2026 to 18 May 2026." in html  # the description
    assert "The last 8 are special cause improvement (a shift)." in html
    assert "Variation icon: Special cause improving (high)</title>" in html
    assert "Special cause improving (high)</p>" in html  # the words beside the icon
    rows = html[html.index("<tbody") :]
    assert rows.count("<strong>Special cause improvement (a shift)</strong>") == 8
    assert rows.count("Common cause") == 12
    # The chart page shows no editing controls to a champion, who is not on the team.
    assert "Add one value" not in html
    assert "Change<span" not in html


def test_chart_page_gives_the_team_the_value_form_and_row_actions(
    client_for, staff, project, measure
):
    point = add_points(measure, [1, 2, 3])[1]
    html = _detail(client_for(staff), project, measure)
    assert "Add one value" in html
    assert reverse("measurement:data_paste", args=[project.pk, measure.pk]) in html
    assert reverse("measurement:datapoint_edit", args=[project.pk, measure.pk, point.pk]) in html
    assert reverse("measurement:datapoint_delete", args=[project.pk, measure.pk, point.pk]) in html
    assert '<span class="nhsuk-u-visually-hidden"> the value for 12 Jan 2026</span>' in html


def test_chart_shows_target_assurance_and_trial_limits(client_for, staff, project, measure):
    measure.target = Decimal("50")
    measure.save()
    add_points(measure, [20, 22, 18, 21, 19, 23, 17, 20, 22, 18])
    html = _detail(client_for(staff), project, measure)
    assert "Assurance icon: Consistently failing the target</title>" in html
    assert "Trial limits: fewer than 13 points" in html
    assert "Target 50" in html


def test_fewer_than_two_values_shows_a_message_instead_of_a_chart(
    client_for, staff, project, measure
):
    add_points(measure, [5])
    html = _detail(client_for(staff), project, measure)
    assert "The chart appears once the measure has at least 2 values. It has 1." in html
    assert "<svg" not in html.split('id="values"')[0].split('id="chart"')[1]
    assert "Not yet charted" in html


def test_pdsa_cycle_starts_and_notes_are_marked_on_the_chart(client_for, staff, project, measure):
    points = add_points(measure, SHIFT_SERIES)
    points[12].annotation = "New prescribing chart"
    points[12].save()
    cycle = PDSACycle.objects.create(
        project=project,
        number=2,
        change_idea="Dose reminder stickers",
        start_date=START + dt.timedelta(weeks=11, days=3),
        created_by=staff,
    )
    cycle.measures.add(measure)
    PDSACycle.objects.create(
        project=project,
        number=3,
        change_idea="Not on this chart",
        start_date=START,
        created_by=staff,
    )
    before_the_data = PDSACycle.objects.create(
        project=project,
        number=1,
        change_idea="Tried before counting",
        start_date=START - dt.timedelta(days=40),
        created_by=staff,
    )
    before_the_data.measures.add(measure)
    html = _detail(client_for(staff), project, measure)
    start = html.index('<svg class="qi-chart__svg qi-chart__svg--wide"')
    svg = html[start : html.index("</svg>", start)]
    assert ">PDSA 2</text>" in svg
    assert "PDSA 2: Dose reminder stickers" in svg  # its tooltip
    assert "PDSA 3" not in html
    assert "Marked: PDSA 2 on 26 Mar 2026." in html
    assert ">PDSA 1</text>" not in svg
    assert "so not marked on it: PDSA 1 (started 26 Nov 2025)." in html
    assert "Note 1: New prescribing chart" in svg
    assert '<span class="qi-chart__note-number">1</span> New prescribing chart' in html


def test_a_rebase_starts_a_new_phase_with_its_own_limits(client_for, staff, project, measure):
    measure.rebase_dates = [START + dt.timedelta(weeks=12)]
    measure.save()
    add_points(measure, [20, 22, 18, 21, 19, 23, 17, 20, 22, 18, 21, 19, 30, 32, 28, 31, 29])
    html = _detail(client_for(staff), project, measure)
    assert ">Phase 2</text>" in html
    assert "Mean in the last of 2 phases 30" in html
    assert "New phase: limits recalculated" in html


def _cycle(project, staff, number, start_date, **fields):
    return PDSACycle.objects.create(
        project=project,
        number=number,
        change_idea=f"Change idea {number}",
        start_date=start_date,
        created_by=staff,
        **fields,
    )


def _offers(html: str) -> list[str]:
    return re.findall(r"Rebase the limits from [^<]*", html)


def test_the_team_is_offered_a_new_phase_where_a_pdsa_cycle_starts(
    client_for, staff, champion, draft, project, measure
):
    add_points(measure, SHIFT_SERIES)  # weekly from 5 Jan to 18 May 2026
    cycle = _cycle(project, staff, 2, dt.date(2026, 3, 26))  # not marked on this measure
    _cycle(project, staff, 1, START)  # on the first point: the chart starts there anyway
    _cycle(project, staff, 3, dt.date(2026, 6, 1))  # after the data
    _cycle(draft, staff, 1, dt.date(2026, 2, 12))  # another project's
    html = _detail(client_for(staff), project, measure)
    assert _offers(html) == ["Rebase the limits from 26 Mar 2026 (PDSA cycle 2 starts)"]
    edit = reverse("measurement:measure_edit", args=[project.pk, measure.pk])
    assert f'href="{edit}?rebase_at_cycle={cycle.pk}#id_rebase_dates"' in html
    # Only those who can change the measure are offered it.
    assert _offers(_detail(client_for(champion), project, measure)) == []


def test_no_new_phase_is_offered_where_one_already_starts_or_on_a_run_chart(
    client_for, staff, project, measure
):
    measure.rebase_dates = [dt.date(2026, 3, 30)]
    measure.save()
    add_points(measure, SHIFT_SERIES)
    _cycle(project, staff, 2, dt.date(2026, 3, 26))  # its first point is 30 Mar: taken
    _cycle(project, staff, 3, dt.date(2026, 4, 6))
    _cycle(project, staff, 4, dt.date(2026, 4, 7))  # shares 13 Apr with cycle 5
    _cycle(project, staff, 5, dt.date(2026, 4, 13))
    client = client_for(staff)
    assert _offers(_detail(client, project, measure)) == [
        "Rebase the limits from 6 Apr 2026 (PDSA cycle 3 starts)",
        "Rebase the limits from 7 Apr 2026 (PDSA cycle 4 starts)",
    ]
    run = make_measure(project, name="As a run chart", chart_type="run")
    add_points(run, SHIFT_SERIES)
    assert _offers(_detail(client, project, run)) == []


def test_taking_the_offer_fills_in_the_date_and_saving_starts_the_phase(
    client_for, staff, project, measure
):
    measure.rebase_dates = [dt.date(2026, 2, 2)]
    measure.save()
    add_points(measure, SHIFT_SERIES)
    cycle = _cycle(project, staff, 2, dt.date(2026, 3, 30))
    client = client_for(staff)
    edit = reverse("measurement:measure_edit", args=[project.pk, measure.pk])
    page = client.get(f"{edit}?rebase_at_cycle={cycle.pk}").content.decode()
    assert "Check the new phase before you save" in page
    assert "afresh from 30 Mar 2026, when PDSA cycle 2 (Change idea 2) starts" in page
    assert ">\n2026-02-02\n2026-03-30</textarea>" in page
    assert measure.rebase_dates == [dt.date(2026, 2, 2)]  # nothing changes until it is saved

    response = client.post(
        edit,
        measure_data(
            name=measure.name,
            target="",
            baseline_points="",
            rebase_dates="2026-02-02\n2026-03-30",
        ),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.rebase_dates == [dt.date(2026, 2, 2), dt.date(2026, 3, 30)]
    html = _detail(client, project, measure)
    assert _offers(html) == []
    assert (
        "From 30 Mar 2026: mean 24.01%, up from 19.88% (an improvement: higher is better)." in html
    )


@pytest.mark.parametrize("value", ["abc", "999999", "own-draft"])
def test_an_edit_page_asked_for_a_cycle_it_cannot_use_is_the_plain_form(
    client_for, staff, draft, project, measure, value
):
    if value == "own-draft":  # a cycle of another project
        value = str(_cycle(draft, staff, 1, dt.date(2026, 3, 30)).pk)
    edit = reverse("measurement:measure_edit", args=[project.pk, measure.pk])
    page = client_for(staff).get(f"{edit}?rebase_at_cycle={value}")
    assert page.status_code == 200
    assert "Check the new phase" not in page.content.decode()


def test_the_chart_page_shows_the_icons_and_what_changed_between_phases(
    client_for, champion, project, measure
):
    measure.target = Decimal("10")
    measure.rebase_dates = [START + dt.timedelta(weeks=12)]
    measure.save()
    add_points(measure, SHIFT_SERIES)
    html = _detail(client_for(champion), project, measure)
    assert html.count('class="qi-mdc__icon"') == 2
    assert 'role="img" aria-labelledby="mdc-variation-title"' in html
    assert "Variation icon: Common cause variation</title>" in html
    assert "Assurance icon: Consistently hitting the target</title>" in html
    assert ">P</text>" in html
    assert (
        '<p class="qi-chart__phase-change">From 30 Mar 2026: mean 24.01%, up from 20% '
        "(an improvement: higher is better).</p>"
    ) in html


def test_run_chart_measure_shows_the_median_and_its_signals(client_for, staff, project):
    measure = make_measure(project, chart_type=Measure.ChartType.RUN)
    add_points(measure, [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 30, 31, 29, 30, 32, 28, 30, 31])
    html = _detail(client_for(staff), project, measure)
    assert "Run chart of Doses given on time" in html
    assert ">Median 21.5</text>" in html
    assert "Special cause improvement: a shift, 8 points" in html
    assert "Run chart signal: too few runs" in html
    assert "Process limits" not in html
    # The SPC reading notes are for SPC charts only.
    assert "Read with" not in html
    spc = make_measure(project, name="Doses on time, SPC")
    add_points(spc, [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 30, 31, 29, 30, 32, 28, 30, 31])
    assert "Read with" in _detail(client_for(staff), project, spc)


def test_chart_page_query_count_does_not_grow_with_the_data(
    client_for, staff, project, django_assert_max_num_queries
):
    few, many = make_measure(project, name="Few"), make_measure(project, name="Many")
    add_points(few, range(10))
    add_points(many, [v % 7 for v in range(200)], step_days=1)
    for measure in (few, many):
        cycle = PDSACycle.objects.create(
            project=project,
            number=measure.pk,
            change_idea="Idea",
            start_date=START + dt.timedelta(days=3),
            created_by=staff,
        )
        cycle.measures.add(measure)
    client = client_for(staff)
    for measure in (few, many):
        # session, user; project, its areas and co-leads (get_project_for); the measure; its
        # data points; its PDSA cycles; the person and their champion areas (the header).
        # And the project's other departments involved.
        with django_assert_max_num_queries(11):
            _detail(client, project, measure)


def test_team_member_page_query_count_is_bounded(
    client_for, member, project, measure, django_assert_max_num_queries
):
    add_points(measure, range(50))
    client = client_for(member)
    # As above, plus the membership check in can_record_measurement (a member is not a lead).
    with django_assert_max_num_queries(12):
        _detail(client, project, measure)


# --- spc.json --------------------------------------------------------------------------------


def test_spc_json_matches_the_spc_module_for_the_same_values(client_for, staff, project, measure):
    measure.target = Decimal("22.5")
    measure.baseline_points = 12
    measure.rebase_dates = [START + dt.timedelta(weeks=16)]
    measure.save()
    points = add_points(measure, SHIFT_SERIES)
    points[3].annotation = "Locum week"
    points[3].save()
    response = client_for(staff).get(
        reverse("measurement:measure_spc_json", args=[project.pk, measure.pk])
    )
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    expected = spc.xmr_chart(
        SHIFT_SERIES,
        improvement_direction="increase",
        target=22.5,
        rebase=[16],
        fix_after_n_points=12,
    )
    chart = data["chart"]
    assert data["measure"]["target"] == 22.5
    assert chart["chart_type"] == "spc"
    assert chart["variation"] == expected.variation.value
    assert chart["assurance"] == expected.assurance.value
    assert chart["options"]["rebase"] == [16]
    assert len(chart["phases"]) == 2
    assert [p["date"] for p in chart["points"]][:2] == ["2026-01-05", "2026-01-12"]
    assert chart["points"][3]["annotation"] == "Locum week"
    for got, want in zip(chart["points"], expected.points, strict=True):
        assert (got["value"], got["mean"], got["lpl"], got["upl"]) == pytest.approx(
            (want.value, want.mean, want.lpl, want.upl)
        )
        assert (got["near_lpl"], got["near_upl"]) == pytest.approx((want.near_lpl, want.near_upl))
        assert (got["point_type"], got["rule"]) == (
            want.point_type.value,
            want.rule and want.rule.value,
        )


def test_spc_json_for_a_run_chart_has_the_run_chart_fields(client_for, staff, project):
    measure = make_measure(project, chart_type=Measure.ChartType.RUN)
    values = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 30, 31, 29, 30, 32, 28, 30, 31]
    add_points(measure, values)
    data = (
        client_for(staff)
        .get(reverse("measurement:measure_spc_json", args=[project.pk, measure.pk]))
        .json()["chart"]
    )
    expected = spc.run_chart(values)
    assert data["chart_type"] == "run"
    assert data["median"] == expected.median
    assert (data["runs"], data["runs_limits"]) == (expected.runs, list(expected.runs_limits))
    shift = next(s for s in data["signals"] if s["rule"] == "shift")
    assert shift["dates"][0] == (START + dt.timedelta(weeks=10)).isoformat()
    assert [p["point_type"] for p in data["points"]] == [p.point_type for p in expected.points]


def test_spc_json_without_values_has_no_chart(client_for, staff, project, measure):
    data = (
        client_for(staff)
        .get(reverse("measurement:measure_spc_json", args=[project.pk, measure.pk]))
        .json()
    )
    assert data["chart"] is None
    assert data["measure"]["name"] == "Doses given on time"


# --- The parser and the import (measurement.paste, measurement.services) ------------------


def test_parse_data_skips_a_header_row():
    rows = parse_data("Week beginning,Omitted doses\n2026-01-05,12\n2026-01-12,9")
    assert [(r.date, r.value) for r in rows] == [
        (dt.date(2026, 1, 5), Decimal("12")),
        (dt.date(2026, 1, 12), Decimal("9")),
    ]


def test_parse_data_reads_uk_dates_pounds_and_thousands_commas():
    rows = parse_data('05/01/2026,"£1,250.50",Agency\n12/1/2026,"2,000"')
    assert [(r.date, r.value, r.annotation) for r in rows] == [
        (dt.date(2026, 1, 5), Decimal("1250.50"), "Agency"),
        (dt.date(2026, 1, 12), Decimal("2000"), ""),
    ]


def test_tab_separated_rows_from_a_spreadsheet_are_read(measure):
    form = DataPasteForm({"data": "Date\tValue\n05/01/2026\t12\n12/01/2026\t£9.5"}, measure=measure)
    assert form.is_valid(), form.errors
    assert [(r.date, r.value) for r in form.cleaned_data["rows"]] == [
        (dt.date(2026, 1, 5), Decimal("12")),
        (dt.date(2026, 1, 12), Decimal("9.5")),
    ]


def test_tab_separated_rows_keep_thousands_commas(measure):
    form = DataPasteForm({"data": "05/01/2026\t1,250\n12/01/2026\t2,000"}, measure=measure)
    assert form.is_valid(), form.errors
    assert [r.value for r in form.cleaned_data["rows"]] == [Decimal("1250"), Decimal("2000")]


def test_parse_data_lists_every_bad_row():
    with pytest.raises(ValidationError) as error:
        parse_data(BAD_ROWS)
    assert error.value.messages == BAD_ROW_MESSAGES


def test_data_import_writes_history_for_added_and_updated_rows(staff, measure):
    add_points(measure, [10])
    rows = [Row(START, Decimal("11")), Row(START + dt.timedelta(weeks=1), Decimal("12"))]
    assert data_import(measure=measure, rows=rows, entered_by=staff) == (1, 1)
    history = DataPoint.history.filter(measure_id=measure.pk)
    assert sorted(h.history_type for h in history) == ["+", "~"]
    assert {h.history_user for h in history} == {staff.user}


def test_data_import_saves_nothing_when_a_row_fails(staff, measure):
    rows = [Row(START, Decimal("11")), Row(START + dt.timedelta(weeks=1), Decimal("1e12"))]
    with pytest.raises(DataError):  # too big for the value column
        data_import(measure=measure, rows=rows, entered_by=staff)
    assert measure.points.count() == 0
    assert DataPoint.history.filter(measure_id=measure.pk).count() == 0


def test_a_bad_first_row_is_an_error_not_a_header():
    with pytest.raises(ValidationError) as error:
        parse_data("2026-13-01,5\n2026-02-01,6\n2026-03-01,7")
    assert error.value.messages == [
        "Row 1: “2026-13-01” is not a date: write it day first, like 31/01/2026 or 31 Jan 2026"
    ]
    # A real header is still skipped, and rows are numbered as the user sees them.
    with pytest.raises(ValidationError) as error:
        parse_data("date,value\n\n2026-01-01,abc")
    assert error.value.messages == ["Row 3: “abc” is not a number"]


def test_a_value_with_more_than_four_decimal_places_is_a_row_error():
    with pytest.raises(ValidationError) as error:
        parse_data("2026-01-01,1.23456\n2026-01-08,9999999999.99999")
    assert error.value.messages == [
        "Row 1: 1.23456 has more than 4 decimal places",
        "Row 2: 9999999999.99999 has more than 4 decimal places",
    ]


def test_chart_options_are_set_per_measure_and_used(client_for, staff, project):
    client = client_for(staff)
    response = client.post(
        reverse("measurement:measure_create", args=[project.pk]),
        measure_data(
            baseline_points="", rebase_dates="", rule_length="6", rules=["shift"], target=""
        ),
    )
    assert response.status_code == 302
    measure = project.measures.get()
    assert (measure.rule_length, measure.rules, measure.screen_outliers) == (6, ["shift"], True)
    # 14 steady points then 6 higher: a shift of 6 counts with length 6; no other rule is read.
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 12, 12, 12, 12, 12, 12]
    add_points(measure, values)
    url = reverse("measurement:measure_spc_json", args=[project.pk, measure.pk])
    chart = client.get(url).json()["chart"]
    assert chart["options"]["shift_length"] == 6
    assert chart["points"][-1]["point_type"] == "special_cause_improvement"
    assert chart["points"][-1]["rule"] == "shift"
    page = client.get(reverse("measurement:measure_detail", args=[project.pk, measure.pk])).text
    assert "(shifts and trends of 6 points)" in page


def test_a_measure_needs_at_least_one_rule(client_for, staff, project):
    response = client_for(staff).post(
        reverse("measurement:measure_create", args=[project.pk]), measure_data(rules=[])
    )
    assert "Choose at least one special-cause rule" in response.text
    assert not project.measures.exists()


def test_every_phase_with_trial_limits_says_so_in_the_table(client_for, staff, project):
    measure = Measure.objects.create(
        project=project,
        name="Phased",
        kind="outcome",
        rebase_dates=[START + dt.timedelta(weeks=8)],
    )
    add_points(measure, [10, 11, 10, 11, 10, 11, 10, 11] + [20, 21, 20, 21, 20, 21, 20, 21] * 2)
    page = client_for(staff).get(
        reverse("measurement:measure_detail", args=[project.pk, measure.pk])
    )
    # The first phase has 8 values, the second 16: only the first phase's 8 points are trial,
    # each said three times (its row in the table and its marker's title in the chart's wide
    # and narrow drawings).
    assert page.text.count("– trial limits") == 24


def test_a_run_chart_refuses_a_baseline_and_phases(client_for, staff, project):
    response = client_for(staff).post(
        reverse("measurement:measure_create", args=[project.pk]), measure_data(chart_type="run")
    )
    assert "choose an SPC chart for a fixed baseline" in response.text
    assert "choose an SPC chart for new phases" in response.text
    assert not project.measures.exists()


# --- Limits and races ----------------------------------------------------------------------


def test_pasting_past_the_cap_on_values_is_refused_and_nothing_saved(
    client_for, staff, project, measure, monkeypatch
):
    monkeypatch.setattr(Measure, "MAX_POINTS", 20)
    add_points(measure, [10] * 15)
    later = START + dt.timedelta(weeks=15)
    response = _paste(client_for(staff), project, measure, data=rows_text([11] * 6, start=later))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A measure holds at most 20 values; these rows would make it 21." in html
    assert 'href="#id_data"' in html
    assert measure.points.count() == 15
    # Rows that only update dates already there do not count against the cap.
    response = _paste_and_save(client_for(staff), project, measure, data=rows_text([12] * 5))
    assert response.status_code == 302
    assert measure.points.count() == 15


def test_adding_one_value_past_the_cap_is_refused(client_for, staff, project, measure, monkeypatch):
    monkeypatch.setattr(Measure, "MAX_POINTS", 3)
    add_points(measure, [10, 11, 12])
    response = client_for(staff).post(
        reverse("measurement:datapoint_add", args=[project.pk, measure.pk]),
        {"date": "2026-06-01", "value": "13"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A measure holds at most 3 values." in html
    assert 'class="nhsuk-error-summary"' in html
    assert measure.points.count() == 3


def test_a_date_taken_between_checking_and_saving_is_a_message_not_an_error(staff, measure):
    # The form checked the date while it was free; someone else's paste then took it.
    from measurement.forms import DataPointForm
    from measurement.services import data_point_save

    form = DataPointForm({"date": START.isoformat(), "value": "90"}, measure=measure)
    assert form.is_valid()
    add_points(measure, [80])
    assert data_point_save(form=form, measure=measure, entered_by=staff) is None
    assert form.errors["date"] == ["There is already a value for 05/01/2026: edit that one"]
    assert [p.value for p in measure.points.all()] == [Decimal("80")]


def test_measure_names_are_unique_per_project_whatever_the_case(project, measure):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_measure(project, name=measure.name.upper())
