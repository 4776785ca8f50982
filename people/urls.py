from django.urls import path

from people import department_views, mentoring, views

app_name = "people"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("departments/", department_views.department_list, name="departments"),
    path("departments/<slug:slug>/", department_views.department_detail, name="department"),
    path("trust/", department_views.trust_overview, name="trust"),
    path("me/capacity/", views.capacity_edit, name="capacity_edit"),
    path("people/", views.directory, name="directory"),
    path("team/", views.team, name="team"),
    path("engagement/", views.engagement, name="engagement"),
    path("training/", views.training, name="training"),
    path("mentoring/", mentoring.mentoring_home, name="mentoring"),
    path("mentoring/request/", mentoring.mentor_request_create, name="mentor_request"),
    path(
        "mentoring/requests/<int:pk>/accept/",
        mentoring.mentor_request_accept,
        name="mentor_request_accept",
    ),
    path(
        "mentoring/requests/<int:pk>/withdraw/",
        mentoring.mentor_request_withdraw,
        name="mentor_request_withdraw",
    ),
    path("mentoring/<int:pk>/", mentoring.mentoring_pair, name="mentoring_pair"),
    path("mentoring/<int:pk>/end/", mentoring.mentoring_pair_end, name="mentoring_pair_end"),
    path("training/sessions/<int:pk>/book/", views.session_book, name="book"),
    path("training/sessions/<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("training/sessions/<int:pk>/attendance/", views.session_attendance, name="attendance"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("people/<int:pk>/capacity/", views.person_capacity, name="capacity"),
]
