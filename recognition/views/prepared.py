"""PDFs prepared in the background: the page that says how it is going, and the download.

Only the user who asked sees either: anyone else, an admin too, gets 404, as if the file did
not exist (its id says nothing about whose it is)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from recognition.models import PreparedFile

# Seconds between the status page's refreshes (htmx, or a <meta> refresh without JavaScript).
REFRESH_SECONDS = 5


def _own(request: HttpRequest, pk: int) -> PreparedFile:
    return get_object_or_404(PreparedFile, pk=pk, requested_by=request.user)


@require_safe
@never_cache
def prepared_file(request: HttpRequest, pk: int) -> HttpResponse:
    """ "We are preparing your file", until it is ready; then the link to it. The page refreshes
    itself while the file is being prepared."""
    prepared = _own(request, pk)
    context = {"prepared": prepared, "refresh_seconds": REFRESH_SECONDS}
    if request.htmx:
        # 286 tells htmx to stop polling: nothing will change any more.
        done = prepared.is_ready or prepared.has_failed
        return render(
            request, "recognition/prepared/_status.html", context, status=286 if done else 200
        )
    return render(request, "recognition/prepared/status.html", context)


@require_safe
def prepared_file_download(request: HttpRequest, pk: int) -> FileResponse:
    prepared = _own(request, pk)
    if not prepared.is_ready:
        raise Http404("This file is not ready")
    try:
        handle = prepared.file.storage.open(prepared.file.name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=prepared.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
