"""Optimistic locking: an edit form carries the version of the row it was opened at, and
saving it is refused (EditConflict) if someone saved the row since; the form is then shown again
with what saving it would replace. Every app's edit pages use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from django import forms
from django.db import models, transaction
from django.utils.formats import date_format

from common.errors import WorkflowError


class EditConflict(WorkflowError):
    """The record was saved by someone else after this form was opened; `saved` is the record
    as saved now (read under the row lock), against which the form is shown again."""

    def __init__(self, message: str, *, saved: models.Model):
        super().__init__(message)
        self.saved = saved
        self.current_version = saved.version


def refuse_if_saved_since_opened(form, stored: models.Model) -> None:
    """Raise EditConflict if `stored` (read under a row lock) is not the version `form` was
    opened at."""
    if form.cleaned_data["version"] != stored.version:
        noun = stored._meta.verbose_name
        raise EditConflict(
            f"Someone else changed this {noun} since you opened it: your changes are below "
            "but not saved. Review their changes and save again.",
            saved=stored,
        )


@transaction.atomic
def save_changed_fields(form, *, also: Collection[str] = ()) -> models.Model:
    """Save an edit form's changed fields only, under a row lock, so that a concurrent
    workflow change (a claim, a submission) on the same row is never overwritten.

    A form with a `version` field (optimistic locking) is refused if the row was saved since
    the form was opened; saving raises the version by one.

    Form fields that are not the model's own (a session's date and start time, which its form
    combines into `starts_at`) are not saved by name: `also` lists the model fields the form or
    the caller set on the instance, saved with the rest when anything changed, as are fields
    stamped on every save (`auto_now`). The instance then takes the stored values of every
    field it does not save, so that it, and the history record written from it, is the row as
    saved.
    """
    meta = form.instance._meta
    stored = type(form.instance).objects.select_for_update().filter(pk=form.instance.pk).first()
    versioned = "version" in form.fields and stored is not None
    if versioned:
        refuse_if_saved_since_opened(form, stored)
    changed = [name for name in form.changed_data if name != "version"]
    instance = form.save(commit=False)  # writes nothing; readies save_m2m
    if changed:
        own = {field.name for field in meta.concrete_fields}
        names = {name for name in changed if name in own} | set(also)
        names |= {field.name for field in meta.concrete_fields if getattr(field, "auto_now", 0)}
        if versioned:
            instance.version = stored.version + 1
            names.add("version")
        if stored is not None:
            for field in meta.concrete_fields:
                if field.name not in names and not field.primary_key:
                    setattr(instance, field.attname, getattr(stored, field.attname))
        instance.save(update_fields=names)
    form.save_m2m()
    return instance


def carry_version(form: forms.ModelForm, *, before_first_save: bool = False) -> None:
    """Optimistic locking: an edit form carries, hidden, the version of the row it was opened
    at; save_changed_fields refuses it if the row was saved since.

    A page that edits a record whether or not it exists yet (a project's impact) passes
    `before_first_save`: the form then carries version 0 until the record is first saved, so
    that of two people who open it before then, the second to save is refused too.
    """
    if form.instance.pk is None and not before_first_save:
        return
    stale = "This form is out of date: open the edit page again"
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput,
        initial=form.instance.version if form.instance.pk else 0,
        error_messages={"required": stale, "invalid": stale},
    )


def form_after_edit_conflict(
    conflict: EditConflict, form: forms.ModelForm, make_form: Callable[..., forms.ModelForm]
) -> forms.ModelForm:
    """The edit form again after an EditConflict, for every edit page alike.

    `make_form(data, instance=...)` builds the page's form. It is given the user's input stamped
    with the version saved now (so that saving again after review is accepted) and the record
    as saved now; the conflict message goes to the top of the error summary, and
    `saved_since_opened` holds what saving again would replace, which
    templates/includes/edit_conflict.html shows.
    """
    data = form.data.copy()
    data["version"] = conflict.current_version
    form = make_form(data, instance=conflict.saved)
    form.is_valid()
    form.add_error(None, conflict.message)
    form.saved_since_opened = saved_values_replaced(form)
    return form


def saved_values_replaced(form: forms.ModelForm) -> list[tuple[str, str]]:
    """(label, value saved now) for each field where the form's input differs from what is
    stored: what saving the form again would replace, after an edit conflict. The stored values
    are the form's initial data (read when it was built), as validation has already copied the
    input onto `form.instance`."""
    return [
        (
            form[name].label,
            _shown(form.fields[name], form.get_initial_for_field(form.fields[name], name)),
        )
        for name in form.changed_data
        if name != "version" and name in form.fields
    ]


def _shown(field: forms.Field, value) -> str:
    """A stored value as the person entered it: choice labels, dates as 2 Mar 2026."""
    if value is None or value == "":
        return ""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(item) for item in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(field.queryset.filter(pk=getattr(value, "pk", value)).first() or "")
    if isinstance(field, forms.ChoiceField):
        labels = dict(field.choices)
        if isinstance(value, list | tuple):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime | dt.date):
        return date_format(value, "j M Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ", ".join(_shown(field, item) for item in value)
    return str(value)
