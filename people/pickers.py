"""The person picker: choosing people from a trust's thousands of staff by searching for them.

A form field over people (`forms.ModelMultipleChoiceField(widget=PersonPicker(...))`, or for one
person `forms.ModelChoiceField(widget=PersonPicker(allow_multiple_selected=False))`) shows the
people chosen and a search box, never a list of everyone. With JavaScript, static/js/app.js
turns the box into a combobox that asks `people:search` as the user types. Without it, the
box's Search button posts the form back: a form built on `PersonSearchForm` then saves nothing
and shows the people matching what was typed as checkboxes (radios, for one person) beside
those already chosen, with everything else entered kept. Either way the field's own queryset
decides, on saving, who may be chosen: ids posted outside it are refused.

The picker's Search button is a submit button, so a form with a picker starts with
`includes/default_submit.html`: pressing Enter in a text field then does the form's main
action, not a search.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorDict
from django.urls import reverse

from people.access import parse_id

MIN_QUERY = 2  # letters typed before anyone is looked up
MATCHES_SHOWN = 10  # people offered for one search, with or without JavaScript


class PersonPicker(forms.Widget):
    """Renders the chosen people and a search box (`templates/people/_person_picker.html`).

    `search_params` narrow `people:search` to the people the field accepts (e.g. a
    department, and excluding the lead), so that what is suggested can be saved; a list is
    sent as the parameter repeated (`{"department": [1, 2]}`).

    `allow_multiple_selected=False` is the one-person variant: radios instead of checkboxes
    without JavaScript, and the combobox replaces the person chosen rather than adding one."""

    template_name = "people/_person_picker.html"
    allow_multiple_selected = True

    def __init__(
        self,
        attrs=None,
        *,
        search_params: dict | None = None,
        allow_multiple_selected: bool = True,
    ):
        super().__init__(attrs)
        self.search_params = search_params or {}
        self.allow_multiple_selected = allow_multiple_selected
        self.query = ""  # what was typed in the search box; set by PersonSearchForm
        self.choices = ()  # the field's ModelChoiceIterator (ModelChoiceField sets it)

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name)
        if self.allow_multiple_selected or not isinstance(values, list):
            return values
        # One person: a single id, or (only from a hand-made post) the list, which the
        # ModelChoiceField refuses as not one of its choices rather than keeping either.
        return values[0] if len(values) == 1 else (values or None)

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked is a value: nobody chosen

    def format_value(self, value) -> list[int]:
        if not isinstance(value, list | tuple):  # one person: an id, or nobody
            value = [] if value is None else [value]
        ids = (parse_id(str(item)) for item in value)
        return list(dict.fromkeys(pk for pk in ids if pk is not None))[:200]

    def render(self, name, value, attrs=None, renderer=None):
        # Its template is the project's (templates/people/), which the default form renderer
        # does not look in.
        return super().render(name, value, attrs, renderer=TemplatesSetting())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        # The field's queryset: only people who may be chosen are shown, two queries at most
        # (those chosen, then those matching), never one per person or the whole list.
        people = self.choices.queryset
        chosen_ids = widget["value"] if self.allow_multiple_selected else widget["value"][:1]
        chosen = []
        if chosen_ids:
            chosen = list(people.filter(pk__in=chosen_ids).select_related("department"))
        query = self.query.strip()[:100]
        matches = []
        if len(query) >= MIN_QUERY:
            found = list(people.search(query).exclude(pk__in=chosen_ids)[: MATCHES_SHOWN + 1])
            widget["more_matches"] = len(found) > MATCHES_SHOWN
            matches = found[:MATCHES_SHOWN]
        search_url = reverse("people:search")
        if self.search_params:
            search_url += "?" + urlencode(self.search_params, doseq=True)
        describedby = [widget["attrs"].pop("aria-describedby", ""), f"{widget['attrs']['id']}-how"]
        widget.update(
            chosen=chosen,
            matches=matches,
            query=query,
            searched=bool(query),
            too_short=bool(query) and len(query) < MIN_QUERY,
            search_url=search_url,
            describedby=" ".join(ids for ids in describedby if ids),
            min_query=MIN_QUERY,
            multiple=self.allow_multiple_selected,
            input_type="checkbox" if self.allow_multiple_selected else "radio",
        )
        return context


class PersonSearchForm(forms.BaseForm):
    """A form with PersonPicker fields, mixed in before the form class
    (`class ProjectForm(PersonSearchForm, forms.ModelForm)`).

    When a picker's Search button posted the form (no JavaScript), it is a search, not a save:
    `person_search` is true, `is_valid()` is false and no field shows an error yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person_search = False
        for name, field in self.fields.items():
            if isinstance(field.widget, PersonPicker) and self.is_bound:
                field.widget.query = self.data.get(f"{self.add_prefix(name)}_q", "")
                self.person_search |= f"{self.add_prefix(name)}_find" in self.data

    def full_clean(self):
        if self.person_search:
            # Django's own empty state: nothing cleaned, nothing wrong, so the page shows the
            # form as typed with the matches and no error messages.
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.person_search and super().is_valid()
