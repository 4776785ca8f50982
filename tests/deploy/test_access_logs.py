"""Secret link tokens stay out of the access logs shipped in deploy/.

A QI board display link (/board/display/<token>/) and a showcase calendar feed
(/showcase/calendar.ics?key=...) carry their credential in the URL. gunicorn's access log
(deploy/gunicorn.conf.py) must write neither; nginx's (deploy/nginx/qiregister.conf) is checked
here by its configuration, and for real by deploy/check-guide.sh (the `deployment` test).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import runpy
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from gunicorn.config import Config

from recognition.models import new_token
from tests.helpers import ROOT

NGINX = ROOT / "deploy" / "nginx" / "qiregister.conf"


def gunicorn_access_line(uri: str, *, referer: str = "-") -> str:
    """The line the shipped gunicorn configuration writes for a GET of `uri`."""
    shipped = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("access_log_format", "accesslog", "logger_class"):
        cfg.set(name, shipped[name])
    logger = cfg.logger_class(cfg)
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    logger.access_log.addHandler(handler)
    try:
        path, _, query = uri.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": uri,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": referer,
            "HTTP_USER_AGENT": "Mozilla/5.0",
        }
        response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
        request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "10.1.2.3"), ("REFERER", referer)])
        logger.access(response, request, environ, dt.timedelta(milliseconds=12))
    finally:
        logger.access_log.removeHandler(handler)
    return written.getvalue()


def display_link(token: str, *, poster: int | None = None) -> str:
    if poster is None:
        return reverse("recognition:board_display_by_link", args=[token])
    return reverse("recognition:board_display_poster_by_link", args=[token, poster])


def calendar_feed(key: str) -> str:
    return reverse("recognition:showcase_calendar") + "?" + urlencode({"key": key})


@pytest.mark.parametrize("url_for", [display_link, calendar_feed], ids=["display", "calendar"])
def test_gunicorn_access_log_has_no_secret_from_the_url(url_for):
    secret, _ = new_token()
    line = gunicorn_access_line(url_for(secret))
    assert secret not in line
    assert "[redacted]" in line
    assert line.startswith('10.1.2.3 "GET /')  # the rest of the line is still there
    assert " 200 1234 12ms " in line


def test_gunicorn_access_log_has_no_secret_from_the_referer():
    # A display screen's poster requests carry the display link as their Referer.
    secret, _ = new_token()
    line = gunicorn_access_line(
        display_link(secret, poster=7), referer=f"https://qi.example.nhs.uk{display_link(secret)}"
    )
    assert secret not in line


def test_gunicorn_access_log_keeps_ordinary_urls_whole():
    line = gunicorn_access_line("/projects/?q=sepsis&stage=planning")
    assert '"GET /projects/?q=sepsis&stage=planning HTTP/1.1"' in line


def directives(path) -> str:
    return "\n".join(
        line for line in path.read_text().splitlines() if not line.strip().startswith("#")
    )


def test_nginx_logs_the_redacted_uri_and_no_referer():
    config = directives(NGINX)
    log_format = re.search(r"log_format qiregister\b(.*?);", config, re.DOTALL)
    assert log_format
    assert "$qiregister_uri" in log_format[1]
    # Not the raw request line, URI or query, nor the Referer.
    for raw in ("$request ", "$request'", "$request_uri", "$args", "$query_string"):
        assert raw not in log_format[1]
    assert "$http_referer" not in log_format[1]
    assert re.search(r"^\s*access_log \S+ qiregister;", config, re.MULTILINE)
    assert "map $request_uri $qiregister_uri" in config
