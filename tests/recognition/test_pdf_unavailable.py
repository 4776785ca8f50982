"""Without Pango (a fresh machine), the app starts, says what to install, and a PDF export
answers with a page saying so instead of an error."""

import ctypes
import sys

from django.urls import reverse

from recognition.checks import pdf_libraries_installed
from tests.helpers import environment_without, run_manage

# WeasyPrint raises this from its import when the shared library is missing.
MISSING_PANGO = "raise OSError(\"cannot load library 'libpango-1.0-0': No such file\")\n"


def without_pango(monkeypatch, tmp_path):
    package = tmp_path / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(MISSING_PANGO)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)


def test_a_pdf_export_says_what_the_server_lacks(client_for, staff, qi_year, monkeypatch, tmp_path):
    without_pango(monkeypatch, tmp_path)
    response = client_for(staff).get(reverse("recognition:portfolio_pdf"))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "PDF exports are not available on this server" in page
    assert "sudo apt install libpango-1.0-0" in page
    assert "Sam Taylor" in page  # the usual page around it: the signed-in person's menu


def test_the_check_warns_only_when_the_libraries_are_missing(monkeypatch):
    assert pdf_libraries_installed(None) == []
    load = ctypes.CDLL

    def without_pango(name, *args, **kwargs):
        if "pango-1.0" in name:
            raise OSError(f"{name}: cannot open shared object file")
        return load(name, *args, **kwargs)

    monkeypatch.setattr(ctypes, "CDLL", without_pango)
    [warning] = pdf_libraries_installed(None)
    assert warning.id == "recognition.W001"
    assert "sudo apt install libpango-1.0-0" in warning.msg
    assert warning.msg.endswith("(not found: Pango)")


def test_the_app_starts_and_serves_without_weasyprint(tmp_path):
    package = tmp_path / "weasyprint"
    package.mkdir()
    (package / "__init__.py").write_text(MISSING_PANGO)
    env = {**environment_without("DJANGO_", "PYTHONPATH"), "PYTHONPATH": str(tmp_path)}
    done = run_manage("check", "--deploy", "--fail-level", "ERROR", env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
