"""PDF documents from templates, with WeasyPrint.

The fetcher only allows data: URLs: a document can embed an image it was given, but nothing in
it can make the server read a local file or call another host.
"""

from __future__ import annotations

import base64

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    # Imported here, not at the top: loading Pango through cffi takes about a second of CPU,
    # which every process that loads the URLconf (gunicorn workers, manage.py commands) would
    # pay, though few ever make a PDF.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, context)
    fetcher = URLFetcher(allowed_protocols={"data"})
    # Tagged PDF: headings, tables and reading order survive for screen readers, and the
    # document's language and title come from the template's <html lang> and <title>.
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_tags=True)


def pdf_response(template_name: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def data_uri(content: bytes, content_type: str) -> str:
    """An image's bytes as a data: URL, for embedding in a PDF."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"
