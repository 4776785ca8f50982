"""The NHS.UK date input: a date typed as day, month and year in three boxes.

The browser's own date picker shows dates in the browser's locale (month first on many
machines), so every date is typed the NHS way instead. The three boxes post `<name>_day`,
`<name>_month` and `<name>_year`; a single `<name>` (an ISO date, as links and bookmarks carry
it: `?from=2026-01-01`) is still read, so both shapes reach the same form field.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms

PARTS = ("day", "month", "year")
# How many digits each box takes (a year has all four, so 26 is not read as the year 26).
_DIGITS = {
    "day": re.compile(r"[0-9]{1,2}"),
    "month": re.compile(r"[0-9]{1,2}"),
    "year": re.compile(r"[0-9]{4}"),
}
# The attribute a template passes to mark the boxes as wrong; taken out before rendering.
ERROR_ATTR = "nhsuk_error"


class TypedDate(str):
    """What was typed in the three boxes when it is not a date, such as 31 2 2026 or a missing
    year: shown back in the boxes as typed, and refused by the field, which names the parts
    that are `missing`."""

    parts: tuple[str, str, str]
    missing: tuple[str, ...]

    def __new__(cls, parts: tuple[str, str, str]) -> TypedDate:
        typed = super().__new__(cls, "/".join(parts))
        typed.parts = parts
        typed.missing = tuple(name for name, part in zip(PARTS, parts, strict=True) if not part)
        return typed


def _parts_of(value: object) -> list[str]:
    """The day, month and year to show for a value: a date, what was typed, or one string."""
    if isinstance(value, TypedDate):
        return list(value.parts)
    if isinstance(value, dt.date):
        return [str(value.day), str(value.month), str(value.year)]
    numbers = re.findall(r"[0-9]+", value) if isinstance(value, str) else []
    if len(numbers) != 3:
        return ["", "", ""]
    if len(numbers[0]) == 4:  # 2026-03-15, as links carry it
        numbers.reverse()
    return [str(int(number)) if len(number) < 4 else number for number in numbers]


class NHSDateInput(forms.MultiWidget):
    """Day, month and year boxes (NHS.UK date input). The day box carries the field's own id,
    so labels and the error summary's links land on it; the field template draws the fieldset,
    legend, hint and error message around them."""

    template_name = "nhsuk/widgets/date_input.html"

    def __init__(self, attrs: dict | None = None) -> None:
        widgets = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return _parts_of(value)

    def value_from_datadict(self, data, files, name):
        keys = [f"{name}_{part}" for part in PARTS]
        if not any(key in data for key in keys):
            return data.get(name)  # one value, as a link or an older form sends it
        parts = tuple(str(data.get(key) or "").strip() for key in keys)
        if not any(parts):
            return ""
        if all(_DIGITS[part].fullmatch(typed) for part, typed in zip(PARTS, parts, strict=True)):
            day, month, year = (int(typed) for typed in parts)
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                pass  # 31 2 2026: the field says it must be a real date
        return TypedDate(parts)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)

    def id_for_label(self, id_):
        return id_

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        wrong = bool(attrs.pop(ERROR_ATTR, False))
        # The hint and error describe the whole fieldset, which carries aria-describedby.
        for attr in ("aria-describedby", "class"):
            attrs.pop(attr, None)
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        # A date with a part missing marks the empty boxes; any other error marks all three.
        missing = value.missing if isinstance(value, TypedDate) else ()
        for part, box in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            box["label"] = part.capitalize()
            if id_:
                box["attrs"]["id"] = id_ if part == "day" else f"{id_}-{part}"
            width = "nhsuk-input--width-4" if part == "year" else "nhsuk-input--width-2"
            classes = ["nhsuk-input", "nhsuk-date-input__input", width]
            if wrong and (not missing or part in missing):
                classes.append("nhsuk-input--error")
            box["attrs"]["class"] = " ".join(classes)
        return context
