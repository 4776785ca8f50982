from django.urls import path

from projects import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_board, name="board"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/claim/", views.task_claim, name="claim"),
    path("<int:pk>/release/", views.task_release, name="release"),
    path("<int:pk>/progress/", views.task_progress, name="progress"),
    path("<int:pk>/done/", views.task_done, name="done"),
    path("<int:pk>/reassign/", views.task_reassign, name="reassign"),
    path("<int:pk>/reopen/", views.task_reopen, name="reopen"),
]
