from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qiregister import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/renew/", views.session_renew, name="session_renew"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("projects/", include("projects.urls")),
    path("tasks/", include("projects.task_urls")),
    path("", include("people.urls")),
    path("", include("projects.governance_urls")),
    path("", include("recognition.urls")),
    path("", include("measurement.urls")),
    path("admin/", admin.site.urls),
]

# A request Django cannot read (a form over its size limits): the service's page, not a bare
# "Bad Request (400)". 403, 404 and 500 use Django's views with templates/403.html and so on.
handler400 = "qiregister.views.bad_request"

# Single sign-on's start and callback, only when it is configured (qiregister/oidc.py).
if settings.QIREGISTER_OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("qiregister.oidc")))
