"""measurement.charts: the chart's geometry, words and JSON, without Django or a database."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from measurement import charts
from measurement.spc import Assurance, PointType, Variation, run_chart, xmr_chart

START = dt.date(2026, 1, 5)
BASELINE = [20, 22, 18, 21, 19, 23, 17, 20, 22, 18, 21, 19]
SHIFT = [24, 23.5, 24.5, 24, 23.8, 24.2, 24, 24.1]


def weekly(count, start=START):
    return [start + dt.timedelta(weeks=i) for i in range(count)]


def drawn(values, *, dates=None, **options):
    dates = dates or weekly(len(values))
    draw_options = {k: options.pop(k) for k in ("unit", "notes", "markers") if k in options}
    chart = xmr_chart(values, **options)
    return chart, charts.draw(chart, dates, target=options.get("target"), **draw_options)


# --- Rebase dates to positions ---------------------------------------------------------------


def test_rebase_starts_at_the_first_point_on_or_after_each_date():
    dates = weekly(6)  # 5, 12, 19, 26 Jan, 2, 9 Feb
    rebase = [dt.date(2026, 1, 19), dt.date(2026, 1, 27), dt.date(2026, 2, 2)]
    assert charts.rebase_positions(dates, rebase) == (2, 4)  # 27 Jan and 2 Feb share a point


def test_rebase_dates_before_the_first_or_after_the_last_point_start_nothing():
    dates = weekly(6)
    assert charts.rebase_positions(dates, [dt.date(2025, 12, 1), START, dt.date(2027, 1, 1)]) == ()


def test_compute_chart_passes_the_measure_settings_to_the_spc_module():
    values = BASELINE + SHIFT
    dates = weekly(len(values))
    chart = charts.compute_chart(
        chart_type="spc",
        dates=dates,
        values=[Decimal(str(v)) for v in values],
        improvement_direction="increase",
        target=Decimal("30"),
        rebase_dates=[dates[15]],
        baseline_points=12,
    )
    assert chart.options.rebase == (15,)
    assert chart.options.fix_after_n_points == 12
    assert chart.options.target == 30.0
    assert isinstance(
        charts.compute_chart(
            chart_type="run", dates=dates, values=values, improvement_direction="increase"
        ),
        type(run_chart([1])),
    )


# --- Scales and ticks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (17, 24.5, [16, 18, 20, 22, 24, 26]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0.12, 0.58, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),
        (5, 5, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]),  # one level: padded by a tenth each side
    ],
)
def test_value_ticks_are_round_and_cover_the_range(low, high, expected):
    start, stop, ticks = charts.value_ticks(low, high)
    assert ticks == pytest.approx(expected)
    assert (start, stop) == pytest.approx((expected[0], expected[-1]))


@pytest.mark.parametrize(("step", "decimals"), [(5, 0), (2.5, 1), (0.25, 2), (0.1, 1), (20, 0)])
def test_tick_labels_keep_the_decimals_their_step_needs(step, decimals):
    assert charts.tick_decimals(step) == decimals


def test_points_are_placed_by_date_and_value_inside_the_plot():
    dates = [dt.date(2026, 1, 1), dt.date(2026, 1, 11), dt.date(2026, 1, 31)]
    chart, drawing = drawn([10, 20, 15], dates=dates)
    first, middle, last = drawing.points
    # Dates to scale: the middle point is a third of the way along (10 of 30 days).
    assert (middle.x - first.x) / (last.x - first.x) == pytest.approx(1 / 3, abs=0.001)
    assert drawing.left < first.x < last.x < drawing.right
    # Higher values are higher up the canvas, each in proportion to the value ticks.
    ticks = {tick.label: tick.position for tick in drawing.y_ticks}
    assert first.y > last.y > middle.y
    assert middle.y == pytest.approx(ticks["20"])
    assert first.y == pytest.approx(ticks["10"])
    assert drawing.data_line.split() == [f"{p.x},{p.y}" for p in drawing.points]


def test_the_value_axis_makes_room_for_limits_and_target():
    chart, drawing = drawn(BASELINE, target=40)
    labels = [float(tick.label) for tick in drawing.y_ticks]
    assert min(labels) <= chart.phases[0].lpl
    assert max(labels) >= 40
    assert drawing.target_line.y1 == drawing.target_line.y2
    assert (drawing.target_line.x1, drawing.target_line.x2) == (drawing.left, drawing.right)


def test_date_ticks_are_days_for_short_spans_and_months_for_long_ones():
    short = charts.date_ticks(dt.date(2026, 1, 1), dt.date(2026, 1, 16))
    assert [label for _, label in short][:3] == ["1 Jan 2026", "3 Jan", "5 Jan"]
    long = charts.date_ticks(dt.date(2025, 11, 15), dt.date(2026, 5, 20))
    assert [label for _, label in long] == [
        "Dec 2025",
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
        "May 2026",
    ]
    years = charts.date_ticks(dt.date(2020, 3, 1), dt.date(2026, 3, 1))
    assert [label for _, label in years] == ["2021", "2022", "2023", "2024", "2025", "2026"]


# --- Phases ----------------------------------------------------------------------------------


def test_each_phase_gets_its_own_mean_and_limits_split_half_way_between_phases():
    values = BASELINE + [30, 32, 28, 31, 29, 33, 30]
    chart, drawing = drawn(values, rebase=[12])
    assert len(drawing.centre_lines) == 2
    assert len(drawing.limit_lines) == 4
    before, after = drawing.centre_lines
    split = (drawing.points[11].x + drawing.points[12].x) / 2
    assert before.x2 == after.x1 == pytest.approx(split, abs=0.01)
    assert (before.x1, after.x2) == (drawing.points[0].x, drawing.points[-1].x)
    assert [line.x1 for line in drawing.phase_lines] == [pytest.approx(split, abs=0.01)]
    assert [label.text for label in drawing.phase_labels] == ["Phase 2"]
    assert after.y1 < before.y1  # the second phase's mean is higher
    assert any(item.kind == "phase" for item in drawing.legend)


def test_a_single_phase_has_no_phase_line():
    chart, drawing = drawn(BASELINE)
    assert drawing.phase_lines == ()
    assert len(drawing.limit_lines) == 2


# --- Markers, notes and point styles ---------------------------------------------------------


def test_pdsa_markers_sit_at_their_dates_between_points():
    dates = weekly(10)
    marker = charts.Marker(dates[4] + dt.timedelta(days=2), "PDSA 2", "PDSA 2: Stickers")
    chart, drawing = drawn(list(range(10)), dates=dates, markers=[marker])
    (plotted,) = drawing.markers
    before, after = drawing.points[4].x, drawing.points[5].x
    assert plotted.line.x1 == pytest.approx(before + (after - before) * 2 / 7, abs=0.01)
    assert plotted.label.text == "PDSA 2"
    assert plotted.tooltip == "PDSA 2: Stickers"
    assert plotted.line.y2 == drawing.bottom


def test_markers_close_together_get_separate_label_rows_and_push_the_plot_down():
    dates = weekly(10)
    close = [charts.Marker(dates[4], "PDSA 1"), charts.Marker(dates[4], "PDSA 2")]
    _, one = drawn(list(range(10)), dates=dates, markers=close[:1])
    _, two = drawn(list(range(10)), dates=dates, markers=close)
    first, second = two.markers
    assert first.label.y != second.label.y
    assert two.top > one.top


def test_markers_outside_the_data_dates_are_listed_not_drawn():
    dates = weekly(5)
    early = charts.Marker(START - dt.timedelta(days=30), "PDSA 1")
    _, drawing = drawn([1, 2, 3, 4, 5], dates=dates, markers=[early])
    assert drawing.markers == ()
    assert drawing.markers_off_chart == (early,)


def test_points_with_notes_are_numbered_in_date_order():
    notes = ["", "Locum week", "", "New chart", ""]
    _, drawing = drawn([1, 2, 3, 4, 5], notes=notes)
    assert [p.note_number for p in drawing.points] == [None, 1, None, 2, None]
    assert "Note 2: New chart" in drawing.points[3].tooltip


def test_each_kind_of_point_has_its_own_colour_and_shape():
    shapes = {style.shape for style in charts.POINT_STYLES.values()}
    assert len(shapes) == len(charts.POINT_STYLES)
    _, drawing = drawn(BASELINE + SHIFT, fix_after_n_points=12)
    kinds = {p.point_type: (p.colour, p.shape, p.outlined) for p in drawing.points}
    assert kinds[PointType.COMMON_CAUSE] == (charts.GREY, "circle", False)
    assert kinds[PointType.SPECIAL_CAUSE_IMPROVEMENT] == (charts.BLUE, "square", True)
    assert [item.label for item in drawing.legend if item.kind == "point"] == [
        "Common cause",
        "Special cause improvement",
    ]


def test_draw_needs_two_values():
    chart = xmr_chart([5])
    with pytest.raises(ValueError, match="at least two"):
        charts.draw(chart, [START])


# --- Words -----------------------------------------------------------------------------------


def test_description_says_how_many_values_and_what_the_latest_ones_show():
    values = BASELINE + SHIFT
    chart = xmr_chart(values, fix_after_n_points=12)
    text = charts.describe(chart, weekly(len(values)), unit="%")
    assert text.startswith("20 weekly values from 5 Jan 2026 to 18 May 2026.")
    assert "The last 8 are special cause improvement (a shift)." in text
    assert "Mean 20%; process limits 11.54 to 28.46%." in text


def test_description_names_every_rule_behind_the_latest_run():
    values = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 21, 20, 30, 31, 29, 30, 32, 28, 30, 31]
    chart = xmr_chart(values)
    text = charts.describe(chart, weekly(len(values)))
    assert "The last 8 are special cause improvement (outside the process limits, a shift)." in text


def test_description_of_a_run_chart_gives_the_median_and_runs_signal():
    values = [20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 30, 31, 29, 30, 32, 28, 30, 31]
    chart = run_chart(values)
    text = charts.describe(chart, weekly(len(values)))
    assert "Median 21.5." in text
    assert "Too few runs (4)" in text


@pytest.mark.parametrize(
    ("gap_days", "word"), [(1, "daily"), (7, "weekly"), (14, "fortnightly"), (30, "monthly")]
)
def test_cadence_from_the_typical_gap(gap_days, word):
    dates = [START + dt.timedelta(days=gap_days * i) for i in range(6)]
    assert charts.cadence(dates) == word


def test_an_xmr_charts_only_badge_is_for_trial_limits():
    improving = xmr_chart(BASELINE + SHIFT, fix_after_n_points=12, target=10)
    assert charts.badges(improving) == []  # variation and assurance are icons now
    short = xmr_chart(BASELINE[:8], target=20, improvement_direction="decrease")
    assert charts.badges(short) == [charts.Badge("Trial limits: fewer than 13 points", "yellow")]


# --- Making Data Count icons -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("variation", "words", "colour", "letter"),
    [
        (Variation.COMMON_CAUSE, "Common cause variation", charts.ICON_GREY, ""),
        (Variation.IMPROVEMENT_HIGH, "Special cause improving (high)", charts.ICON_BLUE, "H"),
        (Variation.IMPROVEMENT_LOW, "Special cause improving (low)", charts.ICON_BLUE, "L"),
        (Variation.CONCERN_HIGH, "Special cause concerning (high)", charts.ICON_ORANGE, "H"),
        (Variation.CONCERN_LOW, "Special cause concerning (low)", charts.ICON_ORANGE, "L"),
        (Variation.NEUTRAL_HIGH, "neither better nor worse (high)", charts.ICON_PURPLE, "H"),
        (Variation.NEUTRAL_LOW, "neither better nor worse (low)", charts.ICON_PURPLE, "L"),
    ],
)
def test_each_variation_has_its_making_data_count_icon(variation, words, colour, letter):
    icon = charts.variation_icon(variation)
    assert words in icon.label
    assert (icon.colour, icon.letter) == (colour, letter)
    first, last = icon.dots[:3], icon.dots[3:]
    assert all(dot.colour == charts.ICON_DOT_GREY for dot in first)
    level = sum(dot.y for dot in first) / 3
    if letter == "H":  # the last two rise (SVG y grows downwards) in the icon's colour
        assert all(dot.colour == colour and dot.y < level - 3 for dot in last)
    elif letter == "L":
        assert all(dot.colour == colour and dot.y > level + 3 for dot in last)
    else:
        assert all(dot.colour == charts.ICON_DOT_GREY and abs(dot.y - level) < 3 for dot in last)


@pytest.mark.parametrize(
    ("assurance", "words", "colour", "letter"),
    [
        (Assurance.CONSISTENT_PASS, "Consistently hitting the target", charts.ICON_BLUE, "P"),
        (Assurance.CONSISTENT_FAIL, "Consistently failing the target", charts.ICON_ORANGE, "F"),
        (Assurance.INCONSISTENT, "Hit and miss", charts.ICON_GREY, "?"),
    ],
)
def test_each_assurance_has_its_making_data_count_icon(assurance, words, colour, letter):
    icon = charts.assurance_icon(assurance)
    assert icon.label.startswith(words)
    assert (icon.kind, icon.colour, icon.letter) == ("assurance", colour, letter)


def test_a_chart_gets_its_variation_icon_and_with_a_target_its_assurance_icon():
    improving = xmr_chart(BASELINE + SHIFT, fix_after_n_points=12, target=10)
    assert [(i.name, i.letter) for i in charts.icons(improving)] == [
        ("improvement_high", "H"),
        ("consistent_pass", "P"),
    ]
    falling_is_better = xmr_chart(
        BASELINE + SHIFT, fix_after_n_points=12, target=30, improvement_direction="decrease"
    )
    assert [(i.name, i.letter) for i in charts.icons(falling_is_better)] == [
        ("concern_high", "H"),
        ("consistent_pass", "P"),  # the whole process sits below 30
    ]
    no_target = xmr_chart(BASELINE[:8])
    assert [i.name for i in charts.icons(no_target)] == ["common_cause"]
    assert charts.icons(run_chart(BASELINE)) == []


def _contrast_on_white(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize(
    "colour", [charts.ICON_BLUE, charts.ICON_ORANGE, charts.ICON_GREY, charts.ICON_PURPLE]
)
def test_icon_rings_and_letters_have_text_contrast_on_white(colour):
    assert _contrast_on_white(colour) >= 4.5


# --- What changed between phases -------------------------------------------------------------


def test_a_phase_change_is_said_in_words_with_its_date():
    # The example published with the request: a mean of 10.7 until the limits were rebased on
    # 28 Sep 2026, and 5.5 after, on a measure where lower is better.
    before = [10, 11.5, 10.2, 11, 10.8, 10.4, 11.2, 10.5, 10.9, 10.5]  # mean 10.7
    after = [5.2, 5.8, 5.5, 5.1, 5.9, 5.4, 5.6]  # mean 5.5
    dates = weekly(len(before) + len(after), start=dt.date(2026, 7, 20))
    assert dates[len(before)] == dt.date(2026, 9, 28)
    chart = charts.compute_chart(
        chart_type="spc",
        dates=dates,
        values=before + after,
        improvement_direction="decrease",
        rebase_dates=[dt.date(2026, 9, 28)],
    )
    assert charts.variation_icon(chart.variation).label == "Common cause variation"
    assert charts.phase_changes(chart, dates, improvement_direction="decrease") == [
        "From 28 Sep 2026: mean 5.5, down from 10.7 (an improvement: lower is better)."
    ]
    assert charts.phase_changes(chart, dates, unit="days", improvement_direction="increase") == [
        "From 28 Sep 2026: mean 5.5 days, down from 10.7 days (worse: higher is better)."
    ]
    assert charts.phase_changes(chart, dates, unit="%", improvement_direction="neutral") == [
        "From 28 Sep 2026: mean 5.5%, down from 10.7%."
    ]


def test_a_phase_with_the_same_mean_says_so_and_one_phase_says_nothing():
    dates = weekly(24)
    chart = xmr_chart(BASELINE * 2, rebase=[12])
    assert charts.phase_changes(chart, dates) == ["From 30 Mar 2026: mean 20, the same as before."]
    assert charts.phase_changes(xmr_chart(BASELINE), dates) == []
    assert charts.phase_changes(run_chart(BASELINE), dates) == []


# --- Labels and the narrow drawing -----------------------------------------------------------


def _labels_apart(drawing):
    ys = sorted(label.y for label in drawing.right_labels)
    assert all(b - a >= charts.LABEL_GAP for a, b in zip(ys, ys[1:], strict=False))
    assert all(12 <= y <= drawing.height - 4 for y in ys)  # all inside the canvas


@pytest.mark.parametrize("canvas", [charts.WIDE, charts.NARROW])
@pytest.mark.parametrize("target", [20, 20.05, 19.9, 23.3, 16.7])
def test_mean_target_and_limit_labels_never_overlap(canvas, target):
    values = [20, 20.1, 19.9, 20, 20.1, 19.9, 20, 20.1, 19.9, 20, 20.1, 19.9]
    chart = xmr_chart(values, target=target)
    drawing = charts.draw(chart, weekly(len(values)), target=target, canvas=canvas)
    texts = [label.text.split()[0] for label in drawing.right_labels]
    assert sorted(texts) == ["Lower", "Mean", "Target", "Upper"]
    _labels_apart(drawing)


def test_labels_pushed_past_the_foot_of_the_chart_are_moved_back_up():
    low = [charts.Label(700, 396, "Mean 1"), charts.Label(700, 396, "Target 1")]
    placed = charts._spread(low, charts.LABEL_GAP, 12, 396)
    assert [label.y for label in placed] == [396 - charts.LABEL_GAP, 396]
    high = [charts.Label(700, 5, "Upper 9"), charts.Label(700, 6, "Mean 8")]
    assert [label.y for label in charts._spread(high, charts.LABEL_GAP, 12, 396)] == [12, 26]


def test_the_narrow_drawing_fits_its_canvas_with_fewer_date_ticks():
    values = BASELINE + SHIFT + BASELINE
    dates = weekly(len(values))
    chart = xmr_chart(values, rebase=[12, 20])
    drawing = charts.draw(chart, dates, canvas=charts.NARROW)
    assert (drawing.width, drawing.height) == (charts.NARROW.width, charts.NARROW.height)
    assert all(drawing.left <= p.x <= drawing.right for p in drawing.points)
    assert drawing.right < drawing.width
    assert len(drawing.x_ticks) <= charts.NARROW.max_x_ticks
    assert len(charts.draw(chart, dates).x_ticks) > len(drawing.x_ticks)


def test_chart_json_is_plain_json_with_iso_dates():
    values = [Decimal("20.5"), *BASELINE[1:]]
    dates = weekly(len(values))
    chart = xmr_chart(values, target=Decimal("25"))
    data = json.loads(json.dumps(charts.chart_json(chart, dates, ["Locum"] + [""] * 11)))
    first = data["points"][0]
    assert (first["date"], first["value"], first["annotation"]) == ("2026-01-05", 20.5, "Locum")
    assert first["point_type"] == "common_cause"
    assert data["options"]["target"] == 25.0
    assert data["options"]["improvement_direction"] == "increase"
    assert data["phases"][0]["trial_limits"] is True
