"""The SPC module against hand-worked series: plain functions, no database, no Django.

Most XmR cases sit on one baseline, BASELINE = 12, 10, 12, 10, ... (12 values):
    mean = (6 x 12 + 6 x 10) / 12 = 132 / 12 = 11
    moving ranges: eleven of |10 - 12| = 2, so AMR = 22 / 11 = 2 (none >= 3.267 x 2 = 6.534)
    limits: 11 +/- 2.66 x 2 = 11 +/- 5.32 -> LPL 5.68, UPL 16.32
    near-limit lines: 11 +/- (2 / 3 x 2.66) x 2 = 11 +/- 3.54667 -> 7.45333 and 14.54667
With `fix_after_n_points=12` those limits judge whatever follows, so later values can sit
exactly where a test needs them. The baseline ends on 10 (below the mean), so a run above the
mean starts with the first added value.
"""

import math
from decimal import Decimal

import pytest

from measurement import spc

BASELINE = [12, 10] * 6
MEAN, UPL, LPL = 11, 11 + 2.66 * 2, 11 - 2.66 * 2
NEAR_UPL, NEAR_LPL = 11 + (2 / 3 * 2.66) * 2, 11 - (2 / 3 * 2.66) * 2


def fixed(*later, **options):
    """BASELINE fixing the limits, then `later` values judged against them."""
    return spc.xmr_chart([*BASELINE, *later], fix_after_n_points=12, **options)


def types(chart, start=0):
    return [p.point_type for p in chart.points[start:]]


def special(chart):
    """Positions of the points flagged as special cause."""
    return [
        p.position for p in chart.points if p.point_type not in (None, spc.PointType.COMMON_CAUSE)
    ]


# --- XmR: limits ---------------------------------------------------------------------------


def test_limits_of_a_hand_worked_series():
    values = [5, 7, 6, 8, 7, 6, 7, 5, 6, 8, 7, 6]
    chart = spc.xmr_chart(values)
    # mean = 78 / 12 = 6.5
    # moving ranges 2,1,2,1,1,1,2,1,2,1,1 sum to 15 -> AMR = 15 / 11 = 1.363636...
    # screening keeps them all: the largest, 2, is below 3.267 x 15/11 = 4.4545
    amr = 15 / 11
    phase = chart.phases[0]
    assert phase.mean == pytest.approx(6.5)
    assert phase.average_moving_range == pytest.approx(amr)
    assert phase.screened_moving_ranges == 0
    # 6.5 +/- 2.66 x 1.363636 = 6.5 +/- 3.627273
    assert phase.upl == pytest.approx(10.127273, abs=1e-6)
    assert phase.lpl == pytest.approx(2.872727, abs=1e-6)
    # 6.5 +/- 1.773333 x 1.363636 = 6.5 +/- 2.418182
    assert phase.near_upl == pytest.approx(8.918182, abs=1e-6)
    assert phase.near_lpl == pytest.approx(4.081818, abs=1e-6)
    assert [p.upl for p in chart.points] == [phase.upl] * 12
    assert [p.moving_range for p in chart.points] == [None, 2, 1, 2, 1, 1, 1, 2, 1, 2, 1, 1]
    assert types(chart) == [spc.PointType.COMMON_CAUSE] * 12


def test_the_baseline_alone_is_common_cause():
    chart = spc.xmr_chart(BASELINE)
    assert chart.phases[0].mean == MEAN
    assert chart.phases[0].average_moving_range == 2
    assert chart.phases[0].upl == pytest.approx(16.32)
    assert chart.phases[0].lpl == pytest.approx(5.68)
    assert special(chart) == []
    assert chart.variation == spc.Variation.COMMON_CAUSE


# --- XmR: outside the limits ---------------------------------------------------------------


def test_a_point_exactly_on_the_upper_limit_is_common_cause():
    chart = fixed(UPL)  # 16.32, on the line
    assert chart.points[12].upl == pytest.approx(16.32)
    assert chart.points[12].point_type == spc.PointType.COMMON_CAUSE


def test_a_point_just_above_the_upper_limit_is_special_cause():
    chart = fixed(16.33)
    assert chart.points[12].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert chart.points[12].rule == spc.Rule.OUTSIDE_LIMITS


def test_a_point_exactly_on_the_lower_limit_is_common_cause():
    assert fixed(LPL).points[12].point_type == spc.PointType.COMMON_CAUSE


def test_a_point_just_below_the_lower_limit_is_a_concern_when_higher_is_better():
    chart = fixed(5.67)
    assert chart.points[12].point_type == spc.PointType.SPECIAL_CAUSE_CONCERN
    assert chart.points[12].rule == spc.Rule.OUTSIDE_LIMITS


def test_a_value_on_a_limit_worked_out_in_decimals_is_not_pushed_out_by_rounding():
    # Baseline 0.1, 1.2, ...: mean 0.65, AMR 1.1, UPL 0.65 + 2.66 x 1.1 = 3.576 exactly in
    # decimals, but 3.5759999999999996 in binary floating point, just under the typed 3.576.
    chart = spc.xmr_chart(
        [Decimal("0.1"), Decimal("1.2")] * 6 + [Decimal("3.576")], fix_after_n_points=12
    )
    assert chart.points[12].upl == pytest.approx(3.576)
    assert chart.points[12].value > chart.points[12].upl  # what a strict comparison would see
    assert chart.points[12].point_type == spc.PointType.COMMON_CAUSE


# --- XmR: shift ----------------------------------------------------------------------------


def test_seven_points_above_the_mean_are_a_shift():
    chart = fixed(12, 13, 12, 13, 12, 13, 12)
    assert special(chart) == list(range(12, 19))
    assert {p.rule for p in chart.points[12:]} == {spc.Rule.SHIFT}
    assert set(types(chart, 12)) == {spc.PointType.SPECIAL_CAUSE_IMPROVEMENT}


def test_six_points_above_the_mean_are_not_a_shift_by_default():
    assert special(fixed(12, 13, 12, 13, 12, 13)) == []


def test_six_points_above_the_mean_are_a_shift_with_the_six_point_option():
    chart = fixed(12, 13, 12, 13, 12, 13, shift_length=6)
    assert special(chart) == list(range(12, 18))
    assert chart.options.shift_length == 6


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # 3 above, one on the mean (11), 4 above: eight points but no run of seven.
    assert special(fixed(12, 13, 12, MEAN, 13, 12, 13, 12)) == []


def test_a_point_just_above_the_mean_keeps_the_shift_going():
    assert special(fixed(12, 13, 12, 11.5, 13, 12, 13, 12)) == list(range(12, 20))


def test_points_below_the_mean_make_a_shift_of_concern():
    chart = fixed(10, 9, 10, 9, 10, 9)  # with the baseline's last 10: seven below
    assert special(chart) == list(range(11, 18))
    assert set(types(chart, 11)) == {spc.PointType.SPECIAL_CAUSE_CONCERN}


# --- XmR: trend ----------------------------------------------------------------------------


def test_seven_rising_points_are_a_trend_even_below_the_mean():
    # The baseline ends on 10; 9 is a fall, then 9 -> 12 rises through seven points.
    chart = fixed(9, 9.5, 10, 10.5, 11, 11.5, 12)
    assert special(chart) == list(range(12, 19))
    assert {p.rule for p in chart.points[12:]} == {spc.Rule.TREND}
    # A rising trend is improvement when higher is better, including the points below the mean.
    assert set(types(chart, 12)) == {spc.PointType.SPECIAL_CAUSE_IMPROVEMENT}


def test_six_rising_points_are_not_a_trend_by_default():
    assert special(fixed(9, 9.5, 10, 10.5, 11, 11.5)) == []


def test_six_rising_points_are_a_trend_with_the_six_point_option():
    chart = fixed(9, 9.5, 10, 10.5, 11, 11.5, trend_length=6)
    assert special(chart) == list(range(12, 18))
    assert chart.options.trend_length == 6


def test_equal_consecutive_values_break_a_trend():
    # 9, 9.5, 10 | 10, 10.5, 11, 11.5, 12: the repeat splits eight points into 3 and 5.
    assert special(fixed(9, 9.5, 10, 10, 10.5, 11, 11.5, 12)) == []


def test_a_falling_trend_above_the_mean_is_a_concern():
    chart = fixed(14, 13.5, 13, 12.5, 12, 11.75, 11.5)  # all above the mean, all falling
    assert {p.rule for p in chart.points[12:]} == {spc.Rule.TREND}
    assert set(types(chart, 12)) == {spc.PointType.SPECIAL_CAUSE_CONCERN}


# --- XmR: two of three beyond the near-limit line ------------------------------------------


def test_two_of_three_close_to_the_upper_limit_flags_only_the_close_points():
    # 15 is beyond the near line (14.547) but inside the limit (16.32); 12 is above the mean
    # but not close, so all three are on the same side and only the two 15s are flagged.
    chart = fixed(15, 12, 15)
    assert special(chart) == [12, 14]
    assert chart.points[12].rule == spc.Rule.TWO_IN_THREE
    assert chart.points[13].point_type == spc.PointType.COMMON_CAUSE
    assert chart.points[14].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT


def test_two_close_points_with_the_third_across_the_mean_are_common_cause():
    assert special(fixed(15, 10, 15)) == []


def test_a_single_close_point_is_common_cause():
    assert special(fixed(15, 12, 12)) == []


def test_a_point_on_the_near_limit_line_is_not_close():
    assert special(fixed(NEAR_UPL, 12, NEAR_UPL)) == []


def test_a_point_beyond_the_limit_does_not_count_towards_two_of_three():
    chart = fixed(17, 15, 12)
    assert special(chart) == [12]  # 17 is outside; 15 is the only close point
    assert chart.points[12].rule == spc.Rule.OUTSIDE_LIMITS


def test_two_of_three_close_to_the_lower_limit_is_a_concern():
    chart = fixed(7, 10, 7)  # 7 is below the near line 7.453, above the limit 5.68
    assert special(chart) == [12, 14]
    assert set(types(chart, 12)) - {spc.PointType.COMMON_CAUSE} == {
        spc.PointType.SPECIAL_CAUSE_CONCERN
    }


# --- XmR: precedence -----------------------------------------------------------------------


def test_outside_the_limits_takes_precedence_over_a_trend():
    chart = fixed(9, 10, 11, 12, 13, 14, 17)  # 10, 9, ..., 17 rise; 17 is beyond 16.32
    assert chart.points[18].rule == spc.Rule.OUTSIDE_LIMITS
    assert chart.points[17].rule == spc.Rule.TREND


def test_a_narrowed_rule_set_is_applied_and_recorded():
    chart = fixed(12, 13, 12, 13, 12, 13, 12, rules=["outside_limits", "trend"])
    assert special(chart) == []
    assert chart.options.rules == (spc.Rule.OUTSIDE_LIMITS, spc.Rule.TREND)


# --- XmR: phases, baseline, trial limits, screening, missing values -----------------------


def test_rebase_gives_each_phase_its_own_limits_and_rules():
    before = [8, 12, 8, 12, 11, 11, 11, 11]
    after = [21, 22, 21, 22, 19, 18, 19, 18]
    chart = spc.xmr_chart(before + after, rebase=[8])
    first, second = chart.phases
    # Phase 0: mean 84 / 8 = 10.5; moving ranges 4,4,4,1,0,0,0 -> AMR 13 / 7
    assert (first.start, first.stop, first.mean) == (0, 8, 10.5)
    assert first.average_moving_range == pytest.approx(13 / 7)
    assert first.upl == pytest.approx(10.5 + 2.66 * 13 / 7)
    # Phase 1: mean 160 / 8 = 20; moving ranges 1,1,1,3,1,1,1 -> AMR 9 / 7; the jump 11 -> 21
    # between the phases is not a moving range of either.
    assert (second.start, second.stop, second.mean) == (8, 16, 20)
    assert second.average_moving_range == pytest.approx(9 / 7)
    assert chart.points[8].moving_range is None
    assert [p.phase for p in chart.points] == [0] * 8 + [1] * 8
    # Four above phase 0's mean then four above phase 1's: eight in a row, but no shift,
    # because a run cannot straddle a rebase.
    assert special(chart) == []


def test_without_the_rebase_the_same_values_are_special_cause():
    before = [8, 12, 8, 12, 11, 11, 11, 11]
    after = [21, 22, 21, 22, 19, 18, 19, 18]
    chart = spc.xmr_chart(before + after)
    # One mean of 244 / 16 = 15.25: eight below it, then eight above.
    assert chart.phases[0].mean == 15.25
    assert special(chart) == list(range(16))


def test_rebase_position_zero_is_ignored_and_bad_positions_are_refused():
    assert len(spc.xmr_chart(BASELINE, rebase=[0]).phases) == 1
    with pytest.raises(ValueError, match="outside"):
        spc.xmr_chart(BASELINE, rebase=[12])


def test_a_fixed_baseline_judges_later_points_against_its_limits():
    chart = fixed(20, 11, 12)
    phase = chart.phases[0]
    assert (phase.baseline_n, phase.mean, phase.average_moving_range) == (12, 11, 2)
    # Without the fix the 20 would pull the mean to (132 + 43) / 15 = 11.67 and widen the AMR.
    assert [p.upl for p in chart.points] == [pytest.approx(16.32)] * 15
    assert [p.in_baseline for p in chart.points] == [True] * 12 + [False] * 3
    assert special(chart) == [12]


def test_without_a_fixed_baseline_later_points_move_the_limits():
    chart = spc.xmr_chart([*BASELINE, 20, 11, 12])
    # mean 175 / 15; moving ranges: eleven 2s, then 10, 9, 1 -> AMR 42 / 14 = 3;
    # 10 >= 3.267 x 3 = 9.801 is screened -> AMR (22 + 9 + 1) / 13 = 32 / 13
    assert chart.phases[0].mean == pytest.approx(175 / 15)
    assert chart.phases[0].average_moving_range == pytest.approx(32 / 13)
    assert chart.phases[0].screened_moving_ranges == 1


def test_a_baseline_shorter_than_twelve_points_is_refused():
    with pytest.raises(ValueError, match="at least 12"):
        spc.xmr_chart(BASELINE, fix_after_n_points=11)


def test_fewer_than_thirteen_points_give_trial_limits():
    assert spc.xmr_chart(BASELINE).phases[0].trial_limits
    assert all(p.trial_limits for p in spc.xmr_chart(BASELINE).points)
    assert not spc.xmr_chart([*BASELINE, 11]).phases[0].trial_limits


def test_trial_limits_are_judged_per_phase():
    chart = spc.xmr_chart([*BASELINE, 11, *BASELINE], rebase=[13])
    assert [phase.trial_limits for phase in chart.phases] == [False, True]


def test_screening_drops_a_huge_moving_range_from_the_average():
    values = [*BASELINE[::-1], 50]  # 10, 12, ..., 12, 50
    # mean (132 + 50) / 13 = 14
    # moving ranges: eleven 2s and |50 - 12| = 38 -> AMR 60 / 12 = 5
    # screening: 38 >= 3.267 x 5 = 16.335 is dropped -> AMR 22 / 11 = 2
    screened = spc.xmr_chart(values)
    assert screened.phases[0].mean == 14
    assert screened.phases[0].average_moving_range == 2
    assert screened.phases[0].screened_moving_ranges == 1
    assert screened.phases[0].upl == pytest.approx(14 + 5.32)
    assert screened.points[12].rule == spc.Rule.OUTSIDE_LIMITS
    # Unscreened, the jump stays in: AMR 5, limits 14 +/- 13.3 -> 50 is still outside.
    unscreened = spc.xmr_chart(values, screen_outliers=False)
    assert unscreened.phases[0].average_moving_range == 5
    assert unscreened.phases[0].screened_moving_ranges == 0
    assert unscreened.phases[0].upl == pytest.approx(27.3)
    assert unscreened.options.screen_outliers is False


def test_missing_values_are_excluded_but_keep_their_place():
    chart = spc.xmr_chart([10, None, 12, 10, math.nan, 12])
    # Present: 10, 12, 10, 12 -> mean 11; moving ranges 2, 2, 2 (spanning the gaps) -> AMR 2
    assert chart.phases[0].mean == 11
    assert chart.phases[0].average_moving_range == 2
    assert chart.phases[0].n_values == 4
    assert len(chart.points) == 6
    gap = chart.points[1]
    assert (gap.value, gap.point_type, gap.rule, gap.moving_range) == (None, None, None, None)
    assert gap.mean == 11  # a missing point still sits in its phase, for drawing the lines
    assert chart.points[2].moving_range == 2  # from the 10 at position 0


def test_a_shift_runs_on_across_a_missing_value():
    chart = fixed(12, 13, 12, None, 13, 12, 13, 12)
    assert special(chart) == [12, 13, 14, 16, 17, 18, 19]


def test_decimal_values_and_target_are_accepted():
    chart = spc.xmr_chart([Decimal(v) for v in BASELINE], target=Decimal("4.5"))
    assert chart.phases[0].mean == 11
    assert chart.assurance == spc.Assurance.CONSISTENT_PASS


# --- XmR: improvement direction ------------------------------------------------------------


def test_decrease_direction_flips_improvement_and_concern():
    above = fixed(16.33, improvement_direction="decrease")
    below = fixed(5.67, improvement_direction="decrease")
    assert above.points[12].point_type == spc.PointType.SPECIAL_CAUSE_CONCERN
    assert below.points[12].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT
    rising = fixed(9, 9.5, 10, 10.5, 11, 11.5, 12, improvement_direction="decrease")
    assert set(types(rising, 12)) == {spc.PointType.SPECIAL_CAUSE_CONCERN}


def test_neutral_direction_gives_neutral_high_and_low():
    high = fixed(16.33, improvement_direction="neutral")
    low = fixed(5.67, improvement_direction="neutral")
    assert high.points[12].point_type == spc.PointType.SPECIAL_CAUSE_NEUTRAL_HIGH
    assert low.points[12].point_type == spc.PointType.SPECIAL_CAUSE_NEUTRAL_LOW
    assert high.variation == spc.Variation.NEUTRAL_HIGH
    assert low.variation == spc.Variation.NEUTRAL_LOW


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="improvement_direction"):
        spc.xmr_chart(BASELINE, improvement_direction="up")


def test_run_lengths_other_than_six_or_seven_are_refused():
    with pytest.raises(ValueError, match="shift_length"):
        spc.xmr_chart(BASELINE, shift_length=8)
    with pytest.raises(ValueError, match="trend_length"):
        spc.xmr_chart(BASELINE, trend_length=5)


# --- XmR: variation and assurance icons ----------------------------------------------------


@pytest.mark.parametrize(
    ("last", "direction", "variation"),
    [
        (12, "increase", spc.Variation.COMMON_CAUSE),
        (16.33, "increase", spc.Variation.IMPROVEMENT_HIGH),
        (5.67, "increase", spc.Variation.CONCERN_LOW),
        (16.33, "decrease", spc.Variation.CONCERN_HIGH),
        (5.67, "decrease", spc.Variation.IMPROVEMENT_LOW),
    ],
)
def test_variation_comes_from_the_last_point(last, direction, variation):
    assert fixed(last, improvement_direction=direction).variation == variation


def test_variation_ignores_a_special_cause_before_the_last_point():
    assert fixed(20, 11).variation == spc.Variation.COMMON_CAUSE


def test_variation_comes_from_the_last_value_when_the_last_point_is_missing():
    assert fixed(20, None).variation == spc.Variation.IMPROVEMENT_HIGH


@pytest.mark.parametrize(
    ("target", "direction", "assurance"),
    [
        # Higher is better: the whole process (5.68 to 16.32) above a target of 5 passes it.
        (5, "increase", spc.Assurance.CONSISTENT_PASS),
        (17, "increase", spc.Assurance.CONSISTENT_FAIL),
        (11, "increase", spc.Assurance.INCONSISTENT),
        (UPL, "increase", spc.Assurance.INCONSISTENT),  # on a limit: not beyond it
        (LPL, "increase", spc.Assurance.INCONSISTENT),
        # Lower is better: a target above the whole process is always met.
        (17, "decrease", spc.Assurance.CONSISTENT_PASS),
        (5, "decrease", spc.Assurance.CONSISTENT_FAIL),
        (11, "decrease", spc.Assurance.INCONSISTENT),
        (5, "neutral", None),
        (None, "increase", None),
    ],
)
def test_assurance_compares_the_target_with_the_limits(target, direction, assurance):
    chart = spc.xmr_chart(BASELINE, target=target, improvement_direction=direction)
    assert chart.assurance == assurance


def test_assurance_uses_the_last_phase():
    later = [22, 20] * 6  # mean 21, AMR 2 -> limits 15.68 to 26.32
    chart = spc.xmr_chart([*BASELINE, *later], rebase=[12], target=15)
    # 15 is inside the first phase's limits (5.68 to 16.32) but below the last phase's.
    assert chart.phases[1].lpl == pytest.approx(15.68)
    assert chart.assurance == spc.Assurance.CONSISTENT_PASS


def test_options_are_recorded_with_the_chart():
    chart = spc.xmr_chart(
        BASELINE * 2,
        improvement_direction="decrease",
        target=9,
        rebase=[12],
        fix_after_n_points=12,
        screen_outliers=False,
    )
    assert chart.options == spc.XmrOptions(
        improvement_direction=spc.Direction.DECREASE,
        target=9.0,
        rebase=(12,),
        fix_after_n_points=12,
        screen_outliers=False,
        shift_length=7,
        trend_length=7,
        rules=spc.ALL_RULES,
    )


def test_no_values_make_an_empty_chart():
    chart = spc.xmr_chart([None, None])
    assert [p.point_type for p in chart.points] == [None, None]
    assert (chart.variation, chart.assurance, chart.phases[0].mean) == (None, None, None)
    assert spc.xmr_chart([]).points == ()


def test_a_single_value_has_a_mean_but_no_limits():
    chart = spc.xmr_chart([7])
    assert (chart.phases[0].mean, chart.phases[0].upl) == (7, None)
    assert chart.points[0].point_type == spc.PointType.COMMON_CAUSE


# --- Run charts ----------------------------------------------------------------------------


def run_of(lengths, low=1, high=9):
    """Values alternating between `low` and `high` runs of the given lengths, low first."""
    values = []
    for i, length in enumerate(lengths):
        values += [low if i % 2 == 0 else high] * length
    return values


def test_run_chart_shift_skips_points_on_the_median():
    values = [1, 2, 1, 5, 2, 1, 2, 9, 8, 9, 8, 9, 8]
    chart = spc.run_chart(values)
    # Sorted: 1,1,1,2,2,2,5,8,8,8,9,9,9 -> median 5 (the 7th of 13), which is position 3.
    assert chart.median == 5
    assert chart.points[3].on_median
    assert chart.useful_observations == 12
    # Below the median: 1, 2, 1, (5 skipped), 2, 1, 2 -> six, a shift; the 5 is not flagged.
    assert [p.position for p in chart.points if p.shift] == [0, 1, 2, 4, 5, 6, *range(7, 13)]
    assert chart.points[3].point_type == spc.PointType.COMMON_CAUSE
    shifts = [s for s in chart.signals if s.rule == spc.RunRule.SHIFT]
    assert [(s.positions, s.point_type) for s in shifts] == [
        ((0, 1, 2, 4, 5, 6), spc.PointType.SPECIAL_CAUSE_CONCERN),
        ((7, 8, 9, 10, 11, 12), spc.PointType.SPECIAL_CAUSE_IMPROVEMENT),
    ]


def test_run_chart_five_points_on_one_side_are_not_a_shift():
    chart = spc.run_chart([1, 2, 1, 2, 1, 9, 8, 9, 8, 9, 1])
    assert not any(p.shift for p in chart.points)


def test_run_chart_trend_ignores_repeated_values():
    chart = spc.run_chart([3, 1, 2, 2, 3, 4, 5, 4])
    # 1, 2, 2, 3, 4, 5: the repeated 2 neither breaks nor counts, so five points rise.
    assert [p.position for p in chart.points if p.trend] == [1, 2, 3, 4, 5, 6]
    trend = next(s for s in chart.signals if s.rule == spc.RunRule.TREND)
    assert trend.point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT


def test_run_chart_four_rising_points_with_a_repeat_are_not_a_trend():
    chart = spc.run_chart([3, 1, 2, 2, 3, 4, 3])  # 1, 2, 3, 4 after ignoring the repeat
    assert not any(p.trend for p in chart.points)


def test_run_chart_falling_trend_is_improvement_when_lower_is_better():
    chart = spc.run_chart([9, 8, 7, 7, 6, 5, 6], improvement_direction="decrease")
    assert [p.position for p in chart.points if p.trend] == [0, 1, 2, 3, 4, 5]
    assert chart.points[0].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT


@pytest.mark.parametrize(
    ("lengths", "runs", "too_few", "too_many"),
    [
        # 20 useful observations (10 at 1, 10 at 9, median 5). Of the 184,756 arrangements,
        # P(R <= 6) = 0.019 and P(R >= 16) = 0.019, under 2.5% each: 7 to 15 runs is chance.
        ([4, 4, 3, 6, 3], 5, True, False),
        ([4, 3, 3, 3, 3, 4], 6, True, False),
        ([3, 4, 3, 3, 2, 3, 2], 7, False, False),
        ([2, 2, 2, 2, 1, 2] + [1] * 9, 15, False, False),
        ([2, 2, 2, 2] + [1] * 12, 16, False, True),
    ],
)
def test_run_chart_runs_are_judged_against_the_runs_distribution(lengths, runs, too_few, too_many):
    values = run_of(lengths)
    assert sum(lengths) == 20
    assert values.count(1) == values.count(9) == 10
    chart = spc.run_chart(values)
    assert (chart.median, chart.useful_observations) == (5, 20)
    assert chart.runs_limits == (7, 15)
    assert (chart.runs, chart.too_few_runs, chart.too_many_runs) == (runs, too_few, too_many)
    signalled = {s.rule for s in chart.signals}
    assert (spc.RunRule.TOO_FEW_RUNS in signalled) is too_few
    assert (spc.RunRule.TOO_MANY_RUNS in signalled) is too_many


def test_runs_distribution_is_exact():
    # 2 above, 2 below: 6 arrangements; AABB, BBAA have 2 runs, ABAB, BABA 4, ABBA, BAAB 3.
    assert spc._runs_distribution(2, 2) == pytest.approx({2: 2 / 6, 3: 2 / 6, 4: 2 / 6})
    assert sum(spc._runs_distribution(13, 17).values()) == pytest.approx(1)


def test_runs_limits_agree_with_the_published_table_where_it_is_certain():
    # Perla et al. Table 1, 10 useful observations: 3 to 9 runs is chance (5 above, 5 below:
    # P(R = 2) = 2/252 = 0.008 and P(R = 10) = 0.008, both under 2.5%; P(R <= 3) = 0.040).
    assert spc.runs_limits(5, 5) == (3, 9)


def test_run_chart_runs_rule_is_not_applied_below_ten_useful_observations():
    # 1, 9, ..., 1, 9, 5: the median is the 5, leaving 8 useful observations in 8 runs.
    short = spc.run_chart([1, 9] * 4 + [5])
    assert (short.useful_observations, short.runs) == (8, 8)
    assert (short.runs_limits, short.too_few_runs, short.too_many_runs) == (None, None, None)
    long = spc.run_chart([1, 9] * 31)  # 62 useful observations alternating: far too many runs
    assert (long.useful_observations, long.runs, long.too_many_runs) == (62, 62, True)


def test_run_chart_astronomical_point():
    values = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11, 10, 11]
    chart = spc.run_chart(values)
    # Moving ranges: 1,1,1,1,20,20,1,1,1,1,1 -> AMR 49 / 11 = 4.45; the two 20s are at least
    # 3.267 x 4.45 = 14.55 and are screened -> AMR 9 / 9 = 1, so a jump of 3.267 is exceptional.
    assert chart.moving_range_limit == pytest.approx(3.267)
    # 30 jumps 20 up from its neighbour and 20 back down: astronomical, high.
    assert [p.position for p in chart.points if p.astronomical] == [5]
    assert chart.points[5].rule == spc.RunRule.ASTRONOMICAL
    assert chart.points[5].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT
    decrease = spc.run_chart(values, improvement_direction="decrease")
    assert decrease.points[5].point_type == spc.PointType.SPECIAL_CAUSE_CONCERN


def test_run_chart_a_step_change_is_not_astronomical():
    chart = spc.run_chart([10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21])
    # One exceptional jump (11 -> 20), not out and back: a shift, not an astronomical point.
    assert not any(p.astronomical for p in chart.points)
    assert all(p.shift for p in chart.points)


def test_run_chart_a_jump_at_the_last_point_is_not_yet_astronomical():
    chart = spc.run_chart([10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 30])
    assert not any(p.astronomical for p in chart.points)


def test_run_chart_excludes_missing_values():
    chart = spc.run_chart([1, None, 2, math.nan, 3])
    assert chart.median == 2
    assert len(chart.points) == 5
    assert (chart.points[1].value, chart.points[1].point_type) == (None, None)
    assert chart.useful_observations == 2
    assert chart.runs == 2


def test_a_peak_shared_by_a_rising_and_a_falling_trend_takes_the_falling_direction():
    values = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    chart = spc.xmr_chart(values, rules=["trend"])
    assert chart.points[5].point_type == spc.PointType.SPECIAL_CAUSE_IMPROVEMENT
    assert chart.points[6].point_type == spc.PointType.SPECIAL_CAUSE_CONCERN  # the peak, 7
    assert chart.points[7].point_type == spc.PointType.SPECIAL_CAUSE_CONCERN


def test_a_flat_series_keeps_zero_limits_and_flags_any_departure():
    chart = spc.xmr_chart([5] * 12 + [5.5], fix_after_n_points=12)
    # Every moving range is 0: AMR 0, so the limits sit on the mean (plotthedots: NaN).
    assert (chart.phases[0].average_moving_range, chart.phases[0].upl) == (0, 5)
    assert special(chart) == [12]


def test_a_moving_range_exactly_at_the_screening_limit_is_screened():
    # Twelve ranges of 0.9733 and one of 3.9204: AMR = 15.6 / 13 = 1.2 and 3.267 x 1.2 = 3.9204,
    # so the last range is on the limit ("at or above" is screened). In floating point the
    # range comes out a hair under 3.267 x AMR; the rule is read in decimal.
    values = [0 if i % 2 == 0 else 0.9733 for i in range(13)]
    values.append(values[-1] + 3.9204)
    chart = spc.xmr_chart(values)
    assert chart.phases[0].screened_moving_ranges == 1
    assert chart.phases[0].average_moving_range == pytest.approx(0.9733)


@pytest.mark.parametrize(
    ("above", "below", "lowest_significant", "highest_significant"),
    [
        # Swed & Eisenhart (1943), 5% two-sided: a count of runs at or beyond these is a signal.
        (5, 5, 2, 10),
        (10, 10, 6, 16),
        (15, 15, 10, 22),
        (20, 20, 14, 28),
    ],
)
def test_runs_limits_reproduce_the_swed_eisenhart_critical_values(
    above, below, lowest_significant, highest_significant
):
    assert spc.runs_limits(above, below) == (lowest_significant + 1, highest_significant - 1)
