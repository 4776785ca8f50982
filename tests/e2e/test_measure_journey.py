import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measurement.models import DataPoint, Measure, PDSACycle
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.date(2026, 1, 5)
BASELINE = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 21, 20]  # twelve weeks around 20
AFTER = [30, 31, 29, 30, 32, 28, 30, 31]  # then eight around 30


def _rows(values):
    return "\n".join(
        f"{START + dt.timedelta(weeks=i):%d/%m/%Y},{value}" for i, value in enumerate(values)
    )


def test_staff_adds_a_measure_pastes_twenty_points_and_sees_a_special_cause(page, staff, project):
    sign_in(page, "staff", PASSWORD)
    page.goto(reverse("projects:detail", args=[project.pk]))
    # The project page's "Add a measure" link comes with its Measures section; go straight there.
    page.goto(reverse("measurement:measure_create", args=[project.pk]))
    assert_accessible(page)
    page.get_by_role("button", name="Add the measure").click()
    assert "Give the measure a name" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Name").fill("Doses given on time")
    page.get_by_role("group", name="Kind").get_by_label("Outcome").check()
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("SPC chart (XmR)").check()
    page.get_by_role("button", name="Add the measure").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Doses given on time"
    expect(page.locator("body")).to_contain_text(
        "The chart appears once the measure has at least 2 values"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Paste or upload values").click()
    page.get_by_label("Paste rows of date,value").fill(
        _rows(BASELINE) + "\nnext week,20\n12/01/2026,abc"
    )
    page.get_by_role("button", name="Check the values").click()
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Row 13: “next week” is not a date" in summary
    assert "Row 14: “abc” is not a number" in summary
    assert "Row 14: 12/01/2026 is already in row 2" in summary
    assert "Row 13" in page.locator("#id_data-error").inner_text()
    assert_accessible(page)
    assert not Measure.objects.get().points.exists()

    page.get_by_label("Paste rows of date,value").fill(_rows(BASELINE + AFTER))
    page.get_by_role("button", name="Check the values").click()
    # A form post: wait for the preview page, not the page the click left.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the values before saving them")
    expect(page.locator("#preview-rows tbody tr")).to_have_count(20)
    assert not Measure.objects.get().points.exists()  # nothing saved before confirming
    assert_accessible(page)
    page.get_by_role("button", name="Save these values").click()
    assert "20 added, 0 updated." in page.locator(".nhsuk-inset-text").first.inner_text()

    chart = page.get_by_role("img", name="SPC chart (XmR) of Doses given on time")
    assert chart.is_visible()
    assert page.get_by_role(
        "img", name="Variation icon: Special cause improving (high)"
    ).is_visible()
    assert "Special cause improving (high)" in page.locator(".qi-mdc__words").inner_text()
    last_row = page.locator("table tbody tr").last.inner_text()
    assert "18 May 2026" in last_row
    assert "Special cause improvement (outside the process limits)" in last_row
    expect(page.locator("table tbody tr")).to_have_count(20)
    assert_accessible(page)
    assert page.external_requests == []


def test_staff_pastes_spreadsheet_cells_checks_the_replaced_value_and_saves(page, staff, project):
    measure = Measure.objects.create(
        project=project, name="Doses given on time", kind=Measure.Kind.PROCESS, unit="%"
    )
    measure.points.create(date=dt.date(2026, 11, 30), value=70)
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "staff", PASSWORD)
    page.goto(reverse("measurement:data_paste", args=[project.pk, measure.pk]))
    # As copied from an NHS spreadsheet: a header, tabs, Excel's dates, % signs, a note.
    page.get_by_label("Paste rows of date,value").fill(
        "Week ending\tOn time\tNote\n23-Nov-26\t80.5%\n30 Nov 2026\t85%\tNew pharmacist"
    )
    page.get_by_role("button", name="Check the values").click()
    rows = page.locator("#preview-rows tbody tr")
    expect(rows).to_have_count(2)
    assert "23 Nov 2026" in rows.nth(0).inner_text()
    assert "Adds" in rows.nth(0).inner_text()
    replaced = rows.nth(1).inner_text()
    assert "Replaces 70%" in replaced
    assert "85%" in replaced
    assert "1 value will be replaced" in page.locator(".nhsuk-warning-callout").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    assert list(measure.points.values_list("value", flat=True)) == [70]

    page.get_by_role("button", name="Save these values").click()
    assert "1 added, 1 updated." in page.locator(".nhsuk-inset-text").first.inner_text()
    assert sorted(measure.points.values_list("value", flat=True)) == [80.5, 85]
    assert page.external_requests == []


# Whether the document scrolls sideways, and where the visible chart and its last point sit.
CHART_BOXES = """() => {
  const svg = [...document.querySelectorAll('.qi-chart__svg')].find(s => s.checkVisibility());
  const points = svg.querySelectorAll('.qi-chart__point path');
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  return {
    scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    drawing: svg.classList.contains('qi-chart__svg--narrow') ? 'narrow' : 'wide',
    chart: box(svg),
    lastPoint: box(points[points.length - 1]),
    fontSize: svg.querySelector('text').getBoundingClientRect().height,
  };
}"""


def test_on_a_phone_the_whole_chart_shows_and_a_pdsa_cycle_offers_a_new_phase(page, staff, project):
    measure = Measure.objects.create(
        project=project, name="Doses given on time", kind="outcome", unit="%"
    )
    values = BASELINE + AFTER
    DataPoint.objects.bulk_create(
        DataPoint(measure=measure, date=START + dt.timedelta(weeks=i), value=v)
        for i, v in enumerate(values)
    )
    PDSACycle.objects.create(
        project=project,
        number=1,
        change_idea="Dose reminder stickers",
        start_date=START + dt.timedelta(weeks=12),  # 30 Mar 2026, when the values rise
        created_by=staff,
    )
    sign_in(page, "staff", PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(reverse("measurement:measure_detail", args=[project.pk, measure.pk]))
    boxes = page.evaluate(CHART_BOXES)
    assert boxes["drawing"] == "narrow"
    assert not boxes["scrolls"]
    assert boxes["chart"][0] >= 0
    assert boxes["chart"][1] <= 375  # the chart's right edge shows
    assert boxes["lastPoint"][1] <= 375  # and so does the last point
    assert boxes["fontSize"] >= 10  # 12px text drawn at no less than about 10px
    assert page.get_by_role(
        "img", name="Variation icon: Special cause improving (high)"
    ).is_visible()
    assert_accessible(page)

    page.get_by_role(
        "link", name="Rebase the limits from 30 Mar 2026 (PDSA cycle 1 starts)"
    ).click()
    expect(page.locator("body")).to_contain_text("Check the new phase before you save")
    assert page.get_by_label("New phases start on (optional)").input_value() == "2026-03-30"
    assert_accessible(page)
    page.get_by_role("button", name="Save the measure").click()

    assert page.locator(".qi-chart__phase-change").inner_text() == (
        "From 30 Mar 2026: mean 30.13%, up from 20.08% (an improvement: higher is better)."
    )
    expect(page.get_by_role("link", name="Rebase the limits from")).to_have_count(0)
    assert Measure.objects.get().rebase_dates == [START + dt.timedelta(weeks=12)]
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    boxes = page.evaluate(CHART_BOXES)
    assert boxes["drawing"] == "wide"
    assert not boxes["scrolls"]
    assert boxes["lastPoint"][1] <= boxes["chart"][1]
