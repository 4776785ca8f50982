"""The signed-in person, set once per request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from people.access import person_of


class PersonMiddleware:
    """Sets `request.person` (`people.access.QIRequest`): the signed-in user's Person, or None.

    Read here, after the session checks have signed out an expired session, with at most one
    query, which Django keeps in the user's related-object cache: code handed `request.user`
    (`person_of`) then reads the same Person for free. Not a SimpleLazyObject: a lazy None is
    not `None`, and views test `request.person is None`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.person = person_of(request.user)
        return self.get_response(request)
