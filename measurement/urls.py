from django.urls import path

from measurement.views import department_impact, impact, measures

app_name = "measurement"

urlpatterns = [
    # A project's measures and their data.
    path("projects/<int:pk>/measures/new/", measures.measure_create, name="measure_create"),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/",
        measures.measure_detail,
        name="measure_detail",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/edit/",
        measures.measure_edit,
        name="measure_edit",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/delete/",
        measures.measure_delete,
        name="measure_delete",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/points/",
        measures.datapoint_add,
        name="datapoint_add",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/points/<int:point_pk>/edit/",
        measures.datapoint_edit,
        name="datapoint_edit",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/points/<int:point_pk>/delete/",
        measures.datapoint_delete,
        name="datapoint_delete",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/paste/",
        measures.data_paste,
        name="data_paste",
    ),
    path(
        "projects/<int:pk>/measures/<int:measure_pk>/spc.json",
        measures.measure_spc_json,
        name="measure_spc_json",
    ),
    # A project's impact, savings and PDSA cycles.
    path("projects/<int:pk>/impact/", impact.impact_edit, name="impact_edit"),
    path("projects/<int:pk>/savings/new/", impact.saving_create, name="saving_create"),
    path(
        "projects/<int:pk>/savings/<int:saving_pk>/edit/",
        impact.saving_edit,
        name="saving_edit",
    ),
    path(
        "projects/<int:pk>/savings/<int:saving_pk>/delete/",
        impact.saving_delete,
        name="saving_delete",
    ),
    path(
        "projects/<int:pk>/savings/<int:saving_pk>/validate/",
        impact.saving_validate,
        name="saving_validate",
    ),
    path("projects/<int:pk>/pdsa/new/", impact.pdsa_create, name="pdsa_create"),
    path("projects/<int:pk>/pdsa/<int:cycle_pk>/", impact.pdsa_detail, name="pdsa_detail"),
    path("projects/<int:pk>/pdsa/<int:cycle_pk>/edit/", impact.pdsa_edit, name="pdsa_edit"),
    path("projects/<int:pk>/pdsa/<int:cycle_pk>/move/", impact.pdsa_reorder, name="pdsa_move"),
    # The department impact page.
    path("impact/", department_impact.impact_report, name="impact_report"),
    path("impact/export.csv", department_impact.impact_export, name="impact_export"),
]
