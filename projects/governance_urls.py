from django.urls import path

from projects import governance

app_name = "governance"

urlpatterns = [
    path("champions/", governance.champions_directory, name="champions"),
    path("review/", governance.review_queue, name="review_queue"),
    path("review/<int:pk>/", governance.review_project, name="review_project"),
    path("governance/", governance.governance_report, name="report"),
    path("governance/export.csv", governance.governance_export, {"fmt": "csv"}, name="export_csv"),
    path(
        "governance/export.xlsx", governance.governance_export, {"fmt": "xlsx"}, name="export_xlsx"
    ),
]
