"""The one error for a step that cannot happen now, raised by every app's services."""

from __future__ import annotations


class WorkflowError(Exception):
    """A request that cannot go ahead in the current state (a task someone else has just
    claimed, a full session, a proposal no longer waiting for review).

    `message` is for the user, as it is shown; `field` names the form field it belongs next to,
    if any. Views show it one way: `form.add_error(error.field, error.message)` on a form page,
    `messages.error(request, error.message)` after a button.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
