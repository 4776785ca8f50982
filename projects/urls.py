"""Every route of projects, in three lists: the register and each project's pages
(`urlpatterns`, namespace "projects", under /projects/), the task board (`task_urlpatterns`,
namespace "tasks", under /tasks/) and governance's pages (`governance_urlpatterns`, namespace
"governance", at the root). qiregister/urls.py mounts each list."""

from django.urls import path

from projects.views import governance, joining, records, register, tasks

app_name = "projects"

urlpatterns = [
    path("", register.register, name="register"),
    path("export.csv", register.export_csv, name="export_csv"),
    path("export.xlsx", register.export_xlsx, name="export_xlsx"),
    path("new/", register.project_create, name="create"),
    path("similar/", register.project_similar, name="similar"),
    path("<int:pk>/", register.project_detail, name="detail"),
    path("<int:pk>/edit/", register.project_edit, name="edit"),
    path("<int:pk>/submit/", register.project_submit, name="submit"),
    path("<int:pk>/history/", governance.project_history, name="history"),
    path("<int:pk>/closure/", governance.closure_report, name="closure"),
    path("<int:pk>/closure/sign-off/", governance.closure_sign_off, name="closure_sign_off"),
    path("<int:pk>/closure/send-back/", governance.closure_send_back, name="closure_send_back"),
    path("<int:pk>/mentoring/new/", governance.mentoring_note_create, name="mentoring_create"),
    path("<int:pk>/to-qi/", governance.audit_to_qi, name="audit_to_qi"),
    path("<int:pk>/join/", joining.project_join, name="join"),
    path(
        "<int:pk>/interests/<int:interest_pk>/accept/",
        joining.interest_accept,
        name="interest_accept",
    ),
    path(
        "<int:pk>/interests/<int:interest_pk>/decline/",
        joining.interest_decline,
        name="interest_decline",
    ),
    path(
        "<int:pk>/interests/<int:interest_pk>/withdraw/",
        joining.interest_withdraw,
        name="interest_withdraw",
    ),
    path("<int:pk>/updates/new/", records.update_create, name="update_create"),
    path("<int:pk>/updates/<int:child_pk>/edit/", records.update_edit, name="update_edit"),
    path("<int:pk>/openings/new/", records.opening_create, name="opening_create"),
    path("<int:pk>/openings/<int:child_pk>/edit/", records.opening_edit, name="opening_edit"),
    path("<int:pk>/tasks/new/", records.task_create, name="task_create"),
    path("<int:pk>/tasks/<int:child_pk>/edit/", records.task_edit, name="task_edit"),
]

# The task board and a task's pages, under /tasks/ (namespace "tasks").
task_urlpatterns = [
    path("", tasks.task_board, name="board"),
    path("<int:pk>/", tasks.task_detail, name="detail"),
    path("<int:pk>/claim/", tasks.task_claim, name="claim"),
    path("<int:pk>/release/", tasks.task_release, name="release"),
    path("<int:pk>/progress/", tasks.task_progress, name="progress"),
    path("<int:pk>/done/", tasks.task_done, name="done"),
    path("<int:pk>/reassign/", tasks.task_reassign, name="reassign"),
    path("<int:pk>/reopen/", tasks.task_reopen, name="reopen"),
]

# Governance: champions, the review queue and the governance report (namespace "governance").
governance_urlpatterns = [
    path("champions/", governance.champions_directory, name="champions"),
    path("review/", governance.review_queue, name="review_queue"),
    path("review/<int:pk>/", governance.review_project, name="review_project"),
    path("governance/", governance.governance_report, name="report"),
    path("governance/export.csv", governance.governance_export, {"fmt": "csv"}, name="export_csv"),
    path(
        "governance/export.xlsx", governance.governance_export, {"fmt": "xlsx"}, name="export_xlsx"
    ),
]
