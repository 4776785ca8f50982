"""Quantities in running text: "1 hour", "2.5 hours", "1,250 hours"."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def hours(value) -> str:
    """A number of hours with its unit: at most one decimal place, thousands grouped, and "hour"
    for exactly one."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return ""
    unit = "hour" if number == 1 else "hours"
    return f"{floatformat(number, '-1g')} {unit}"
