"""PDF documents from templates, with WeasyPrint.

The fetcher only allows data: URLs: a document can embed an image it was given, but nothing in
it can make the server read a local file or call another host.

WeasyPrint needs the Pango and HarfBuzz system libraries. Without them the app still starts and
every other page works: a PDF export answers with a page that says what the server lacks, and
the system checks (`manage.py check`, runserver, migrate) warn (recognition.checks).
"""

from __future__ import annotations

import base64
import ctypes
import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

MISSING_LIBRARIES = (
    "PDF exports need the Pango and HarfBuzz libraries, which this server lacks. On Debian or "
    "Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
    "fonts-dejavu-core"
)


# The shared libraries WeasyPrint loads, under the names it tries (weasyprint/text/ffi.py).
PDF_LIBRARIES = {
    "Pango": ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "PangoFT2": ("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll"),
    "HarfBuzz": ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"),
}


class PDFUnavailable(Exception):
    """WeasyPrint cannot run here: its system libraries are missing."""


def missing_pdf_libraries() -> list[str]:
    """The libraries PDF exports need that cannot be loaded here. Loading them is quick;
    importing WeasyPrint, which every management command would pay for in its checks, is not."""
    missing = []
    for library, names in PDF_LIBRARIES.items():
        for name in names:
            try:
                ctypes.CDLL(name)
            except OSError:
                continue
            break
        else:
            missing.append(library)
    return missing


def weasyprint():
    """The weasyprint module, or PDFUnavailable saying what to install."""
    try:
        import weasyprint as module
    except (ImportError, OSError) as error:  # OSError: a shared library could not be loaded
        raise PDFUnavailable(f"{MISSING_LIBRARIES} ({error})") from error
    return module


def render_pdf(template_name: str, context: dict) -> bytes:
    module = weasyprint()
    html = render_to_string(template_name, context)
    fetcher = module.urls.URLFetcher(allowed_protocols={"data"})
    # Tagged PDF: headings, tables and reading order survive for screen readers, and the
    # document's language and title come from the template's <html lang> and <title>.
    return module.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_tags=True)


def pdf_response(template_name: str, context: dict, filename: str, request=None) -> HttpResponse:
    try:
        content = render_pdf(template_name, context)
    except PDFUnavailable as error:
        logger.error("PDF export %s refused: %s", filename, error)
        page = render_to_string("recognition/pdf_unavailable.html", request=request)
        return HttpResponse(page, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def data_uri(content: bytes, content_type: str) -> str:
    """An image's bytes as a data: URL, for embedding in a PDF."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"
