"""A measure's chart as SVG geometry, words and JSON, and the department impact page's bar
charts (`bar_chart`): pure Python, no Django.

`measurement.spc` computes the chart (`XmrChart` or `RunChart`); this module places it on a
canvas (scales, ticks, lines, point markers, PDSA markers) for a template to draw as inline
SVG, says in words what it shows (the SVG's description and the page's badges), and turns it
into plain JSON. The template only loops over what `draw` returns.

Drawing choices, after Making Data Count's charts:

- Points in MDC colours, each kind also with its own marker shape (WCAG 1.4.1, colour is not
  the only cue): common cause a grey circle, special cause improvement a blue square, concern
  an orange diamond, neutral a purple triangle. NHS blue (#005eb8) rather than MDC's lighter
  #289de0, which only just reaches 3:1 against white; special-cause markers have a dark
  outline, so even orange (1.8:1 on its own) stands out from the white background.
- The mean (or the run chart's median) as a solid line and the process limits dashed, drawn
  per phase; the near-limit lines are left out, as MDC charts leave them out.
- The x axis is time (dates to scale, so uneven gaps and PDSA dates between points sit where
  they belong), the y axis the values with the unit.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from measurement.spc import (
    ALL_RULES,
    Assurance,
    PointType,
    Rule,
    RunChart,
    RunRule,
    Variation,
    XmrChart,
    run_chart,
    xmr_chart,
)

Chart = XmrChart | RunChart

MARKER_ROW_HEIGHT = 16
MAX_MARKER_ROWS = 3
CHARACTER_WIDTH = 6.5  # an estimate of a 12px label's character width, to keep labels apart
LABEL_GAP = 14  # the least distance between two right-hand labels' baselines (12px text)
MAX_X_TICKS = 8


@dataclass(frozen=True)
class Canvas:
    """The size of a chart and its margins, in SVG units (the SVG scales to its column)."""

    width: int
    height: int
    margin_left: int
    margin_right: int  # room for the "Mean 20.1" labels at the right-hand end of the lines
    margin_bottom: int
    margin_top: int
    max_x_ticks: int
    y_title_x: int  # where the rotated y-axis title sits


# A desktop or tablet column, and a phone (drawn narrower, so that scaled to a 375px screen
# its 12px text stays about 11px: legible without scrolling sideways).
WIDE = Canvas(800, 400, 72, 112, 56, 16, MAX_X_TICKS, 18)
NARROW = Canvas(400, 340, 60, 84, 48, 16, 4, 14)
WIDTH, HEIGHT = WIDE.width, WIDE.height

GREY = "#7b7d7d"
BLUE = "#005eb8"
ORANGE = "#fab428"
PURPLE = "#361475"
OUTLINE = "#212b32"


@dataclass(frozen=True)
class Style:
    """How a kind of point looks, and what the legend and the table call it."""

    label: str
    colour: str
    shape: str
    tag: str  # the NHS.UK tag colour for a badge of this kind


POINT_STYLES: dict[PointType, Style] = {
    PointType.COMMON_CAUSE: Style("Common cause", GREY, "circle", "grey"),
    PointType.SPECIAL_CAUSE_IMPROVEMENT: Style("Special cause improvement", BLUE, "square", "blue"),
    PointType.SPECIAL_CAUSE_CONCERN: Style("Special cause concern", ORANGE, "diamond", "orange"),
    PointType.SPECIAL_CAUSE_NEUTRAL_HIGH: Style(
        "Special cause (high, neither better nor worse)", PURPLE, "triangle-up", "purple"
    ),
    PointType.SPECIAL_CAUSE_NEUTRAL_LOW: Style(
        "Special cause (low, neither better nor worse)", PURPLE, "triangle-down", "purple"
    ),
}

RULE_LABELS: dict[str, str] = {
    Rule.OUTSIDE_LIMITS: "outside the process limits",
    Rule.TREND: "a trend",
    Rule.TWO_IN_THREE: "two of three points close to a limit",
    Rule.SHIFT: "a shift",
    RunRule.ASTRONOMICAL: "an astronomical point",
    RunRule.TOO_FEW_RUNS: "too few runs",
    RunRule.TOO_MANY_RUNS: "too many runs",
}

TRIAL_LIMITS_BADGE = ("Trial limits: fewer than 13 points", "yellow")

CADENCES = (  # (typical gap in days, lowest, highest, word)
    (1, 1, 1, "daily"),
    (7, 6, 8, "weekly"),
    (14, 13, 15, "fortnightly"),
    (30, 28, 31, "monthly"),
    (91, 89, 92, "quarterly"),
)


# --- Computing the chart from a measure's data ---------------------------------------------


def rebase_positions(dates: Sequence[dt.date], rebase_dates: Sequence[dt.date]) -> tuple[int, ...]:
    """For each rebase date, the position of the first point on or after it.

    `dates` are in order. A rebase date after the last point starts nothing yet; one on or
    before the first point starts the first phase, which starts anyway.
    """
    positions = set()
    for rebase in rebase_dates:
        position = next((i for i, day in enumerate(dates) if day >= rebase), None)
        if position:  # neither None (after the last point) nor 0 (the first phase)
            positions.add(position)
    return tuple(sorted(positions))


def compute_chart(
    *,
    chart_type: str,
    dates: Sequence[dt.date],
    values: Sequence[Decimal | float],
    improvement_direction: str,
    target: Decimal | float | None = None,
    rebase_dates: Sequence[dt.date] = (),
    baseline_points: int | None = None,
    screen_outliers: bool = True,
    rule_length: int = 7,
    rules: Sequence[str] | None = None,
) -> Chart:
    """The measure's chart: an XmR chart for "spc", a run chart for "run".

    Run charts have one median for the whole series, so rebase dates and the baseline apply
    to XmR charts only.
    """
    if chart_type == "run":
        return run_chart(values, improvement_direction=improvement_direction)
    return xmr_chart(
        values,
        improvement_direction=improvement_direction,
        target=target,
        rebase=rebase_positions(dates, rebase_dates),
        fix_after_n_points=baseline_points,
        screen_outliers=screen_outliers,
        shift_length=rule_length,
        trend_length=rule_length,
        rules=tuple(rules) if rules is not None else ALL_RULES,
    )


# --- Geometry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """Something dated to mark on the chart, such as the start of a PDSA cycle."""

    date: dt.date
    label: str  # short, drawn on the chart: "PDSA 2"
    title: str = ""  # longer, for the tooltip and the description


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class PlottedPoint:
    position: int
    date: dt.date
    value: float
    x: float
    y: float
    point_type: PointType
    rule: str | None
    classification: str  # "Special cause improvement (a shift)"
    colour: str
    shape: str
    path: str  # SVG path data for the marker
    outlined: bool
    note_number: int | None  # the point carries a note: its number on the chart and in the table
    tooltip: str


@dataclass(frozen=True)
class PlottedMarker:
    line: Line
    label: Label
    tooltip: str


@dataclass(frozen=True)
class ChartDrawing:
    width: int
    height: int
    y_title_x: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    y_axis_label: str
    data_line: str  # "x,y x,y ...", the polyline joining the points in date order
    points: tuple[PlottedPoint, ...]
    centre_lines: tuple[Line, ...]  # mean per phase, or the run chart's median
    centre_name: str  # "Mean" or "Median"
    limit_lines: tuple[Line, ...]
    target_line: Line | None
    phase_lines: tuple[Line, ...]
    phase_labels: tuple[Label, ...]
    markers: tuple[PlottedMarker, ...]
    markers_off_chart: tuple[Marker, ...]  # dated outside the data, so listed not drawn
    right_labels: tuple[Label, ...]
    legend: tuple[LegendItem, ...]

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_axis_label(self) -> Label:
        return Label((self.left + self.right) / 2, self.height - 12, "Date")

    @property
    def y_axis_label_position(self) -> Label:
        """Where the rotated y-axis title goes: x and y in the rotated frame."""
        return Label(-(self.top + self.bottom) / 2, self.y_title_x, self.y_axis_label)


@dataclass(frozen=True)
class LegendItem:
    kind: str  # "point", "centre", "limit", "target", "phase", "marker", "note"
    label: str
    colour: str = OUTLINE
    path: str = ""
    outlined: bool = False


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str  # NHS.UK tag colour


@dataclass
class _Scale:
    domain_low: float
    domain_high: float
    range_low: float
    range_high: float

    def __call__(self, value: float) -> float:
        span = self.domain_high - self.domain_low
        fraction = (value - self.domain_low) / span if span else 0.5
        return round(self.range_low + fraction * (self.range_high - self.range_low), 2)


def nice_step(span: float, most_ticks: int = 6) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most `most_ticks`."""
    if span <= 0:
        return 1.0
    raw = span / most_ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * power >= raw:
            return multiple * power
    return 10 * power  # pragma: no cover (the loop always returns)


def value_ticks(low: float, high: float, most_ticks: int = 6) -> tuple[float, float, list[float]]:
    """A padded, rounded value range covering low..high and the ticks inside it."""
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low, most_ticks)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    count = round((stop - start) / step)
    ticks = [round(start + i * step, 10) for i in range(count + 1)]
    return start, stop, ticks


def format_number(value: float | Decimal, decimals: int | None = None) -> str:
    """20.1, 1,250, 0.25: thousands separated, trailing zeros dropped."""
    if decimals is None:
        decimals = 2
    # Halves round up, as a spreadsheet rounds them (30.125 is 30.13, not the float's 30.12).
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def tick_decimals(step: float) -> int:
    """The decimal places a tick step needs: 0 for 5, 1 for 2.5, 2 for 0.25."""
    return next((d for d in range(7) if math.isclose(round(step, d), step)), 6)


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def date_ticks(
    first: dt.date, last: dt.date, most_ticks: int = MAX_X_TICKS
) -> list[tuple[dt.date, str]]:
    """Calendar ticks between two dates: days or weeks for short spans, else month starts."""
    span = (last - first).days
    if span <= 90:
        step = next((s for s in (1, 2, 7, 14, 28, 56) if span / s < most_ticks), 91)
        days = [first + dt.timedelta(days=i) for i in range(0, span + 1, step)]
        labels, year = [], None
        for day in days:
            labels.append(f"{day.day} {day:%b}" + (f" {day.year}" if day.year != year else ""))
            year = day.year
        return list(zip(days, labels, strict=True))
    months = (last.year - first.year) * 12 + last.month - first.month
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s < most_ticks), 120)
    ticks = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = dt.date(year, month, 1)
        if (
            day >= first
            and (month - 1) % min(step, 12) == 0
            and (step < 12 or year % (step // 12) == 0)
        ):
            ticks.append((day, f"{day:%Y}" if step >= 12 else f"{day:%b %Y}"))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks


def marker_path(shape: str, x: float, y: float, size: float = 5.0) -> str:
    """SVG path data for a point marker of `shape` centred on (x, y)."""
    if shape == "square":
        s = size * 0.9
        return f"M{x - s:.2f},{y - s:.2f}h{2 * s:.2f}v{2 * s:.2f}h{-2 * s:.2f}z"
    if shape == "diamond":
        s = size * 1.3
        return f"M{x:.2f},{y - s:.2f}L{x + s:.2f},{y:.2f}L{x:.2f},{y + s:.2f}L{x - s:.2f},{y:.2f}z"
    if shape in ("triangle-up", "triangle-down"):
        s = size * 1.25
        sign = -1 if shape == "triangle-up" else 1
        apex, base = y + sign * s, y - sign * s * 0.8
        return f"M{x:.2f},{apex:.2f}L{x + s:.2f},{base:.2f}L{x - s:.2f},{base:.2f}z"
    r = size * 0.8  # circle, as two arcs
    arc = f"a{r:.2f},{r:.2f} 0 1,0"
    return f"M{x - r:.2f},{y:.2f}{arc} {2 * r:.2f},0{arc} {-2 * r:.2f},0z"


def classification(point_type: PointType, rule: str | None) -> str:
    """What the table says about a point: "Special cause improvement (a shift)"."""
    label = POINT_STYLES[point_type].label
    return f"{label} ({RULE_LABELS[rule]})" if rule else label


def _spread(labels: list[Label], gap: float, lowest: float, highest: float) -> list[Label]:
    """Move right-hand labels apart vertically so that no two are closer than `gap`, keeping
    their order and every baseline between `lowest` and `highest` (SVG y grows downwards).

    Labels that would overlap are pushed down; if that takes the last below `highest`, the
    stack is pushed back up from the bottom, so equal or close values (a mean on its target)
    still get one line each.
    """
    ordered = sorted(labels, key=lambda item: item.y)
    ys: list[float] = []
    for label in ordered:
        y = max(label.y, lowest)
        ys.append(max(y, ys[-1] + gap) if ys else y)
    for i in range(len(ys) - 1, -1, -1):
        ceiling = highest if i == len(ys) - 1 else ys[i + 1] - gap
        ys[i] = min(ys[i], ceiling)
    return [Label(label.x, round(y, 2), label.text) for label, y in zip(ordered, ys, strict=True)]


def draw(
    chart: Chart,
    dates: Sequence[dt.date],
    *,
    unit: str = "",
    target: float | Decimal | None = None,
    notes: Sequence[str] = (),
    markers: Sequence[Marker] = (),
    canvas: Canvas = WIDE,
) -> ChartDrawing:
    """Place `chart` (one point per date, in date order) on an SVG canvas.

    Needs at least two values: the page shows a message instead of a chart with fewer.
    """
    present = [(p, dates[p.position]) for p in chart.points if p.value is not None]
    if len(present) < 2:
        raise ValueError("a chart needs at least two values")
    target = None if target is None else float(target)
    dated_markers = [m for m in markers if present and present[0][1] <= m.date <= present[-1][1]]
    off_chart = tuple(m for m in markers if m not in dated_markers)

    left, right = canvas.margin_left, canvas.width - canvas.margin_right
    marker_rows = _marker_rows(dated_markers, present, right - left)
    rows_used = max(marker_rows, default=-1) + 1
    top = canvas.margin_top + rows_used * MARKER_ROW_HEIGHT
    bottom = canvas.height - canvas.margin_bottom

    first_day, last_day = present[0][1], present[-1][1]
    day_pad = max(1, (last_day - first_day).days * 0.02)
    x = _Scale(
        -day_pad, (last_day - first_day).days + day_pad, left, right
    )  # days since the first date

    def x_of(day: dt.date) -> float:
        return x((day - first_day).days)

    levels = [p.value for p, _ in present]
    if isinstance(chart, XmrChart):
        for phase in chart.phases:
            levels += [v for v in (phase.lpl, phase.upl, phase.mean) if v is not None]
    elif chart.median is not None:
        levels.append(chart.median)
    if target is not None:
        levels.append(target)
    low, high, ticks = value_ticks(min(levels), max(levels))
    y = _Scale(low, high, bottom, top)
    decimals = tick_decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0

    note_numbers: dict[int, int] = {}
    for p, _ in present:
        if p.position < len(notes) and notes[p.position]:
            note_numbers[p.position] = len(note_numbers) + 1

    points = []
    for p, day in present:
        style = POINT_STYLES[p.point_type]
        px, py = x_of(day), y(p.value)
        text = classification(p.point_type, p.rule)
        if getattr(p, "trial_limits", False):  # XmR points in a phase of under 13 values
            text += " – trial limits"
        note = notes[p.position] if p.position in note_numbers else ""
        points.append(
            PlottedPoint(
                position=p.position,
                date=day,
                value=p.value,
                x=px,
                y=py,
                point_type=p.point_type,
                rule=p.rule,
                classification=text,
                colour=style.colour,
                shape=style.shape,
                path=marker_path(style.shape, px, py),
                outlined=p.point_type != PointType.COMMON_CAUSE,
                note_number=note_numbers.get(p.position),
                tooltip=f"{format_date(day)}: {format_number(p.value)}{_unit(unit)}. {text}."
                + (f" Note {note_numbers[p.position]}: {note}" if note else ""),
            )
        )

    centre_lines, limit_lines, phase_lines, phase_labels, right_labels = [], [], [], [], []
    if isinstance(chart, XmrChart):
        centre_name = "Mean"
        boundaries = _phase_boundaries(chart, points)
        for phase, (start_x, stop_x) in zip(chart.phases, boundaries, strict=True):
            if phase.mean is not None:
                centre_lines.append(Line(start_x, y(phase.mean), stop_x, y(phase.mean)))
            if phase.lpl is not None and phase.upl is not None:
                for limit in (phase.lpl, phase.upl):
                    limit_lines.append(Line(start_x, y(limit), stop_x, y(limit)))
            if phase.index:
                phase_lines.append(Line(start_x, top, start_x, bottom))
                phase_labels.append(Label(start_x + 4, top + 12, f"Phase {phase.index + 1}"))
        last = chart.phases[-1] if chart.phases else None
        if last is not None and last.mean is not None:
            right_labels.append(Label(right + 6, y(last.mean) + 4, f"Mean {_n(last.mean)}"))
        if last is not None and last.upl is not None:
            right_labels.append(Label(right + 6, y(last.upl) + 4, f"Upper {_n(last.upl)}"))
            right_labels.append(Label(right + 6, y(last.lpl) + 4, f"Lower {_n(last.lpl)}"))
    else:
        centre_name = "Median"
        if chart.median is not None:
            centre_lines.append(Line(points[0].x, y(chart.median), points[-1].x, y(chart.median)))
            right_labels.append(Label(right + 6, y(chart.median) + 4, f"Median {_n(chart.median)}"))

    target_line = None
    if target is not None:
        target_line = Line(left, y(target), right, y(target))
        right_labels.append(Label(right + 6, y(target) + 4, f"Target {_n(target)}"))

    plotted_markers = []
    for marker, row in zip(dated_markers, marker_rows, strict=True):
        mx = x_of(marker.date)
        plotted_markers.append(
            PlottedMarker(
                line=Line(mx, top - row * MARKER_ROW_HEIGHT - 4, mx, bottom),
                label=Label(mx, top - row * MARKER_ROW_HEIGHT - 6, marker.label),
                tooltip=marker.title or marker.label,
            )
        )

    return ChartDrawing(
        width=canvas.width,
        height=canvas.height,
        y_title_x=canvas.y_title_x,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        x_ticks=tuple(
            Tick(x_of(day), label)
            for day, label in date_ticks(first_day, last_day, canvas.max_x_ticks)
        ),
        y_ticks=tuple(Tick(y(t), format_number(t, decimals)) for t in ticks),
        y_axis_label=unit or "Value",
        data_line=" ".join(f"{p.x},{p.y}" for p in points),
        points=tuple(points),
        centre_lines=tuple(centre_lines),
        centre_name=centre_name,
        limit_lines=tuple(limit_lines),
        target_line=target_line,
        phase_lines=tuple(phase_lines),
        phase_labels=tuple(phase_labels),
        markers=tuple(plotted_markers),
        markers_off_chart=off_chart,
        # Baselines anywhere from the top of the canvas to its foot: 12px text still fits.
        right_labels=tuple(_spread(right_labels, LABEL_GAP, 12, canvas.height - 4)),
        legend=_legend(chart, points, target_line, phase_lines, plotted_markers),
    )


def _unit(unit: str) -> str:
    if not unit:
        return ""
    return unit if unit == "%" else f" {unit}"


def format_with_unit(value: float | Decimal, unit: str, decimals: int | None = None) -> str:
    """A value as the charts write it: "12.5%", "3 doses"."""
    return f"{format_number(value, decimals)}{_unit(unit)}"


def _n(value: float) -> str:
    return format_number(value, 2)


def _marker_rows(markers: Sequence[Marker], present, plot_width: float) -> list[int]:
    """A label row for each marker, so that labels close together do not overlap."""
    if not markers:
        return []
    first, last = present[0][1], present[-1][1]
    span_days = max(1, (last - first).days)
    pixels_per_day = plot_width / span_days
    row_ends: list[float] = []  # the right-hand end of the last label in each row
    rows = []
    for marker in markers:
        centre = (marker.date - first).days * pixels_per_day
        half = len(marker.label) * CHARACTER_WIDTH / 2 + 4
        for row, end in enumerate(row_ends):
            if centre - half > end:
                row_ends[row] = centre + half
                rows.append(row)
                break
        else:
            if len(row_ends) < MAX_MARKER_ROWS:
                row_ends.append(centre + half)
                rows.append(len(row_ends) - 1)
            else:  # too crowded: overlap in the last row rather than grow without end
                rows.append(MAX_MARKER_ROWS - 1)
    return rows


def _phase_boundaries(chart: XmrChart, points: Sequence[PlottedPoint]) -> list[tuple[float, float]]:
    """Where each phase's lines start and stop: at its points, and half way to the next phase."""
    xs = {p.position: p.x for p in points}
    spans = []
    for phase in chart.phases:
        phase_xs = [xs[i] for i in range(phase.start, phase.stop) if i in xs]
        spans.append([min(phase_xs, default=0.0), max(phase_xs, default=0.0)])
    for before, after in zip(spans, spans[1:], strict=False):
        middle = round((before[1] + after[0]) / 2, 2)
        before[1] = after[0] = middle
    return [(start, stop) for start, stop in spans]


def _legend(chart, points, target_line, phase_lines, markers) -> tuple[LegendItem, ...]:
    items = []
    seen = []
    for point in points:
        if point.point_type not in seen:
            seen.append(point.point_type)
    for point_type in POINT_STYLES:  # in a fixed order, only the kinds on the chart
        if point_type in seen:
            style = POINT_STYLES[point_type]
            items.append(
                LegendItem(
                    "point",
                    style.label,
                    style.colour,
                    marker_path(style.shape, 10, 10),
                    point_type != PointType.COMMON_CAUSE,
                )
            )
    if isinstance(chart, XmrChart):
        items.append(LegendItem("centre", "Mean"))
        if any(phase.lpl is not None for phase in chart.phases):
            items.append(LegendItem("limit", "Process limits"))
    else:
        items.append(LegendItem("centre", "Median"))
    if target_line is not None:
        items.append(LegendItem("target", "Target"))
    if phase_lines:
        items.append(LegendItem("phase", "New phase: limits recalculated"))
    if markers:
        items.append(LegendItem("marker", "Start of a PDSA cycle"))
    if any(p.note_number for p in points):
        items.append(LegendItem("note", "Numbered ring: the value has a note (see the table)"))
    return tuple(items)


# --- Words ---------------------------------------------------------------------------------


def cadence(dates: Sequence[dt.date]) -> str:
    """ "weekly", "monthly"… from the typical gap between dates, or "" when irregular."""
    if len(dates) < 2:
        return ""
    gap = statistics.median((b - a).days for a, b in zip(dates, dates[1:], strict=False))
    for _, lowest, highest, word in CADENCES:
        if lowest <= gap <= highest:
            return word
    return ""


def describe(
    chart: Chart,
    dates: Sequence[dt.date],
    *,
    unit: str = "",
    target: float | Decimal | None = None,
    markers: Sequence[Marker] = (),
) -> str:
    """What the chart shows, in a few sentences: the SVG's description."""
    present = [(p, dates[p.position]) for p in chart.points if p.value is not None]
    if not present:
        return "No values yet."
    every = cadence([day for _, day in present])
    sentences = [
        f"{len(present)} {every + ' ' if every else ''}value{'s' if len(present) != 1 else ''} "
        f"from {format_date(present[0][1])} to {format_date(present[-1][1])}."
    ]
    sentences.append(_latest_signal(present))
    special = sum(1 for p, _ in present if p.point_type != PointType.COMMON_CAUSE)
    if special == len(present):
        sentences.append(f"All {special} values are special cause.")
    elif special:
        sentences.append(f"{special} of the {len(present)} values are special cause in all.")
    if isinstance(chart, XmrChart):
        phases = len(chart.phases)
        last = chart.phases[-1]
        where = f" in the last of {phases} phases" if phases > 1 else ""
        if last.lpl is not None:
            trial = " (trial limits)" if last.trial_limits else ""
            sentences.append(
                f"Mean{where} {_n(last.mean)}{_unit(unit)}; process limits {_n(last.lpl)} "
                f"to {_n(last.upl)}{_unit(unit)}{trial}."
            )
    else:
        sentences.append(f"Median {_n(chart.median)}{_unit(unit)}.")
        if chart.too_few_runs:
            sentences.append(f"Too few runs ({chart.runs}): a signal of non-random variation.")
        if chart.too_many_runs:
            sentences.append(f"Too many runs ({chart.runs}): a signal of non-random variation.")
    if target is not None:
        sentence = f"Target {_n(float(target))}{_unit(unit)}"
        if isinstance(chart, XmrChart) and chart.assurance is not None:
            sentence += f"; {ASSURANCE_ICONS[chart.assurance][0].lower()}"
        sentences.append(sentence + ".")
    if markers:
        marked = ", ".join(f"{m.label} on {format_date(m.date)}" for m in markers)
        sentences.append(f"Marked: {marked}.")
    return " ".join(sentences)


def _latest_signal(present) -> str:
    """ "The last 9 are special cause improvement (a shift)." from the trailing points of one
    kind, naming the rules that flagged them, the latest first."""
    last, _ = present[-1]
    if last.point_type == PointType.COMMON_CAUSE:
        return "The last value is common cause variation."
    trailing = []
    for point, _ in reversed(present):
        if point.point_type != last.point_type:
            break
        trailing.append(point)
    rules = list(dict.fromkeys(RULE_LABELS[p.rule] for p in trailing if p.rule))
    label = POINT_STYLES[last.point_type].label
    text = label[0].lower() + label[1:] + (f" ({', '.join(rules)})" if rules else "")
    if len(trailing) == 1:
        return f"The last value is {text}."
    return f"The last {len(trailing)} are {text}."


def badges(chart: Chart) -> list[Badge]:
    """What a run chart signals, as labelled badges; for an XmR chart (whose variation and
    assurance are `icons`), whether its limits are trial limits."""
    found = []
    if isinstance(chart, XmrChart):
        if chart.phases and chart.phases[-1].trial_limits:
            found.append(Badge(*TRIAL_LIMITS_BADGE))
        return found
    last = next((p for p in reversed(chart.points) if p.value is not None), None)
    if last is not None:
        style = POINT_STYLES[last.point_type]
        found.append(Badge(f"Last value: {classification(last.point_type, last.rule)}", style.tag))
    for signal in chart.signals:
        if signal.point_type is None:
            found.append(Badge(f"Run chart signal: {RULE_LABELS[signal.rule]}", "purple"))
        else:
            style = POINT_STYLES[signal.point_type]
            points = f", {len(signal.positions)} points" if len(signal.positions) > 1 else ""
            found.append(
                Badge(
                    f"{style.label}: {RULE_LABELS[signal.rule]}{points}",
                    style.tag,
                )
            )
    return found


# --- Making Data Count icons ---------------------------------------------------------------
# Our own drawings of NHS England's published variation and assurance icons, as inline SVG on
# a 48 x 48 grid: a coloured ring; for variation, five joined dots whose last two take the
# ring's colour and rise (high) or fall (low), with H or L above them; for assurance, P (passes),
# F (fails) or ? (hit and miss) over a target line. The colours are the published ones made
# dark enough for 4.5:1 on white (the ring and letter carry meaning): NHS blue for
# improvement and passing, a deep orange for concern and failing, grey for common cause and
# hit and miss, purple for a change neither better nor worse.

ICON_BLUE = "#005eb8"  # 6.4:1 on white
ICON_ORANGE = "#b35c00"  # 4.7:1 (the published #fab428 is 1.8:1)
ICON_GREY = "#5e6163"  # 6.2:1
ICON_PURPLE = "#361475"  # 13.9:1
ICON_DOT_GREY = "#7b7d7d"  # the earlier, ordinary points, as on the chart

_FLAT = (27.0, 24.5, 28.0)  # the first three dots: ordinary variation about a level
_DOT_XS = (12.0, 17.5, 23.0, 28.5, 34.0)


@dataclass(frozen=True)
class IconDot:
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class Icon:
    """One Making Data Count icon, with the words that say the same."""

    kind: str  # "variation" or "assurance"
    name: str  # the Variation or Assurance value, for ids and classes
    label: str  # the words: the icon's text alternative and the caption beside it
    colour: str
    letter: str  # "H", "L", "P", "F", "?" or "" (common cause)
    dots: tuple[IconDot, ...] = ()

    @property
    def line(self) -> str:
        return " ".join(f"{dot.x},{dot.y}" for dot in self.dots)


VARIATION_ICONS: dict[Variation, tuple[str, str, str]] = {  # words, colour, letter
    Variation.COMMON_CAUSE: ("Common cause variation", ICON_GREY, ""),
    Variation.IMPROVEMENT_HIGH: ("Special cause improving (high)", ICON_BLUE, "H"),
    Variation.IMPROVEMENT_LOW: ("Special cause improving (low)", ICON_BLUE, "L"),
    Variation.CONCERN_HIGH: ("Special cause concerning (high)", ICON_ORANGE, "H"),
    Variation.CONCERN_LOW: ("Special cause concerning (low)", ICON_ORANGE, "L"),
    Variation.NEUTRAL_HIGH: (
        "Special cause variation, neither better nor worse (high)",
        ICON_PURPLE,
        "H",
    ),
    Variation.NEUTRAL_LOW: (
        "Special cause variation, neither better nor worse (low)",
        ICON_PURPLE,
        "L",
    ),
}

ASSURANCE_ICONS: dict[Assurance, tuple[str, str, str]] = {
    Assurance.CONSISTENT_PASS: ("Consistently hitting the target", ICON_BLUE, "P"),
    Assurance.CONSISTENT_FAIL: ("Consistently failing the target", ICON_ORANGE, "F"),
    Assurance.INCONSISTENT: (
        "Hit and miss: sometimes hitting and sometimes missing the target",
        ICON_GREY,
        "?",
    ),
}


def variation_icon(variation: Variation) -> Icon:
    label, colour, letter = VARIATION_ICONS[variation]
    ys = [*_FLAT, 25.5, 26.5]  # common cause: all five about the level
    if letter == "H":
        ys[3:] = [20.0, 15.0]
    elif letter == "L":
        ys[3:] = [31.5, 36.0]
    dots = tuple(
        IconDot(x, y, colour if letter and i >= 3 else ICON_DOT_GREY)
        for i, (x, y) in enumerate(zip(_DOT_XS, ys, strict=True))
    )
    return Icon("variation", variation.value, label, colour, letter, dots)


def assurance_icon(assurance: Assurance) -> Icon:
    label, colour, letter = ASSURANCE_ICONS[assurance]
    return Icon("assurance", assurance.value, label, colour, letter)


def icons(chart: Chart) -> list[Icon]:
    """An XmR chart's variation icon and, with a target, its assurance icon."""
    if not isinstance(chart, XmrChart):
        return []
    found = []
    if chart.variation is not None:
        found.append(variation_icon(chart.variation))
    if chart.assurance is not None:
        found.append(assurance_icon(chart.assurance))
    return found


def phase_changes(
    chart: Chart, dates: Sequence[dt.date], *, unit: str = "", improvement_direction: str = ""
) -> list[str]:
    """What changed at each new phase, in words: "From 28 Sep 2026: mean 5.5, down from 10.7
    (an improvement: lower is better)." One sentence per phase after the first."""
    if not isinstance(chart, XmrChart):
        return []
    sentences = []
    for before, after in zip(chart.phases, chart.phases[1:], strict=False):
        if before.mean is None or after.mean is None:
            continue
        text = f"From {format_date(dates[after.start])}: mean {_n(after.mean)}{_unit(unit)}"
        change = _side_of(after.mean, before.mean)
        if not change:
            sentences.append(f"{text}, the same as before.")
            continue
        text += f", {'up' if change > 0 else 'down'} from {_n(before.mean)}{_unit(unit)}"
        if improvement_direction in ("increase", "decrease"):
            better = (change > 0) == (improvement_direction == "increase")
            way = "higher" if improvement_direction == "increase" else "lower"
            text += f" ({'an improvement' if better else 'worse'}: {way} is better)"
        sentences.append(text + ".")
    return sentences


def _side_of(value: float, reference: float) -> int:
    """+1, -1 or 0 as `value` reads above, below or equal to `reference` at two decimals."""
    if _n(value) == _n(reference):
        return 0
    return 1 if value > reference else -1


# --- JSON ----------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value  # str (the enums are StrEnums), int, float, bool, None


def chart_json(chart: Chart, dates: Sequence[dt.date], notes: Sequence[str] = ()) -> dict:
    """The chart as JSON-ready data: floats for numbers, ISO dates, enum values as strings."""
    points = []
    for point in chart.points:
        row = {"date": dates[point.position], **asdict(point)}
        row["annotation"] = notes[point.position] if point.position < len(notes) else ""
        points.append(row)
    if isinstance(chart, XmrChart):
        data = {
            "chart_type": "spc",
            "points": points,
            "phases": [asdict(phase) for phase in chart.phases],
            "variation": chart.variation,
            "assurance": chart.assurance,
            "options": asdict(chart.options),
        }
    else:
        data = {
            "chart_type": "run",
            "points": points,
            **{
                key: value
                for key, value in asdict(chart).items()
                if key not in ("points", "signals")
            },
            "signals": [
                {
                    **asdict(signal),
                    "dates": [dates[position] for position in signal.positions],
                }
                for signal in chart.signals
            ],
        }
    return _plain(data)


# The department impact page's bar charts: horizontal bars drawn as SVG on the server, so they
# need no script. Each is followed on the page by a table of its numbers.
CHART_WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 100
BAR_HEIGHT = 18
BAR_GAP = 3
GROUP_GAP = 12
LEGEND_HEIGHT = 28
LABEL_CHARACTERS = 26
LEGEND_CHARACTER_WIDTH = 8  # generous for 14px text


@dataclass(frozen=True)
class ChartBar:
    series: int  # which series: the legend's position and the CSS class
    text: str  # the value as shown beside the bar
    y: int
    width: float

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class ChartGroup:
    label: str
    y: int  # baseline of the label
    bars: list[ChartBar]


@dataclass(frozen=True)
class BarLegendItem:
    series: int
    label: str
    x: int

    @property
    def text_x(self) -> int:
        return self.x + 18


@dataclass(frozen=True)
class BarChart:
    slug: str  # makes the ids of the title and description unique on the page
    title: str
    description: str
    groups: list[ChartGroup]
    legend: list[BarLegendItem]
    height: int
    top: int  # where the bars start, below the legend if there is one
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def _number(value: Decimal | int) -> str:
    """As the tables show it: 2 for 2.0, 3.5 for 3.5, with thousands separated."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(
    slug: str,
    title: str,
    rows: list[tuple[str, list[Decimal | int]]],
    *,
    series: list[str],
    description: str,
    unit: str = "",
) -> BarChart:
    """A chart of `rows` (label, one value per series); `unit` "£" shows pounds.

    `description` says what the bars show; the chart's desc adds where the numbers are.
    """
    plot_width = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((value for _, values in rows for value in values), default=0) or 1
    top = LEGEND_HEIGHT if len(series) > 1 else 4
    groups, y = [], top
    for label, values in rows:
        bars = []
        for index, value in enumerate(values):
            text = f"£{value:,.2f}" if unit == "£" else _number(value)
            width = float(value) / float(largest) * plot_width
            bars.append(ChartBar(series=index, text=text, y=y, width=round(max(width, 0), 1)))
            y += BAR_HEIGHT + BAR_GAP
        group_height = len(values) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        groups.append(
            ChartGroup(label=_short(label), y=y - BAR_GAP - group_height // 2 + 5, bars=bars)
        )
        y += GROUP_GAP - BAR_GAP
    legend, x = [], LABEL_WIDTH
    for index, name in enumerate(series if len(series) > 1 else []):
        legend.append(BarLegendItem(series=index, label=name, x=x))
        x += 18 + len(name) * LEGEND_CHARACTER_WIDTH + 24  # swatch, text, space
    return BarChart(
        slug=slug,
        title=title,
        description=f"{description} The numbers are in the table that follows.",
        groups=groups,
        legend=legend,
        height=max(y - GROUP_GAP + BAR_GAP + 4, top + 4),
        top=top,
    )
