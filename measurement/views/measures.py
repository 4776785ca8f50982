"""A project's measures: the chart page, data entry (one value, or pasted / uploaded), spc.json.

Everyone who can see the project sees its measures and charts; the team (lead, co-leads,
current members) and admins add and change them (`can_record_measurement`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from common.form_limits import answers_form_too_large
from common.optimistic_locking import EditConflict, form_after_edit_conflict, save_changed_fields
from measurement import charts
from measurement.access import can_record_measurement
from measurement.forms import DataPasteForm, DataPointForm, MeasureForm
from measurement.models import Measure, PDSACycle
from measurement.services import data_import, data_point_save
from people.access import QIRequest, person_or_403
from projects.access import get_project_for
from projects.models import Project

NOT_TEAM = "Only the project's team and admins record its measures and data"


def _project_for(request: QIRequest, pk: int, *, record: bool = False) -> Project:
    """The project if the user may see it (404 otherwise); with `record`, 403 unless team."""
    project = get_project_for(request.user, pk)
    if record and not can_record_measurement(request.user, project):
        raise PermissionDenied(NOT_TEAM)
    return project


def _measure_for(
    request: QIRequest, pk: int, measure_pk: int, *, record: bool = False
) -> tuple[Project, Measure]:
    project = _project_for(request, pk, record=record)
    return project, get_object_or_404(Measure, pk=measure_pk, project=project)


def _chart_data(measure: Measure) -> dict:
    """The measure's points, its PDSA cycle markers and its chart (None without values).

    Two queries: the data points, the PDSA cycles linked to the measure.
    """
    points = list(measure.points.order_by("date"))
    dates = [point.date for point in points]
    notes = [point.annotation for point in points]
    markers = [
        charts.Marker(cycle.start_date, f"PDSA {cycle.number}", str(cycle))
        for cycle in PDSACycle.objects.filter(measures=measure).order_by("start_date", "number")
    ]
    chart = None
    if points:
        chart = charts.compute_chart(
            chart_type=measure.chart_type,
            dates=dates,
            values=[point.value for point in points],
            improvement_direction=measure.improvement_direction,
            target=measure.target,
            rebase_dates=measure.rebase_dates,
            baseline_points=measure.baseline_points,
            screen_outliers=measure.screen_outliers,
            rule_length=measure.rule_length,
            rules=measure.rules,
        )
    return {
        "points": points,
        "dates": dates,
        "notes": notes,
        "markers": markers,
        "chart": chart,
    }


def _with_unit(value, unit: str) -> str:
    if value is None:
        return ""
    number = charts.format_number(value, 4)
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".strip()


def _detail(
    request: QIRequest, project: Project, measure: Measure, point_form: DataPointForm | None
) -> HttpResponse:
    data = _chart_data(measure)
    can_record = can_record_measurement(request.user, project)
    context = {
        "project": project,
        "measure": measure,
        "can_record": can_record,
        "point_count": len(data["points"]),
        "chart_title": f"{measure.get_chart_type_display()} of {measure.name}",
        "target_display": _with_unit(measure.target, measure.unit),
    }
    if point_form is None and can_record:
        point_form = DataPointForm(measure=measure)
    if point_form is not None:
        context["form"] = point_form  # base.html's error summary reads `form`
    chart, plotted = data["chart"], {}
    if chart is not None and len(data["points"]) >= 2:
        unit = measure.unit
        drawing = charts.draw(
            chart,
            data["dates"],
            unit=unit,
            target=measure.target,
            notes=data["notes"],
            markers=data["markers"],
        )
        plotted = {point.position: point for point in drawing.points}
        marked = [m for m in data["markers"] if m not in drawing.markers_off_chart]
        context.update(
            drawing=drawing,
            description=charts.describe(
                chart, data["dates"], unit=unit, target=measure.target, markers=marked
            ),
            badges=charts.badges(chart),
        )
    context["rows"] = [
        {
            "point": point,
            "value": charts.format_number(point.value, 4),
            "plotted": plotted.get(position),
        }
        for position, point in enumerate(data["points"])
    ]
    return render(request, "measurement/measures/detail.html", context)


@require_safe
def measure_detail(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk)
    return _detail(request, project, measure, None)


def measure_create(request: QIRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk, record=True)
    form = MeasureForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        measure = form.save(commit=False)
        measure.project = project
        measure.save()
        messages.success(request, "Measure added. Now add its values.")
        return redirect("measurement:measure_detail", project.pk, measure.pk)
    return render(
        request,
        "measurement/measures/form.html",
        {"form": form, "project": project, "measure": None},
    )


def measure_edit(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk, record=True)

    def measure_form(data, instance: Measure) -> MeasureForm:
        return MeasureForm(data, instance=instance, project=project)

    form = measure_form(request.POST if request.method == "POST" else None, measure)
    if request.method == "POST" and form.is_valid():
        try:
            save_changed_fields(form)
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, measure_form)
        else:
            messages.success(request, "Measure updated.")
            return redirect("measurement:measure_detail", project.pk, measure.pk)
    return render(
        request,
        "measurement/measures/form.html",
        {"form": form, "project": project, "measure": measure},
    )


def measure_delete(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    if request.method == "POST":
        name = measure.name
        measure.delete()  # its data points go with it; both keep their history
        messages.success(request, f"Measure “{name}” deleted.")
        return redirect(project)
    return render(
        request,
        "measurement/measures/delete.html",
        {"project": project, "measure": measure, "point_count": measure.points.count()},
    )


def datapoint_add(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    if request.method != "POST":
        return redirect("measurement:measure_detail", project.pk, measure.pk)
    form = DataPointForm(request.POST, measure=measure)
    if not form.is_valid():
        return _detail(request, project, measure, form)
    point = data_point_save(form=form, measure=measure, entered_by=person_or_403(request))
    if point is None:
        return _detail(request, project, measure, form)
    messages.success(request, f"Value for {charts.format_date(point.date)} added.")
    return redirect("measurement:measure_detail", project.pk, measure.pk)


def datapoint_edit(request: QIRequest, pk: int, measure_pk: int, point_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    point = get_object_or_404(measure.points, pk=point_pk)
    form = DataPointForm(
        request.POST if request.method == "POST" else None, instance=point, measure=measure
    )
    if request.method == "POST" and form.is_valid():
        saved = data_point_save(form=form, measure=measure, entered_by=person_or_403(request))
        if saved is not None:
            messages.success(request, f"Value for {charts.format_date(saved.date)} updated.")
            return redirect("measurement:measure_detail", project.pk, measure.pk)
    return render(
        request,
        "measurement/measures/point_form.html",
        {"form": form, "project": project, "measure": measure, "point": point},
    )


def datapoint_delete(request: QIRequest, pk: int, measure_pk: int, point_pk: int) -> HttpResponse:
    """GET: what deleting the value does, to confirm. POST: delete it."""
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    point = get_object_or_404(measure.points, pk=point_pk)
    if request.method != "POST":
        return render(
            request,
            "measurement/measures/point_delete.html",
            {
                "project": project,
                "measure": measure,
                "point": point,
                "value": charts.format_with_unit(point.value, measure.unit, 4),
            },
        )
    point.delete()
    messages.success(request, f"Value for {charts.format_date(point.date)} deleted.")
    return redirect("measurement:measure_detail", project.pk, measure.pk)


def _data_paste_too_large(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    """A paste over Django's 2.5 MB: the form again, with the error (it writes nothing)."""
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    context = {"form": DataPasteForm.too_large_to_read(), "project": project, "measure": measure}
    return render(request, "measurement/measures/paste.html", context, status=413)


@answers_form_too_large(_data_paste_too_large)
def data_paste(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    form = DataPasteForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            added, updated = data_import(
                measure=measure,
                rows=form.cleaned_data["rows"],
                entered_by=person_or_403(request),
            )
        except ValidationError as error:
            form.add_error("file" if form.cleaned_data.get("file") else "data", error)
        else:
            messages.success(request, f"{added} added, {updated} updated.")
            return redirect("measurement:measure_detail", project.pk, measure.pk)
    return render(
        request,
        "measurement/measures/paste.html",
        {"form": form, "project": project, "measure": measure},
    )


@require_safe
def measure_spc_json(request: QIRequest, pk: int, measure_pk: int) -> JsonResponse:
    project, measure = _measure_for(request, pk, measure_pk)
    data = _chart_data(measure)
    chart = data["chart"]
    body = {
        "measure": {
            "id": measure.pk,
            "project": project.pk,
            "name": measure.name,
            "unit": measure.unit,
            "kind": measure.kind,
            "improvement_direction": measure.improvement_direction,
            "target": None if measure.target is None else float(measure.target),
            "chart_type": measure.chart_type,
            "baseline_points": measure.baseline_points,
            "rebase_dates": [day.isoformat() for day in measure.rebase_dates],
            "screen_outliers": measure.screen_outliers,
            "rule_length": measure.rule_length,
            "rules": measure.rules,
        },
        "chart": None if chart is None else charts.chart_json(chart, data["dates"], data["notes"]),
    }
    return JsonResponse(body)
