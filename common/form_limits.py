"""A form over Django's size limits answered by the view's own page, with an error.

Django refuses a request whose form holds more than DATA_UPLOAD_MAX_MEMORY_SIZE of text (files
aside) or more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields: reading `request.POST` raises
RequestDataTooBig or TooManyFieldsSent, and the request ends on the 400 page. The CSRF check is
the first to read the form, so a view never sees the exception. A view that people paste large
text into (the measure data paste) names a function with `@answers_form_too_large(respond)`:
this middleware, placed before the CSRF check, reads the form first and, when it is over the
limits and someone is signed in, answers with `respond(request, *args, **kwargs)`: the view's
own form again, with an error next to the field.

`respond` must only read and render (it runs without the CSRF check, which cannot read a form
that was never read): it fetches its objects with the same access checks as the view and
writes nothing. A cross-site POST could at most make it render a page the attacker cannot read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("django.security")

ATTRIBUTE = "answers_form_too_large"


def answers_form_too_large(respond: Callable[..., HttpResponse]):
    """Mark a view: a form over the limits is answered by `respond` (same arguments)."""

    def mark(view):
        setattr(view, ATTRIBUTE, respond)
        return view

    return mark


class FormLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        respond = getattr(view_func, ATTRIBUTE, None)
        if respond is None or request.method != "POST" or not request.user.is_authenticated:
            return None  # any form over the limits ends on the 400 page
        try:
            request.POST  # noqa: B018 - reading the form is what raises
        except (RequestDataTooBig, TooManyFieldsSent) as error:
            logger.warning("%s: %s %s", type(error).__name__, request.method, request.path)
            return respond(request, *view_args, **view_kwargs)
        return None
