"""A project's measures: the chart page, data entry (one value, or pasted / uploaded), spc.json.

Everyone who can see the project sees its measures and charts; the team (lead, co-leads,
current members) and admins add and change them (`can_record_measurement`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from common.form_limits import answers_form_too_large
from common.optimistic_locking import EditConflict, form_after_edit_conflict, save_changed_fields
from measurement import charts
from measurement.access import can_record_measurement
from measurement.forms import DataPasteForm, DataPointForm, MeasureForm
from measurement.models import Measure, PDSACycle
from measurement.services import (
    ImportOutOfDate,
    ImportPlan,
    data_import,
    data_import_plan,
    data_point_save,
)
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
    """The measure's points, its PDSA cycle markers and its chart (None without values), and
    the project's PDSA cycles (`cycles`), each with `marks_measure`.

    Two queries: the data points, the project's PDSA cycles (marking the measure or not).
    """
    points = list(measure.points.order_by("date"))
    dates = [point.date for point in points]
    notes = [point.annotation for point in points]
    links = PDSACycle.measures.through.objects.filter(pdsacycle=OuterRef("pk"), measure=measure)
    cycles = list(
        PDSACycle.objects.filter(project_id=measure.project_id)
        .annotate(marks_measure=Exists(links))
        .order_by("start_date", "number")
    )
    markers = [
        charts.Marker(cycle.start_date, f"PDSA {cycle.number}", str(cycle))
        for cycle in cycles
        if cycle.marks_measure
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
        "cycles": cycles,
        "chart": chart,
    }


def _rebase_offers(measure: Measure, cycles: list[PDSACycle], dates: list) -> list[PDSACycle]:
    """The project's PDSA cycles (in date order) that start inside the measure's data where its
    SPC limits are not already recalculated: the places to offer a new phase."""
    if not measure.is_spc or len(dates) < 2:
        return []
    taken = set(charts.rebase_positions(dates, measure.rebase_dates))
    offers = []
    for cycle in cycles:
        if not dates[0] < cycle.start_date <= dates[-1]:
            continue
        (position,) = charts.rebase_positions(dates, [cycle.start_date])
        if position not in taken:
            taken.add(position)  # one offer per place, the first cycle starting there
            offers.append(cycle)
    return offers


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

        def drawn(canvas: charts.Canvas) -> charts.ChartDrawing:
            return charts.draw(
                chart,
                data["dates"],
                unit=unit,
                target=measure.target,
                notes=data["notes"],
                markers=data["markers"],
                canvas=canvas,
            )

        drawing = drawn(charts.WIDE)
        plotted = {point.position: point for point in drawing.points}
        marked = [m for m in data["markers"] if m not in drawing.markers_off_chart]
        context.update(
            drawing=drawing,
            narrow_drawing=drawn(charts.NARROW),
            description=charts.describe(
                chart, data["dates"], unit=unit, target=measure.target, markers=marked
            ),
            badges=charts.badges(chart),
            icons=charts.icons(chart),
            phase_changes=charts.phase_changes(
                chart,
                data["dates"],
                unit=unit,
                improvement_direction=measure.improvement_direction,
            ),
            rebase_offers=_rebase_offers(measure, data["cycles"], data["dates"])
            if can_record
            else [],
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
    rebase_cycle = None
    if request.method != "POST":
        rebase_cycle = _rebase_cycle(request, project, measure)
        if rebase_cycle is not None:  # offered on the chart: the date filled in, to confirm
            form.initial["rebase_dates"] = sorted([*measure.rebase_dates, rebase_cycle.start_date])
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
        {"form": form, "project": project, "measure": measure, "rebase_cycle": rebase_cycle},
    )


def _rebase_cycle(request: QIRequest, project: Project, measure: Measure) -> PDSACycle | None:
    """The project's PDSA cycle named by `?rebase_at_cycle=`, when a new phase could start
    at its start date (an SPC chart, not already starting one there); otherwise None."""
    pk = request.GET.get("rebase_at_cycle", "")
    if not pk.isdigit() or not measure.is_spc:
        return None
    cycle = project.pdsa_cycles.filter(pk=pk).first()
    if cycle is None or cycle.start_date in measure.rebase_dates:
        return None
    return cycle


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
    form = DataPasteForm.too_large_to_read(measure)
    context = {"form": form, "project": project, "measure": measure}
    return render(request, "measurement/measures/paste.html", context, status=413)


def _data_preview(
    request: QIRequest,
    project: Project,
    measure: Measure,
    *,
    text: str,
    plan: ImportPlan,
    changed_meanwhile: bool = False,
) -> HttpResponse:
    """The rows as they would be saved, each marked as new, replacing a value, or unchanged."""
    unit = measure.unit
    rows = [
        {
            "date": charts.format_date(planned.row.date),
            "value": _with_unit(planned.row.value, unit),
            "old": _with_unit(planned.old.value, unit) if planned.old else "",
            "note": planned.annotation,
            "planned": planned,
        }
        for planned in plan.rows
    ]
    context = {
        "project": project,
        "measure": measure,
        "text": text,
        "plan": plan,
        "rows": rows,
        "notes_changed": plan.updated - plan.replaced,
        "unchanged": len(rows) - plan.added - plan.updated,
        "changed_meanwhile": changed_meanwhile,
    }
    return render(request, "measurement/measures/paste_preview.html", context)


@answers_form_too_large(_data_paste_too_large)
def data_paste(request: QIRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Rows pasted or uploaded: read and previewed; saved only when the preview is confirmed.

    The preview posts back the text it read (and the digest of what it showed, `checked`); the
    text is read and checked again, and if the measure's values on those dates changed since,
    the new preview is shown instead of saving.
    """
    project, measure = _measure_for(request, pk, measure_pk, record=True)
    posted = request.method == "POST"
    form = DataPasteForm(
        request.POST if posted else None, request.FILES if posted else None, measure=measure
    )
    if posted and form.is_valid():
        text, rows = form.cleaned_data["text"], form.cleaned_data["rows"]
        checked = request.POST.get("checked", "")[:64]  # only the preview sends it
        if "change" in request.POST:  # back from the preview to change the rows
            form = DataPasteForm(initial={"data": text}, measure=measure)
        elif not checked:
            try:
                plan = data_import_plan(measure=measure, rows=rows)
            except ValidationError as error:  # more values than the measure holds
                form.add_error(form.error_field, error)
            else:
                return _data_preview(request, project, measure, text=text, plan=plan)
        else:
            try:
                added, updated = data_import(
                    measure=measure,
                    rows=rows,
                    entered_by=person_or_403(request),
                    checked=checked,
                )
            except ImportOutOfDate as out_of_date:
                return _data_preview(
                    request,
                    project,
                    measure,
                    text=text,
                    plan=out_of_date.plan,
                    changed_meanwhile=True,
                )
            except ValidationError as error:
                form.add_error(form.error_field, error)
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
