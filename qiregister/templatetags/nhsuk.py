"""Template helpers that render Django form fields as NHS.UK design system markup."""

from django import forms, template
from django.forms import BoundField

from common.widgets import ERROR_ATTR, NHSDateInput

register = template.Library()

# Widget class -> the NHS.UK component class its control takes.
_CONTROL_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.Textarea, "nhsuk-textarea"),
    (forms.Select, "nhsuk-select"),
    (forms.SelectMultiple, "nhsuk-select"),
    (forms.ClearableFileInput, "nhsuk-file-upload"),
    (forms.FileInput, "nhsuk-file-upload"),
    (forms.widgets.Input, "nhsuk-input"),
]


def _control_class(widget: forms.Widget) -> str:
    for widget_class, css_class in _CONTROL_CLASSES:
        if isinstance(widget, widget_class):
            return css_class
    return ""


@register.filter
def widget_kind(field: BoundField) -> str:
    """Which NHS.UK pattern a field needs: checkbox, checkboxes, radios, date, hidden or
    control."""
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, NHSDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "control"


@register.filter
def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def nhsuk_control(field: BoundField, shown=None) -> str:
    """Render a text-like control (input, textarea, select) with NHS.UK classes and ARIA.

    A date input's boxes are marked when the field has errors; `shown`, when given, is the date
    its boxes show instead of the field's value (a report shows the period in use)."""
    widget = field.field.widget
    if isinstance(widget, NHSDateInput):
        attrs = field.build_widget_attrs({ERROR_ATTR: bool(field.errors)})
        if not shown:
            return field.as_widget(attrs=attrs)
        attrs.setdefault("id", field.auto_id)
        return widget.render(field.html_name, shown, attrs=attrs, renderer=field.form.renderer)
    base = _control_class(widget)
    classes = [widget.attrs.get("class", ""), base]
    if field.errors and base:
        classes.append(f"{base}--error")
    attrs = {"class": " ".join(c for c in classes if c)}
    if ids := describedby(field):
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.simple_tag
def option_id(field: BoundField, counter: int) -> str:
    """NHS.UK numbers options id, id-2, id-3…, so the first one is the field's own id."""
    return field.auto_id if counter == 1 else f"{field.auto_id}-{counter}"
