"""Forms for a project's measures, data, PDSA cycles, impact and savings, and the department
impact page's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from common.fields import PLANNED, MultiLineFormField
from common.forms import DATE_WIDGET
from common.optimistic_locking import carry_version
from measurement.models import (
    SPC_RULES,
    DataPoint,
    Measure,
    PDSACycle,
    ProjectImpact,
    Saving,
    all_spc_rules,
)
from measurement.paste import MAX_ROWS, parse_data
from projects.forms import clear_length_messages
from projects.models import Project


class ImpactForm(forms.ModelForm):
    patient_benefits = forms.MultipleChoiceField(
        label="Kinds of patient benefit",
        choices=ProjectImpact.Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ProjectImpact
        fields = [
            "staff_hours_saved_per_month",
            "patients_affected",
            "patient_benefits",
            "patient_benefit_narrative",
        ]
        widgets = {"patient_benefit_narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clear_length_messages(self)
        self.fields["staff_hours_saved_per_month"].error_messages["min_value"] = (
            "Time saved cannot be negative"
        )
        self.fields["patients_affected"].error_messages["min_value"] = (
            "Patients affected cannot be negative"
        )
        carry_version(self, before_first_save=True)


class SavingForm(forms.ModelForm):
    class Meta:
        model = Saving
        fields = ["description", "amount", "kind"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"kind": "Is it one-off or every year?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clear_length_messages(self)
        self.fields["description"].error_messages["required"] = "Say what the saving comes from"
        amount = self.fields["amount"]
        amount.error_messages["required"] = "Enter the amount claimed in pounds"
        amount.error_messages["invalid"] = "Enter the amount in pounds, for example 1250.50"
        amount.error_messages["min_value"] = "The amount must be more than £0"
        amount.error_messages["max_digits"] = "The amount must be less than £10,000,000,000"
        carry_version(self)


class SavingValidationForm(forms.Form):
    validated_amount = forms.DecimalField(
        label="Amount validated (£)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Leave blank to validate the amount claimed.",
        error_messages={
            "invalid": "Enter the amount in pounds, for example 1250.50",
            "min_value": "The amount cannot be negative",
        },
    )
    validation_note = MultiLineFormField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The claim as the validator saw it, so a claim changed meanwhile is not validated unseen.
    claimed_amount = forms.DecimalField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, saving: Saving, **kwargs):
        super().__init__(*args, **kwargs)
        self.saving = saving
        self.fields["claimed_amount"].initial = saving.amount

    def clean_validated_amount(self):
        amount = self.cleaned_data["validated_amount"]
        if amount is not None and amount > self.saving.amount:
            raise ValidationError(
                f"The validated amount cannot be more than the £{self.saving.amount:,.2f} claimed"
            )
        return amount


class RebaseDatesField(forms.CharField):
    """Dates typed one per line (or comma separated), as a sorted list."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(day.isoformat() for day in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for part in text.replace(",", "\n").split():
            try:
                day = dt.date.fromisoformat(part)
            except ValueError:
                raise ValidationError(
                    f"“{part[:20]}” is not a date: write each as 2026-01-31"
                ) from None
            PLANNED.check(day, f"{day:%d/%m/%Y}: a new phase")
            days.append(day)
        return sorted(set(days))


class MeasureForm(forms.ModelForm):
    rules = forms.MultipleChoiceField(
        label="Special-cause rules (SPC charts)",
        choices=SPC_RULES,
        widget=forms.CheckboxSelectMultiple,
        initial=all_spc_rules,
        error_messages={"required": "Choose at least one special-cause rule"},
    )
    rebase_dates = RebaseDatesField(
        label="New phases start on (optional)",
        required=False,
        help_text="When a change was adopted and the process changed: one date per line, "
        "for example 2026-03-01. The chart computes its limits afresh from each date.",
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "kind",
            "definition",
            "unit",
            "improvement_direction",
            "target",
            "chart_type",
            "baseline_points",
            "rebase_dates",
            "screen_outliers",
            "rule_length",
            "rules",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "improvement_direction": forms.RadioSelect,
            "chart_type": forms.RadioSelect,
            "rule_length": forms.RadioSelect,
            "definition": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"improvement_direction": "Which way is better?", "chart_type": "Chart"}
        help_texts = {
            "chart_type": "A run chart suits short series (under 20 points); an SPC chart "
            "shows limits and special causes.",
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        clear_length_messages(self)
        self.fields["name"].error_messages["required"] = "Give the measure a name"
        self.fields["kind"].error_messages["required"] = (
            "Say whether it is an outcome, process or balancing measure"
        )
        self.fields["baseline_points"].error_messages["min_value"] = (
            "A baseline needs at least 12 points"
        )
        self.fields["target"].error_messages["invalid"] = "The target must be a number"
        carry_version(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("chart_type") == Measure.ChartType.RUN:
            message = "A run chart has one median for the whole series: choose an SPC chart for %s"
            if cleaned.get("baseline_points"):
                self.add_error("baseline_points", message % "a fixed baseline")
            if cleaned.get("rebase_dates"):
                self.add_error("rebase_dates", message % "new phases")
        return cleaned

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = Measure.objects.filter(project=self.project, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError("The project already has a measure with this name")
        return name


class DataPointForm(forms.ModelForm):
    class Meta:
        model = DataPoint
        fields = ["date", "value", "annotation"]
        widgets = {"date": DATE_WIDGET}
        labels = {"annotation": "Note (optional)"}

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["date"].error_messages["required"] = "Enter the date of the value"
        self.fields["value"].error_messages["required"] = "Enter the value"
        self.fields["value"].error_messages["invalid"] = "The value must be a number"

    def clean_date(self):
        day = self.cleaned_data["date"]
        clash = DataPoint.objects.filter(measure=self.measure, date=day)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"There is already a value for {day:%d/%m/%Y}: edit that one")
        return day


class DataPasteForm(forms.Form):
    """Rows pasted or uploaded for a measure, read for a preview; the preview sends the text
    it read back in `data`, to be read and checked again before it is saved."""

    MAX_UPLOAD_BYTES = 1_000_000
    # The box takes as many characters as a file may have bytes (maxlength in the page); 1,000
    # rows (MAX_ROWS) take far fewer. Django reads at most 2.5 MB of a form: a larger paste is
    # answered with this form and TOO_LARGE (common.form_limits), never a bare 400.
    MAX_PASTE_CHARACTERS = 1_000_000
    TOO_LARGE = f"Paste at most {MAX_ROWS:,} rows (1 MB) at a time"

    data = forms.CharField(
        label="Paste rows of date,value",
        required=False,
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="One row per line: the date (day first, for example 31/01/2026 or "
        "31 Jan 2026), then the value. A third column is kept as a note. Copy the columns from "
        f"a spreadsheet and paste them here. At most {MAX_ROWS:,} rows at a time.",
        error_messages={"max_length": TOO_LARGE},
    )
    file = forms.FileField(
        label="Or upload a CSV file", required=False, help_text="Columns: date,value[,note]."
    )

    def __init__(self, *args, measure: Measure, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.too_large = too_large
        # NUL is reported with its row by parse_data, like an upload's, not for the whole paste.
        self.fields["data"].validators = []
        if measure.is_percentage:
            self.fields["data"].help_text += " Values may have a % sign (5.1%)."

    @classmethod
    def too_large_to_read(cls, measure: Measure) -> DataPasteForm:
        """The form for a paste Django refused to read (over 2.5 MB): empty, with the error."""
        return cls(data={}, measure=measure, too_large=True)

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.add_error(
                "data", f"{self.TOO_LARGE}. What you pasted was over 2.5 MB, so it was not read"
            )
            return cleaned
        text, upload = cleaned.get("data", ""), cleaned.get("file")
        if upload is not None:
            if upload.size > self.MAX_UPLOAD_BYTES:
                self.add_error("file", "The file must be 1 MB or smaller")
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file must be a CSV saved as text (UTF-8)")
                return cleaned
        elif not text.strip():
            self.add_error("data", "Paste some rows or choose a CSV file")
            return cleaned
        try:
            cleaned["rows"] = parse_data(
                text, percent=self.measure.is_percentage, unit=self.measure.unit
            )
        except ValidationError as error:
            self.add_error("file" if upload is not None else "data", error)
        cleaned["text"] = text.strip()
        return cleaned

    @property
    def error_field(self) -> str:
        return "file" if self.cleaned_data.get("file") else "data"


class PDSACycleForm(forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = [
            "change_idea",
            "start_date",
            "end_date",
            "measures",
            "prediction",
            "plan",
            "do",
            "study",
            "act",
            "act_notes",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "measures": forms.CheckboxSelectMultiple,
            "act": forms.RadioSelect,
            "prediction": forms.Textarea(attrs={"rows": 3}),
            "plan": forms.Textarea(attrs={"rows": 3}),
            "do": forms.Textarea(attrs={"rows": 3}),
            "study": forms.Textarea(attrs={"rows": 3}),
            "act_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        clear_length_messages(self)
        self.fields["measures"].queryset = project.measures.all()
        self.fields["act"].choices = [("", "Not decided yet"), *PDSACycle.Act.choices]
        self.fields["change_idea"].error_messages["required"] = "Say what change this cycle tests"
        self.fields["start_date"].error_messages["required"] = "Enter the date the cycle starts"
        carry_version(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The cycle must end on or after the day it starts")
        return cleaned


class ImpactFilterForm(forms.Form):
    """The optional clinical area and strategic priority, from the department's own lists."""

    area = forms.TypedChoiceField(
        label="Clinical area",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a clinical area from the list"},
    )
    priority = forms.TypedChoiceField(
        label="Strategic priority",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a strategic priority from the list"},
    )

    def __init__(self, data, *, areas: list[tuple[int, str]], priorities: list[tuple[int, str]]):
        super().__init__(data)
        self.fields["area"].choices = [("", "All clinical areas"), *areas]
        self.fields["priority"].choices = [("", "All strategic priorities"), *priorities]

    def chosen(self, name: str) -> int | None:
        """The chosen id; None for all, or while the field shows an error."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def chosen_label(self, name: str) -> str:
        choices = dict(self.fields[name].choices)
        return str(choices.get(self.chosen(name), choices[""]))
