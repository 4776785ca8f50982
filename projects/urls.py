from django.urls import path

from projects import governance, views

app_name = "projects"

urlpatterns = [
    path("", views.register, name="register"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new/", views.project_create, name="create"),
    path("similar/", views.project_similar, name="similar"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/submit/", views.project_submit, name="submit"),
    path("<int:pk>/history/", governance.project_history, name="history"),
    path("<int:pk>/closure/", governance.closure_report, name="closure"),
    path("<int:pk>/closure/sign-off/", governance.closure_sign_off, name="closure_sign_off"),
    path("<int:pk>/closure/send-back/", governance.closure_send_back, name="closure_send_back"),
    path("<int:pk>/mentoring/new/", governance.mentoring_note_create, name="mentoring_create"),
    path("<int:pk>/to-qi/", governance.audit_to_qi, name="audit_to_qi"),
    path("<int:pk>/join/", views.project_join, name="join"),
    path(
        "<int:pk>/interests/<int:interest_pk>/accept/",
        views.interest_decide,
        {"decision": "accept"},
        name="interest_accept",
    ),
    path(
        "<int:pk>/interests/<int:interest_pk>/decline/",
        views.interest_decide,
        {"decision": "decline"},
        name="interest_decline",
    ),
    path(
        "<int:pk>/interests/<int:interest_pk>/withdraw/",
        views.interest_withdraw,
        name="interest_withdraw",
    ),
    path("<int:pk>/updates/new/", views.child_edit, {"kind": "updates"}, name="update_create"),
    path(
        "<int:pk>/updates/<int:child_pk>/edit/",
        views.child_edit,
        {"kind": "updates"},
        name="update_edit",
    ),
    path("<int:pk>/openings/new/", views.child_edit, {"kind": "openings"}, name="opening_create"),
    path(
        "<int:pk>/openings/<int:child_pk>/edit/",
        views.child_edit,
        {"kind": "openings"},
        name="opening_edit",
    ),
    path("<int:pk>/tasks/new/", views.child_edit, {"kind": "tasks"}, name="task_create"),
    path(
        "<int:pk>/tasks/<int:child_pk>/edit/",
        views.child_edit,
        {"kind": "tasks"},
        name="task_edit",
    ),
]
