from django.urls import path

from people.views import departments, mentoring, profiles, team, training

app_name = "people"

urlpatterns = [
    path("me/", profiles.me, name="me"),
    path("departments/", departments.department_list, name="departments"),
    path("departments/<slug:slug>/", departments.department_detail, name="department"),
    path("trust/", departments.trust_overview, name="trust"),
    path("me/capacity/", profiles.capacity_edit, name="capacity_edit"),
    path("people/", profiles.directory, name="directory"),
    path("people/search/", profiles.person_search, name="search"),
    path("team/", team.team, name="team"),
    path("engagement/", team.engagement, name="engagement"),
    path("training/", training.training, name="training"),
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
    path("training/sessions/<int:pk>/book/", training.session_book, name="book"),
    path("training/sessions/<int:pk>/cancel/", training.session_cancel, name="cancel"),
    path("training/sessions/<int:pk>/attendance/", training.session_attendance, name="attendance"),
    path("people/<int:pk>/", profiles.profile, name="profile"),
    path("people/<int:pk>/projects/", profiles.profile_led, name="profile_led"),
    path("people/<int:pk>/roles/", profiles.profile_roles, name="profile_roles"),
    path("people/<int:pk>/tasks/", profiles.profile_tasks, name="profile_tasks"),
    path("people/<int:pk>/mentoring/", profiles.profile_mentoring, name="profile_mentoring"),
    path("people/<int:pk>/capacity/", profiles.person_capacity, name="capacity"),
]
