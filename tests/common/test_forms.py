import datetime as dt

from django.utils import timezone

from common.forms import PeriodForm


def test_a_blank_period_is_the_last_twelve_months():
    today = timezone.localdate()
    assert PeriodForm({}).period == (today - dt.timedelta(days=365), today)


def test_an_end_before_the_start_is_refused_at_the_end_and_the_default_period_is_used():
    form = PeriodForm({"from": "2026-03-01", "to": "2026-02-01"})
    assert form.errors == {"to": ["The end of the period must be on or after its start"]}
    assert form.period[1] == timezone.localdate()
    assert form.to_value == "2026-02-01"  # what was typed, shown back by the field


def test_a_period_given_is_the_period_used():
    form = PeriodForm({"from": "2026-01-01", "to": "2026-03-31"})
    assert form.period == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
