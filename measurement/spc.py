"""SPC (XmR) charts and run charts, the way NHS England's "Making Data Count" reads them.

Pure Python, standard library only, no Django: the measure pages, the JSON view and the
exports all call `xmr_chart` or `run_chart` with a plain list of values.

XmR charts follow NHSRplotthedots v0.2.2 (R/ptd_spc_standard.R, R/ptd_calculate_point_type.R,
R/ptd_calculate_assurance_type.R, R/ptd_add_short_group_warnings.R, R/geom_ptd_icon.R):

- Within each phase: mean of the values; moving ranges |x_i - x_(i-1)|; average moving range
  (AMR); with screening, moving ranges >= 3.267 x AMR are dropped and AMR recomputed once;
  process limits mean +/- 2.66 x AMR; near-limit lines mean +/- (2/3 x 2.66) x AMR.
- `fix_after_n_points=N` (N >= 12): mean and AMR come from the first N values of each phase
  and judge every point of that phase; the rules still run over the whole phase.
- Rules, in precedence (a point takes the type of the first rule that flags it):
  1. outside the limits (strictly; a point exactly on a limit is inside);
  2. trend: `trend_length` consecutive points each strictly above (or below) the one before,
     i.e. `trend_length - 1` rises; an equal value breaks it; every point of the run is flagged;
  3. two of three: a window of three consecutive points, all on the same side of the mean, of
     which at least two are beyond the near-limit line but inside the limit; only those close
     points are flagged;
  4. shift: `shift_length` consecutive points on the same side of the mean; a point on the mean
     breaks it; every point of the run is flagged.
- A flagged point is high or low by its rule: the side of the limit or mean, or the direction
  of the trend (so a falling trend above the mean is "low"). With improvement direction
  `increase` high is improvement and low concern, `decrease` the reverse, `neutral` gives
  `special_cause_neutral_high`/`_low`. A point in a rising trend that ends where a falling one
  starts (a peak) takes the later trend's direction, as plotthedots does.
- Variation icon: from the last point's type, high/low by the improvement direction (concern
  with `increase` is `concern_low`). Assurance icon: from the target and the last phase's
  limits; None without a target or with a neutral direction.
- Fewer than 13 values in a phase: its limits are trial limits (`trial_limits`).

Where this module differs from plotthedots, and why ("issue" marks where the issue text wins):

- Issue: missing values (None, NaN) are excluded first. Their position still gets a
  point (value None, point_type None, rule None), so `points` stays one per input value and
  `rebase` positions keep meaning positions in the given list, but they take no part in
  anything: a moving range spans the gap, a shift or trend runs on across it, the baseline N and
  the 13-point trial threshold count values only. plotthedots keeps the NA rows, so the moving
  ranges either side of a gap are lost and NA rows count towards N and towards 13.
- Issue: `rebase` holds 0-based positions in `values`; plotthedots takes dates.
- Issue: shift and trend length can be 6 or 7 (default 7), and the rule set can be narrowed;
  both are recorded in `chart.options`. plotthedots has neither (a request in its tracker
  asks for 6).
- Comparisons with the mean, the limits and the near-limit lines treat values within one part
  in 10^9 (math.isclose) as equal, so a value that is "exactly on the limit" in decimal
  arithmetic is not pushed outside by binary floating-point rounding. plotthedots compares raw
  doubles.
- A phase whose moving ranges are all zero keeps AMR 0 (limits on the mean); screening would
  otherwise drop every range and plotthedots ends with NaN limits. A phase with a single value
  has a mean but no limits (None): only the trend and shift rules could apply, and a single
  point cannot make either.
- A point where a rising trend meets a falling one through an equal value (for example
  1 2 3 4 5 6 7 7 6 5 4 3 2 1) belongs to its own trend here; plotthedots labels it
  "decreasing" because it reads the sign of the (zero) step to its right.
- Issue, as we read it. Assurance: the issue says "target beyond the limits on the
  improvement side: consistently passes". Read literally (a target above the upper limit when
  higher is better) that would pass a process that can never reach its target, the opposite
  of plotthedots and of Making Data Count. We read it as the whole process (both limits) lying
  on the improvement side of the target, which is what plotthedots computes: higher is better
  and target < LPL, or lower is better and target > UPL, is `consistent_pass`; the mirror
  image is `consistent_fail`; a target between or on the limits is `inconsistent`.

Run charts follow the IHI rules as set out by Perla, Provost & Murray, "The run chart: a simple
analytical tool for learning from variation in healthcare processes", BMJ Qual Saf
2011;20:46-51:

- Centre line: the median of the values (missing values excluded first).
- Shift: 6 or more consecutive points on the same side of the median. Points on the median are
  skipped: they neither break nor count towards a shift, and are not flagged.
- Trend: 5 or more points all going up or all going down. Repeated equal values are ignored:
  they neither break nor count towards the length, but sit inside the trend and are flagged
  with it (1 2 2 3 4 5 is a trend of 5 and all six points are flagged).
- Runs: a run is one or more consecutive useful observations (points not on the median) on the
  same side. Too few or too many runs are judged by `runs_limits`: the exact two-sided 5%
  limits of the runs distribution (Swed & Eisenhart), the method behind Perla et al.'s Table 1,
  computed for the observed split above and below the median. Below 10 useful observations the
  rule is not applied (the limits and both flags are None).
- Astronomical point: IHI leaves it to judgement ("obviously, even blatantly, different").
  Operationally: a value that sticks out from both its neighbours (above both or below both)
  by a moving range at or above 3.267 x AMR each way, AMR being the average moving range of
  the whole series screened as for XmR charts, so the spike cannot inflate its own yardstick.
  3.267 x AMR is the upper limit of the moving-range chart, the usual mark of an exceptional
  jump. Two exceptional jumps, out and back, make an isolated point that is unlike the rest;
  a sustained shift has only one, so the step change a run chart exists to show is not
  mistaken for astronomical points, which limits around the overall mean would do (after a
  clear shift every point lies outside them). The first and last values have only one
  neighbour and are never astronomical: a jump at the end cannot yet be told from the start
  of a shift, and the point is flagged once the next value shows it was a one-off.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

LIMIT_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
SCREEN_FACTOR = 3.267  # D4 for n = 2: moving ranges at or above 3.267 x AMR are screened out
MIN_BASELINE = 12
TRIAL_LIMITS_BELOW = 13  # fewer values than this in a phase: trial limits
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12

RUN_CHART_SHIFT_LENGTH = 6
RUN_CHART_TREND_LENGTH = 5

# Too few or too many runs: each tail of the runs distribution at this probability or less.
RUNS_TAIL = 0.025
RUNS_MIN_USEFUL = 10


def runs_limits(above: int, below: int, *, tail: float = RUNS_TAIL) -> tuple[int, int] | None:
    """The fewest and the most runs that chance alone plausibly gives, for `above` points above
    the median and `below` below it: fewer is too few, more is too many.

    Exact, from the distribution of the number of runs in a random arrangement (Swed &
    Eisenhart 1943), two-sided 5%. Perla, Provost & Murray's Table 1 tabulates limits of this
    kind for 10 to 60 useful observations; computing them reproduces the method for any count
    and for uneven splits. None below 10 useful observations, or with all on one side.
    """
    if above + below < RUNS_MIN_USEFUL or not above or not below:
        return None
    probabilities = _runs_distribution(above, below)
    cumulative, low = 0.0, None
    for runs in sorted(probabilities):
        cumulative += probabilities[runs]
        if cumulative > tail:
            low = runs
            break
    cumulative, high = 0.0, None
    for runs in sorted(probabilities, reverse=True):
        cumulative += probabilities[runs]
        if cumulative > tail:
            high = runs
            break
    return low, high


def _runs_distribution(above: int, below: int) -> dict[int, float]:
    """P(R = r) for the number of runs R of `above` and `below` items arranged at random."""
    total = math.comb(above + below, above)
    probabilities = {}
    for runs in range(2, above + below + 1):
        half = runs // 2
        if runs % 2 == 0:
            ways = 2 * math.comb(above - 1, half - 1) * math.comb(below - 1, half - 1)
        else:
            ways = math.comb(above - 1, half - 1) * math.comb(below - 1, half) + math.comb(
                above - 1, half
            ) * math.comb(below - 1, half - 1)
        if ways:
            probabilities[runs] = ways / total
    return probabilities


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    SPECIAL_CAUSE_IMPROVEMENT = "special_cause_improvement"
    SPECIAL_CAUSE_CONCERN = "special_cause_concern"
    SPECIAL_CAUSE_NEUTRAL_HIGH = "special_cause_neutral_high"
    SPECIAL_CAUSE_NEUTRAL_LOW = "special_cause_neutral_low"


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class Assurance(StrEnum):
    CONSISTENT_PASS = "consistent_pass"  # noqa: S105 (an icon name, not a password)
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


class Rule(StrEnum):
    """XmR special-cause rules, declared in order of precedence."""

    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_IN_THREE = "two_in_three"
    SHIFT = "shift"


ALL_RULES: tuple[Rule, ...] = tuple(Rule)


class RunRule(StrEnum):
    """Run chart rules; the first three are listed in precedence for a point's type."""

    ASTRONOMICAL = "astronomical"
    TREND = "trend"
    SHIFT = "shift"
    TOO_FEW_RUNS = "too_few_runs"
    TOO_MANY_RUNS = "too_many_runs"


@dataclass(frozen=True)
class XmrOptions:
    """The options a chart was computed with, recorded alongside it."""

    improvement_direction: Direction
    target: float | None
    rebase: tuple[int, ...]
    fix_after_n_points: int | None
    screen_outliers: bool
    shift_length: int
    trend_length: int
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Phase:
    """A stretch of the chart with its own limits: the whole series, or from a rebase."""

    index: int
    start: int  # position of the first value in the phase (inclusive)
    stop: int  # position after the last (exclusive)
    n_values: int  # values present, missing ones excluded
    baseline_n: int  # values the mean and limits were computed from
    mean: float | None
    average_moving_range: float | None
    screened_moving_ranges: int
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None
    trial_limits: bool


@dataclass(frozen=True)
class XmrPoint:
    position: int
    value: float | None  # None: a missing value, inert
    phase: int
    mean: float | None
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None
    moving_range: float | None  # from the previous value in the phase; None for the first
    point_type: PointType | None  # None for a missing value
    rule: Rule | None  # the rule that decided point_type
    trial_limits: bool
    in_baseline: bool  # whether the value helped compute its phase's limits


@dataclass(frozen=True)
class XmrChart:
    points: tuple[XmrPoint, ...]
    phases: tuple[Phase, ...]
    variation: Variation | None  # None when there are no values
    assurance: Assurance | None
    options: XmrOptions


@dataclass(frozen=True)
class RunPoint:
    position: int
    value: float | None
    median: float | None
    on_median: bool
    shift: bool
    trend: bool
    astronomical: bool
    point_type: PointType | None  # None for a missing value
    rule: RunRule | None


@dataclass(frozen=True)
class RunSignal:
    rule: RunRule
    positions: tuple[int, ...]  # empty for the too-few/too-many-runs signals
    point_type: PointType | None  # None for the runs signals, which have no direction


@dataclass(frozen=True)
class RunChart:
    points: tuple[RunPoint, ...]
    median: float | None
    useful_observations: int
    runs: int
    runs_limits: tuple[int, int] | None  # (fewer is too few, more is too many); None below 10
    too_few_runs: bool | None
    too_many_runs: bool | None
    moving_range_limit: float | None  # 3.267 x AMR: a jump this big is exceptional
    signals: tuple[RunSignal, ...]
    improvement_direction: Direction


Value = float | int | Decimal | None


def xmr_chart(
    values: Iterable[Value],
    *,
    improvement_direction: str = "increase",
    target: float | Decimal | None = None,
    rebase: Iterable[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 7,
    rules: Iterable[str] = ALL_RULES,
) -> XmrChart:
    """An XmR chart of `values` in time order, read with the Making Data Count rules.

    `rebase` holds 0-based positions in `values` that start a new phase; `points` has one entry
    per value, missing ones included. Raises ValueError for options it cannot honour.
    """
    series = _clean(values)
    direction = _direction(improvement_direction)
    options = XmrOptions(
        improvement_direction=direction,
        target=_target(target),
        rebase=_rebase_positions(rebase, len(series)),
        fix_after_n_points=_baseline_length(fix_after_n_points),
        screen_outliers=bool(screen_outliers),
        shift_length=_run_length("shift_length", shift_length),
        trend_length=_run_length("trend_length", trend_length),
        rules=_rules(rules),
    )

    starts = [0, *options.rebase]
    stops = [*options.rebase, len(series)]
    points: list[XmrPoint] = []
    phases: list[Phase] = []
    for index, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        if start == stop:  # no values at all
            break
        phase, phase_points = _xmr_phase(index, start, series[start:stop], options)
        phases.append(phase)
        points.extend(phase_points)

    last = next((p for p in reversed(points) if p.value is not None), None)
    return XmrChart(
        points=tuple(points),
        phases=tuple(phases),
        variation=_variation(last.point_type, direction) if last else None,
        assurance=_assurance(options.target, direction, phases[last.phase]) if last else None,
        options=options,
    )


def run_chart(values: Iterable[Value], *, improvement_direction: str = "increase") -> RunChart:
    """A run chart of `values` in time order, read with the IHI run chart rules."""
    series = _clean(values)
    direction = _direction(improvement_direction)
    present = [(position, v) for position, v in enumerate(series) if v is not None]
    median = statistics.median(v for _, v in present) if present else None

    sides = {position: _side(v, median) for position, v in present}
    useful = [(position, side) for position, side in sides.items() if side != 0]

    signals: list[RunSignal] = []
    flagged: dict[RunRule, dict[int, int]] = {
        RunRule.ASTRONOMICAL: {},
        RunRule.TREND: {},
        RunRule.SHIFT: {},
    }

    for run, side in _runs_of_equal_sign(useful):
        if len(run) >= RUN_CHART_SHIFT_LENGTH:
            flagged[RunRule.SHIFT].update(dict.fromkeys(run, side))
            signals.append(RunSignal(RunRule.SHIFT, tuple(run), _point_type(side, direction)))

    for run, step in _run_chart_trends(present):
        flagged[RunRule.TREND].update(dict.fromkeys(run, step))
        signals.append(RunSignal(RunRule.TREND, tuple(run), _point_type(step, direction)))

    moving_range_limit = _moving_range_limit([v for _, v in present])
    if moving_range_limit is not None:
        for position, side in _astronomical(present, moving_range_limit):
            flagged[RunRule.ASTRONOMICAL][position] = side
            signals.append(
                RunSignal(RunRule.ASTRONOMICAL, (position,), _point_type(side, direction))
            )

    runs = len(_runs_of_equal_sign(useful))
    above = sum(1 for _, side in useful if side > 0)
    limits = runs_limits(above, len(useful) - above)
    too_few = too_many = None
    if limits is not None:
        too_few, too_many = runs < limits[0], runs > limits[1]
        if too_few:
            signals.append(RunSignal(RunRule.TOO_FEW_RUNS, (), None))
        if too_many:
            signals.append(RunSignal(RunRule.TOO_MANY_RUNS, (), None))

    points = []
    for position, value in enumerate(series):
        rule = point_type = None
        if value is not None:
            point_type = PointType.COMMON_CAUSE
            rule = next((r for r, hits in flagged.items() if position in hits), None)
            if rule is not None:
                point_type = _point_type(flagged[rule][position], direction)
        points.append(
            RunPoint(
                position=position,
                value=value,
                median=median,
                on_median=value is not None and sides[position] == 0,
                shift=position in flagged[RunRule.SHIFT],
                trend=position in flagged[RunRule.TREND],
                astronomical=position in flagged[RunRule.ASTRONOMICAL],
                point_type=point_type,
                rule=rule,
            )
        )

    return RunChart(
        points=tuple(points),
        median=median,
        useful_observations=len(useful),
        runs=runs,
        runs_limits=limits,
        too_few_runs=too_few,
        too_many_runs=too_many,
        moving_range_limit=moving_range_limit,
        signals=tuple(signals),
        improvement_direction=direction,
    )


# --- XmR internals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    mean: float | None
    amr: float | None
    screened: int
    lpl: float | None
    upl: float | None
    near_lpl: float | None
    near_upl: float | None


def _limits(baseline: Sequence[float], *, screen_outliers: bool) -> _Limits:
    if not baseline:
        return _Limits(None, None, 0, None, None, None, None)
    mean = statistics.fmean(baseline)
    moving_ranges = [abs(b - a) for a, b in pairwise(baseline)]
    if not moving_ranges:
        return _Limits(mean, None, 0, None, None, None, None)
    amr = statistics.fmean(moving_ranges)
    screened = 0
    if screen_outliers and amr > 0:
        # At least one range is <= AMR < 3.267 x AMR, so something is always kept. A range
        # equal to 3.267 x AMR but for floating-point noise is screened, as the rule says.
        kept = [mr for mr in moving_ranges if _side(mr, SCREEN_FACTOR * amr) < 0]
        screened = len(moving_ranges) - len(kept)
        amr = statistics.fmean(kept)
    return _Limits(
        mean=mean,
        amr=amr,
        screened=screened,
        lpl=mean - LIMIT_FACTOR * amr,
        upl=mean + LIMIT_FACTOR * amr,
        near_lpl=mean - NEAR_LIMIT_FACTOR * amr,
        near_upl=mean + NEAR_LIMIT_FACTOR * amr,
    )


def _xmr_phase(
    index: int, start: int, series: Sequence[float | None], options: XmrOptions
) -> tuple[Phase, list[XmrPoint]]:
    present = [(start + offset, v) for offset, v in enumerate(series) if v is not None]
    values = [v for _, v in present]
    baseline_n = min(len(values), options.fix_after_n_points or len(values))
    limits = _limits(values[:baseline_n], screen_outliers=options.screen_outliers)
    trial = len(values) < TRIAL_LIMITS_BELOW
    phase = Phase(
        index=index,
        start=start,
        stop=start + len(series),
        n_values=len(values),
        baseline_n=baseline_n,
        mean=limits.mean,
        average_moving_range=limits.amr,
        screened_moving_ranges=limits.screened,
        lpl=limits.lpl,
        upl=limits.upl,
        near_lpl=limits.near_lpl,
        near_upl=limits.near_upl,
        trial_limits=trial,
    )

    # Each rule maps an index into `values` to the side it flags it on (+1 high, -1 low).
    flags = _xmr_rule_flags(values, limits, options)
    decided: dict[int, tuple[Rule, int]] = {}
    for rule in options.rules:
        for i, side in flags[rule].items():
            decided.setdefault(i, (rule, side))

    by_position = {position: i for i, (position, _) in enumerate(present)}
    points = []
    for offset, value in enumerate(series):
        position = start + offset
        i = by_position.get(position)
        point_type = rule = moving_range = None
        if i is not None:
            point_type = PointType.COMMON_CAUSE
            if i in decided:
                rule, side = decided[i]
                point_type = _point_type(side, options.improvement_direction)
            if i > 0:
                moving_range = abs(values[i] - values[i - 1])
        points.append(
            XmrPoint(
                position=position,
                value=value,
                phase=index,
                mean=limits.mean,
                lpl=limits.lpl,
                upl=limits.upl,
                near_lpl=limits.near_lpl,
                near_upl=limits.near_upl,
                moving_range=moving_range,
                point_type=point_type,
                rule=rule,
                trial_limits=trial,
                in_baseline=i is not None and i < baseline_n,
            )
        )
    return phase, points


def _xmr_rule_flags(
    values: Sequence[float], limits: _Limits, options: XmrOptions
) -> dict[Rule, dict[int, int]]:
    flags: dict[Rule, dict[int, int]] = {rule: {} for rule in Rule}
    if limits.mean is None:
        return flags
    relative = [_side(v, limits.mean) for v in values]

    if limits.lpl is not None and limits.upl is not None:
        for i, v in enumerate(values):
            side = _outside(v, limits.lpl, limits.upl)
            if side:
                flags[Rule.OUTSIDE_LIMITS][i] = side

        # Beyond a near-limit line but not beyond the limit, on the same side.
        close = [
            not flags[Rule.OUTSIDE_LIMITS].get(i)
            and (_side(v, limits.near_upl) > 0 or _side(v, limits.near_lpl) < 0)
            for i, v in enumerate(values)
        ]
        for i in range(len(values) - 2):
            window = range(i, i + 3)
            sides = {relative[j] for j in window}
            if len(sides) == 1 and 0 not in sides and sum(close[j] for j in window) >= 2:
                for j in window:
                    if close[j]:
                        flags[Rule.TWO_IN_THREE][j] = relative[j]

    steps = [_side(b, a) for a, b in pairwise(values)]
    # Maximal runs of steps in one direction; a run of k steps covers k + 1 points. Later runs
    # overwrite the shared turning point, so a peak takes the falling trend's direction.
    for run, direction in _runs_of_equal_sign(enumerate(steps)):
        if direction and len(run) + 1 >= options.trend_length:
            for i in range(run[0], run[-1] + 2):
                flags[Rule.TREND][i] = direction

    for run, side in _runs_of_equal_sign(enumerate(relative)):
        if side and len(run) >= options.shift_length:
            for i in run:
                flags[Rule.SHIFT][i] = side
    return flags


def _variation(point_type: PointType | None, direction: Direction) -> Variation | None:
    increase = direction == Direction.INCREASE
    match point_type:
        case PointType.COMMON_CAUSE:
            return Variation.COMMON_CAUSE
        case PointType.SPECIAL_CAUSE_NEUTRAL_HIGH:
            return Variation.NEUTRAL_HIGH
        case PointType.SPECIAL_CAUSE_NEUTRAL_LOW:
            return Variation.NEUTRAL_LOW
        case PointType.SPECIAL_CAUSE_IMPROVEMENT:
            return Variation.IMPROVEMENT_HIGH if increase else Variation.IMPROVEMENT_LOW
        case PointType.SPECIAL_CAUSE_CONCERN:
            return Variation.CONCERN_LOW if increase else Variation.CONCERN_HIGH
    return None


def _assurance(target: float | None, direction: Direction, phase: Phase) -> Assurance | None:
    if target is None or direction == Direction.NEUTRAL or phase.lpl is None:
        return None
    if _side(target, phase.upl) > 0:
        process_side = -1  # the whole process runs below the target
    elif _side(target, phase.lpl) < 0:
        process_side = 1  # the whole process runs above it
    else:
        return Assurance.INCONSISTENT
    improving = _point_type(process_side, direction) == PointType.SPECIAL_CAUSE_IMPROVEMENT
    return Assurance.CONSISTENT_PASS if improving else Assurance.CONSISTENT_FAIL


# --- Run chart internals ---------------------------------------------------------------------


def _run_chart_trends(present: Sequence[tuple[int, float]]) -> list[tuple[list[int], int]]:
    """Trends of RUN_CHART_TREND_LENGTH or more points, repeated values ignored.

    Consecutive equal values form one step; a trend is a run of steps each higher (or lower)
    than the one before, counted in steps. Every point of every step in it is returned.
    """
    steps: list[list[int]] = []  # positions sharing one value
    levels: list[float] = []
    for position, v in present:
        if levels and _side(v, levels[-1]) == 0:
            steps[-1].append(position)
        else:
            steps.append([position])
            levels.append(v)
    moves = [_side(b, a) for a, b in pairwise(levels)]
    trends = []
    for run, direction in _runs_of_equal_sign(enumerate(moves)):
        if direction and len(run) + 1 >= RUN_CHART_TREND_LENGTH:
            run_steps = steps[run[0] : run[-1] + 2]
            trends.append(([p for step in run_steps for p in step], direction))
    return trends


def _moving_range_limit(values: Sequence[float]) -> float | None:
    amr = _limits(values, screen_outliers=True).amr
    return None if amr is None else SCREEN_FACTOR * amr


def _astronomical(
    present: Sequence[tuple[int, float]], moving_range_limit: float
) -> list[tuple[int, int]]:
    """(position, side) of each value that jumps out from both neighbours and back."""
    spikes = []
    for (_, before), (position, v), (_, after) in zip(
        present, present[1:], present[2:], strict=False
    ):
        side = _side(v, before)
        if (
            side
            and _side(v, after) == side
            and _side(abs(v - before), moving_range_limit) >= 0
            and _side(abs(v - after), moving_range_limit) >= 0
        ):
            spikes.append((position, side))
    return spikes


# --- Shared helpers --------------------------------------------------------------------------


def _runs_of_equal_sign(items: Iterable[tuple[int, int]]) -> list[tuple[list[int], int]]:
    """Maximal runs of (key, sign) pairs sharing a sign, as (keys, sign), in order."""
    runs: list[tuple[list[int], int]] = []
    for key, sign in items:
        if runs and runs[-1][1] == sign:
            runs[-1][0].append(key)
        else:
            runs.append(([key], sign))
    return runs


def _point_type(side: int, direction: Direction) -> PointType:
    if direction == Direction.NEUTRAL:
        return (
            PointType.SPECIAL_CAUSE_NEUTRAL_HIGH
            if side > 0
            else PointType.SPECIAL_CAUSE_NEUTRAL_LOW
        )
    improving = side > 0 if direction == Direction.INCREASE else side < 0
    return PointType.SPECIAL_CAUSE_IMPROVEMENT if improving else PointType.SPECIAL_CAUSE_CONCERN


def _side(value: float, reference: float | None) -> int:
    """+1 above, -1 below, 0 on `reference`, within floating-point noise."""
    if reference is None or math.isclose(
        value, reference, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
    ):
        return 0
    return 1 if value > reference else -1


def _outside(value: float, lpl: float, upl: float) -> int:
    if _side(value, upl) > 0:
        return 1
    if _side(value, lpl) < 0:
        return -1
    return 0


# --- Argument handling -----------------------------------------------------------------------


def _clean(values: Iterable[Value]) -> list[float | None]:
    series: list[float | None] = []
    for value in values:
        number = None if value is None else float(value)
        if number is not None and math.isnan(number):
            number = None
        if number is not None and math.isinf(number):
            raise ValueError("values must be finite numbers or missing (None/NaN)")
        series.append(number)
    return series


def _direction(improvement_direction: str) -> Direction:
    try:
        return Direction(improvement_direction)
    except ValueError:
        raise ValueError(
            f"improvement_direction must be one of {', '.join(Direction)}, "
            f"not {improvement_direction!r}"
        ) from None


def _target(target: float | Decimal | None) -> float | None:
    if target is None:
        return None
    number = float(target)
    if not math.isfinite(number):
        raise ValueError("target must be a finite number")
    return number


def _rebase_positions(rebase: Iterable[int], length: int) -> tuple[int, ...]:
    positions = set()
    for position in rebase:
        if isinstance(position, bool) or not isinstance(position, int):
            raise ValueError(f"rebase positions must be integers, not {position!r}")
        if not 0 <= position < length:
            raise ValueError(f"rebase position {position} is outside the {length} values")
        positions.add(position)
    positions.discard(0)  # the first phase starts at 0 anyway
    return tuple(sorted(positions))


def _baseline_length(fix_after_n_points: int | None) -> int | None:
    if fix_after_n_points is None:
        return None
    if isinstance(fix_after_n_points, bool) or not isinstance(fix_after_n_points, int):
        raise ValueError("fix_after_n_points must be a whole number")
    if fix_after_n_points < MIN_BASELINE:
        raise ValueError(f"fix_after_n_points must be at least {MIN_BASELINE}")
    return fix_after_n_points


def _run_length(name: str, length: int) -> int:
    if length not in (6, 7):
        raise ValueError(f"{name} must be 6 or 7, not {length!r}")
    return length


def _rules(rules: Iterable[str]) -> tuple[Rule, ...]:
    try:
        chosen = {Rule(rule) for rule in rules}
    except ValueError:
        raise ValueError(f"rules must be drawn from {', '.join(Rule)}") from None
    return tuple(rule for rule in ALL_RULES if rule in chosen)
