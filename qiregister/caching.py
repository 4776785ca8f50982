"""No cache keeps a page shown to someone signed in: one rule for every private page.

Ward PCs are shared. A page kept by the browser's cache (or any cache on the way) could be shown
by Back, the history or a restored tab to the next person at the keyboard, after the first has
signed out. So every response to a signed-in session gets Django's never-cache headers
(`Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private` and an `Expires` in
the past), as the appraisal pages had on their own: error pages, redirects and form pages
included, because any of them may name people.

Left alone:
- responses that set their own `Cache-Control` on purpose: poster images (`private,
  max-age=86400`, also shown on the department's screens) and the showcase calendar feed
  (`private, max-age=300`, polled by Outlook);
- responses to someone not signed in: the sign-in page (Django's own never-cache), the
  accessibility statement, the calendar feed and display links read by their secret key (each
  sets its own policy);
- static files, which WhiteNoise answers before this middleware is reached.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class PrivatePagesNotCachedMiddleware:
    """Never-cache headers on every response to a signed-in session that sets no policy.

    "Signed in" is read from the session as the response leaves (so the answer to a sign-in is
    covered, the one to a sign-out is not): no query of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if SESSION_KEY in request.session and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
