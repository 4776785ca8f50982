"""The text someone typed into a form that could not be saved, to show it back to copy.

Used by the CSRF failure page (qiregister.views.csrf_failure) and for a form sent after the
session ended (qiregister.security.SessionTimeoutMiddleware). Shown back escaped, like any
text, in read-only boxes (templates/includes/typed_text.html).
"""

from __future__ import annotations

from django.http import QueryDict

# Fields never kept or shown back, whatever the form.
NEVER_SHOWN_BACK = ("csrfmiddlewaretoken", "password", "token", "secret", "key")
# A session keeps at most this much of a form sent after it ended (the row is in the database).
MAX_KEPT_CHARACTERS = 200_000


def typed_text(form: QueryDict) -> list[dict]:
    """Each non-empty text field: label (from its name), value and a textarea's rows.

    Passwords, tokens and numbers (ids, versions, choices) are left out: only words typed.
    """
    fields = []
    for name, values in form.lists():
        if any(word in name.lower() for word in NEVER_SHOWN_BACK):
            continue
        for value in values:
            if value.strip() and not value.strip().isdigit():
                label = name.replace("_", " ").replace("-", " ").strip().capitalize()
                rows = min(12, 2 + value.count("\n"))
                fields.append({"label": label, "value": value, "rows": rows})
    return fields
