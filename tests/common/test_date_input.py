"""The NHS.UK date input: day, month and year boxes read into one date, with NHS messages,
and a whole ISO date (as links carry it) still read."""

import datetime as dt

import pytest
from django import forms
from django.http import QueryDict

from common.fields import BoundedDateFormField
from common.forms import DATE_WIDGET, PeriodForm
from common.widgets import NHSDateInput, TypedDate


class StartForm(forms.Form):
    start = BoundedDateFormField(label="Start date", required=False, widget=DATE_WIDGET)


def boxes(day, month, year, name="start"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_the_three_boxes_make_one_date():
    form = StartForm(boxes("15", "3", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"] == dt.date(2026, 3, 15)


def test_boxes_with_spaces_and_leading_zeros_are_read():
    assert StartForm(boxes(" 05 ", "03", "2026")).is_valid()


def test_a_whole_iso_date_is_still_read_as_links_send_it():
    form = StartForm(QueryDict("start=2026-01-01"))
    assert form.is_valid()
    assert form.cleaned_data["start"] == dt.date(2026, 1, 1)


def test_the_boxes_win_over_a_whole_date_when_both_are_sent():
    form = StartForm({"start": "2026-01-01", **boxes("2", "1", "2026")})
    assert form.is_valid()
    assert form.cleaned_data["start"] == dt.date(2026, 1, 2)


def test_empty_boxes_are_no_date():
    form = StartForm(boxes("", "", ""))
    assert form.is_valid()
    assert form.cleaned_data["start"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("15", "3", ""), "Start date must include a year"),
        (("", "3", "2026"), "Start date must include a day"),
        (("", "", "2026"), "Start date must include a day and month"),
        (("15", "", ""), "Start date must include a month and year"),
    ],
)
def test_a_date_missing_a_part_says_which(typed, message):
    assert StartForm(boxes(*typed)).errors == {"start": [message]}


@pytest.mark.parametrize(
    "typed",
    [
        ("31", "2", "2026"),
        ("15", "13", "2026"),
        ("15", "3", "26"),
        ("x", "3", "2026"),
        ("١٥", "3", "2026"),
    ],
)
def test_a_date_that_does_not_exist_must_be_a_real_date(typed):
    assert StartForm(boxes(*typed)).errors == {"start": ["Start date must be a real date"]}


def test_a_form_own_invalid_message_is_kept():
    class SessionForm(forms.Form):
        date = BoundedDateFormField(error_messages={"invalid": "Enter a real date"})

    assert SessionForm(boxes("31", "2", "2026", "date")).errors == {"date": ["Enter a real date"]}


def test_a_wrong_date_is_shown_back_as_typed_with_the_boxes_marked():
    html = str(StartForm(boxes("31", "2", "2026"))["start"])
    assert 'name="start_day" value="31"' in html
    assert 'name="start_month" value="2"' in html
    assert 'name="start_year" value="2026"' in html
    assert html.count("nhsuk-input--error") == 0  # str() renders no errors; the template does


def test_only_the_missing_boxes_are_marked_when_a_part_is_missing():
    widget = NHSDateInput()
    typed = TypedDate(("15", "3", ""))
    html = widget.render("start", typed, attrs={"id": "id_start", "nhsuk_error": True})
    assert html.count("nhsuk-input--error") == 1
    assert 'id="id_start-year"' in html.split("nhsuk-input--error")[0].rsplit("<input", 1)[1]
    assert "nhsuk_error" not in html


def test_the_day_box_carries_the_field_id_and_the_others_follow_it():
    html = NHSDateInput().render("start", dt.date(2026, 3, 15), attrs={"id": "id_start"})
    assert 'id="id_start" ' in html
    assert 'id="id_start-month"' in html
    assert 'id="id_start-year"' in html
    assert html.count('inputmode="numeric"') == 3
    assert html.count('type="text"') == 3
    assert 'type="date"' not in html
    assert 'class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-4"' in html
    assert 'value="15"' in html
    assert 'value="3"' in html


def test_a_field_left_out_of_the_post_is_omitted_so_model_defaults_apply():
    widget = NHSDateInput()
    assert widget.value_omitted_from_data({}, {}, "start")
    assert not widget.value_omitted_from_data({"start_year": ""}, {}, "start")
    assert not widget.value_omitted_from_data({"start": "2026-01-01"}, {}, "start")


def test_a_period_reads_either_shape_of_query_string():
    parts = PeriodForm(QueryDict("from_day=1&from_month=2&from_year=2026&to=2026-03-31"))
    assert parts.period == (dt.date(2026, 2, 1), dt.date(2026, 3, 31))


def test_a_wrong_period_end_is_shown_back_as_typed():
    form = PeriodForm(boxes("30", "2", "2026", "from"))
    assert form.errors == {"from": ["From must be a real date"]}
    assert form.from_value == "30/2/2026"
