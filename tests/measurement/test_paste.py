"""Values pasted or uploaded as spreadsheets write them, previewed, then saved on confirming."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measurement.models import DataPoint, Measure
from measurement.paste import Unreadable, parse_data, parse_date, parse_value
from tests.measurement.paste_steps import preview_fields

PERSONAS_BUILT_ONCE = ("staff", "champion", "outsider", "project")

DEC_7 = dt.date(2026, 12, 7)
DEC_31 = dt.date(2026, 12, 31)


# --- Dates: day first, in the forms spreadsheets write ----------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/12/2026", DEC_31),
        ("31/12/26", DEC_31),  # a two-digit year is in this century
        ("31-12-2026", DEC_31),
        ("31.12.2026", DEC_31),
        ("7-Dec-26", DEC_7),  # Excel's d-mmm-yy
        ("07-Dec-26", DEC_7),
        ("07-Dec-2026", DEC_7),
        ("7 Dec 2026", DEC_7),
        ("7 December 2026", DEC_7),
        ("7 DECEMBER 2026", DEC_7),
        ("7th Dec 2026", DEC_7),
        ("7 Sept 2026", dt.date(2026, 9, 7)),
        ("2026-12-07", DEC_7),  # ISO
        ("07/12/2026 00:00", DEC_7),  # a date-and-time cell at midnight
        ("\u00a007/12/2026\u2009", DEC_7),  # no-break and thin spaces around it
        ("01/02/2026", dt.date(2026, 2, 1)),  # 1 February, never 2 January
        ("1/2/26", dt.date(2026, 2, 1)),
        ("01/01/99", dt.date(2099, 1, 1)),  # 20xx, not 1999 (the window then refuses it)
    ],
)
def test_a_date_written_day_first_is_read(text, day):
    assert parse_date(text) == day


def test_a_month_first_date_is_refused_saying_dates_are_day_first():
    with pytest.raises(Unreadable) as error:
        parse_date("12/31/2026")
    assert str(error.value) == (
        "“12/31/2026” is not a date: dates are day first, so write 31/12/2026"
    )
    with pytest.raises(Unreadable, match="dates are day first, so write 25-03-26"):
        parse_date("03-25-26")


@pytest.mark.parametrize(
    "text",
    ["31/02/2026", "32/01/2026", "7 Foo 2026", "Dec 7, 2026", "7/12", "next week", "2026-13-01"],
)
def test_what_is_not_a_day_first_date_is_refused(text):
    with pytest.raises(Unreadable, match="is not a date: write it day first, like 31/01/2026"):
        parse_date(text)


def test_dates_are_still_bounded_by_the_window_of_a_measured_value():
    with pytest.raises(ValidationError) as error:
        parse_data("31/12/99,5\n31/12/1999,6\n01/01/2000,7")
    assert error.value.messages == [
        "Row 1: 31/12/2099: the date cannot be in the future",
        "Row 2: 31/12/1999: the date must be on or after 1 January 2000",
    ]


# --- Values: thousands separators, spaces, £, and % only on a % measure ------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", Decimal("1234")),
        ("1,234.5", Decimal("1234.5")),
        ("12,345,678.25", Decimal("12345678.25")),
        ("1\u00a0234", Decimal("1234")),  # grouped by a no-break space
        ("1\u202f234.5", Decimal("1234.5")),  # a narrow no-break space
        ("\u2009 42 \u00a0", Decimal("42")),  # thin and no-break spaces around it
        ("£1,250.50", Decimal("1250.50")),
        ("-£5", Decimal("-5")),
        ("\u22125", Decimal("-5")),  # the minus sign
        (".5", Decimal("0.5")),
    ],
)
def test_a_number_as_a_spreadsheet_shows_it_is_read(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize(("text", "value"), [("5.1%", "5.1"), ("5.1 %", "5.1"), ("100%", "100")])
def test_a_percent_sign_is_read_on_a_percentage_measure(text, value):
    assert parse_value(text, percent=True) == Decimal(value)


def test_a_percent_sign_on_a_measure_that_is_not_a_percentage_is_refused_saying_why():
    with pytest.raises(Unreadable) as error:
        parse_value("5%", unit="doses")
    assert str(error.value) == (
        "“5%” is a percentage, but this measure counts in doses: leave out the % sign, "
        "or change the measure's unit to %"
    )
    with pytest.raises(Unreadable, match="this measure counts in numbers, not %"):
        parse_value("5%")


def test_a_decimal_comma_is_refused_saying_to_write_a_point():
    with pytest.raises(Unreadable, match="write a decimal point, not a comma"):
        parse_value("1,5")


@pytest.mark.parametrize("text", ["1,2,3", "12,34,567", "abc", "NaN", "Infinity", "5 %%", "£"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(Unreadable, match="is not a number"):
        parse_value(text, percent=True)


def test_values_are_still_bounded_by_what_can_be_stored():
    with pytest.raises(ValidationError) as error:
        parse_data("01/12/2026\t10,000,000,000\n02/12/2026\t1.23456", percent=True)
    assert error.value.messages == [
        "Row 1: 10,000,000,000 is too large to record",
        "Row 2: 1.23456 has more than 4 decimal places",
    ]


def test_rows_copied_from_an_nhs_spreadsheet_are_read():
    text = (
        "Week ending\tOn time %\tComment\n"
        "07-Dec-26\t5.1%\tWard 4\n"
        "30 Nov 2026\t12.25 %\t\n"
        "23/11/26\t\u00a09%\tBank holiday\n"
    )
    rows = parse_data(text, percent=True, unit="%")
    assert [(r.date, r.value, r.annotation) for r in rows] == [
        (DEC_7, Decimal("5.1"), "Ward 4"),
        (dt.date(2026, 11, 30), Decimal("12.25"), ""),
        (dt.date(2026, 11, 23), Decimal("9"), "Bank holiday"),
    ]


# --- Through the web: preview, then save ------------------------------------------------------


@pytest.fixture
def measure(project):
    return Measure.objects.create(
        project=project, name="Doses given on time", kind=Measure.Kind.PROCESS, unit="%"
    )


@pytest.fixture
def doses(project):
    return Measure.objects.create(
        project=project, name="Omitted doses", kind=Measure.Kind.OUTCOME, unit="doses"
    )


def url(measure):
    return reverse("measurement:data_paste", args=[measure.project.pk, measure.pk])


def preview_table(page: str) -> list[str]:
    """The preview's rows as text, cells separated by " | "."""
    table = page[page.index('id="preview-rows"') : page.index("</table>")]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", table, re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    text = [[re.sub(r"<[^>]+>", " ", cell) for cell in row] for row in cells]
    return [" | ".join(" ".join(cell.split()) for cell in row) for row in text]


def point(measure, date, value, note=""):
    return DataPoint.objects.create(
        measure=measure, date=date, value=Decimal(value), annotation=note
    )


PASTED = (
    "Week ending\tOn time\tNote\n23/11/26\t80%\n30-Nov-26\t85.5%\tNew pharmacist\n7 Dec 2026\t90%"
)


def test_pasted_rows_are_previewed_and_nothing_is_saved_until_confirmed(client_for, staff, measure):
    client = client_for(staff)
    response = client.post(url(measure), {"data": PASTED})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check the values before saving them" in page
    assert preview_table(page) == [
        "Date 23 Nov 2026 | Value 80% | Note | What saving does Adds",
        "Date 30 Nov 2026 | Value 85.5% | Note New pharmacist | What saving does Adds",
        "Date 7 Dec 2026 | Value 90% | Note | What saving does Adds",
    ]
    assert not measure.points.exists()
    assert not DataPoint.history.filter(measure_id=measure.pk).exists()

    response = client.post(url(measure), {**preview_fields(page), "save": "1"})
    assert response.status_code == 302
    assert list(measure.points.values_list("date", "value", "annotation")) == [
        (dt.date(2026, 11, 23), Decimal("80"), ""),
        (dt.date(2026, 11, 30), Decimal("85.5"), "New pharmacist"),
        (DEC_7, Decimal("90"), ""),
    ]
    assert "3 added, 0 updated." in client.get(response["Location"]).content.decode()


def test_each_value_that_would_be_replaced_is_marked_with_old_and_new(client_for, staff, measure):
    point(measure, dt.date(2026, 11, 23), "70", "Audit week")
    point(measure, dt.date(2026, 11, 30), "85.5")
    page = client_for(staff).post(url(measure), {"data": PASTED}).content.decode()
    assert preview_table(page) == [
        "Date 23 Nov 2026 | Value 70% → replaced by 80% | Note Audit week "
        "| What saving does Replaces 70%",
        "Date 30 Nov 2026 | Value 85.5% | Note New pharmacist | What saving does Changes the note",
        "Date 7 Dec 2026 | Value 90% | Note | What saving does Adds",
    ]
    summary = page[page.index('id="preview-summary"') : page.index("</ul>", page.index("preview"))]
    assert "1 new value<" in summary
    assert "1 replacing a value already recorded" in summary
    assert "1 changing only the note" in summary
    assert "1 value will be replaced" in page
    assert [p.value for p in measure.points.all()] == [Decimal("70"), Decimal("85.5")]


def test_confirming_saves_exactly_the_rows_previewed(client_for, staff, measure):
    point(measure, dt.date(2026, 11, 23), "70")
    client = client_for(staff)
    preview = client.post(url(measure), {"data": PASTED}).content.decode()
    fields = preview_fields(preview)
    assert fields["data"] == PASTED.strip()  # the text read, sent back as it was
    response = client.post(url(measure), {**fields, "save": "1"})
    assert response.status_code == 302
    assert [p.value for p in measure.points.all()] == [
        Decimal("80"),
        Decimal("85.5"),
        Decimal("90"),
    ]
    assert "2 added, 1 updated." in client.get(response["Location"]).content.decode()


def test_an_uploaded_file_is_previewed_and_its_rows_saved_on_confirming(client_for, staff, measure):
    client = client_for(staff)
    upload = SimpleUploadedFile(
        "doses.csv", ("\ufeff" + PASTED.replace("\t", ",")).encode(), content_type="text/csv"
    )
    preview = client.post(url(measure), {"file": upload})
    assert len(preview_table(preview.content.decode())) == 3
    assert not measure.points.exists()
    response = client.post(url(measure), {**preview_fields(preview.content.decode()), "save": 1})
    assert response.status_code == 302
    assert measure.points.count() == 3


def test_values_saved_meanwhile_show_the_preview_again_and_save_nothing(client_for, staff, measure):
    client = client_for(staff)
    fields = preview_fields(client.post(url(measure), {"data": PASTED}).content.decode())
    point(measure, DEC_7, "60", "Entered by a colleague")  # saved after the preview was shown
    response = client.post(url(measure), {**fields, "save": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The measure changed while you were checking" in page
    assert "Date 7 Dec 2026 | Value 60% → replaced by 90%" in preview_table(page)[2]
    assert [p.value for p in measure.points.all()] == [Decimal("60")]
    # Confirming the new preview saves.
    response = client.post(url(measure), {**preview_fields(page), "save": "1"})
    assert response.status_code == 302
    assert measure.points.get(date=DEC_7).value == Decimal("90")


def test_change_the_rows_goes_back_to_the_box_with_the_text(client_for, staff, measure):
    client = client_for(staff)
    fields = preview_fields(client.post(url(measure), {"data": PASTED}).content.decode())
    response = client.post(url(measure), {**fields, "change": "1"})
    page = response.content.decode()
    assert "<h1>Paste or upload values</h1>" in page
    assert "New pharmacist" in page[page.index("<textarea") : page.index("</textarea>")]
    assert 'name="checked"' not in page
    assert not measure.points.exists()


def test_a_percent_sign_on_a_count_is_a_row_error_and_nothing_is_previewed(
    client_for, staff, doses
):
    response = client_for(staff).post(url(doses), {"data": "01/12/2026,5%\n12/31/2026,6"})
    page = response.content.decode()
    assert "<h1>Paste or upload values</h1>" in page  # the form again, not a preview
    assert "Row 1: “5%” is a percentage, but this measure counts in doses" in page
    assert "Row 2: “12/31/2026” is not a date: dates are day first, so write 31/12/2026" in page
    assert not doses.points.exists()


def test_rows_edited_to_be_wrong_before_confirming_are_refused(client_for, staff, measure):
    client = client_for(staff)
    fields = preview_fields(client.post(url(measure), {"data": PASTED}).content.decode())
    fields["data"] += "\nsoon\t5"
    response = client.post(url(measure), {**fields, "save": "1"})
    assert "Row 5: “soon” is not a date" in response.content.decode()
    assert not measure.points.exists()


def test_the_preview_runs_a_bounded_number_of_queries(
    client_for, staff, measure, django_assert_max_num_queries
):
    client = client_for(staff)
    rows = "\n".join(
        f"{dt.date(2026, 1, 1) + dt.timedelta(days=n):%d/%m/%Y}\t{n}%" for n in range(300)
    )
    point(measure, dt.date(2026, 1, 1), "9")
    # Session and user, the person, the project and its access reads, the measure, the points
    # on the pasted dates, the count of the measure's points: not one per row.
    with django_assert_max_num_queries(14):
        response = client.post(url(measure), {"data": rows})
    assert len(preview_table(response.content.decode())) == 300


@pytest.mark.parametrize("persona", ["champion", "outsider"])
def test_only_the_team_can_confirm_a_preview(client_for, staff, measure, persona, request):
    fields = preview_fields(client_for(staff).post(url(measure), {"data": PASTED}).text)
    client = client_for(request.getfixturevalue(persona))
    response = client.post(url(measure), {**fields, "save": "1"})
    assert response.status_code in (403, 404)
    assert not measure.points.exists()
