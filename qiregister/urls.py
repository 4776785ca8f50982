from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from projects.urls import governance_urlpatterns, task_urlpatterns
from qiregister import views
from qiregister.oidc import CallbackView

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
    path("tasks/", include((task_urlpatterns, "tasks"))),
    path("", include("people.urls")),
    path("", include((governance_urlpatterns, "governance"))),
    path("", include("recognition.urls")),
    path("", include("measurement.urls")),
    path("admin/", admin.site.urls),
]

# A request Django cannot read (a form over its size limits): the service's page, not a bare
# "Bad Request (400)". 403, 404 and 500 use Django's views with templates/403.html and so on.
handler400 = "qiregister.views.bad_request"

# Single sign-on's start and callback (qiregister/oidc.py), open to anyone like the sign-in page;
# routed only when single sign-on is configured.
oidc_urlpatterns = [
    path(
        "authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        login_not_required(CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
if settings.QIREGISTER_OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include(oidc_urlpatterns)))
