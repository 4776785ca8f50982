"""Emails from every app, each with a plain-text and an HTML part.

Queued only after the surrounding transaction commits, so nobody is told about something that
was rolled back, and sent by a background task (settings.TASKS): with the database backend
`manage.py db_worker` sends them, so a slow mail server never holds up a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from common.fields import one_line


def _addresses(people: Iterable) -> list[str]:
    return sorted({p.email or p.user.email for p in people if (p.email or p.user.email)})


def notify(*, to: Iterable, subject: str, template: str, context: dict) -> None:
    """Queue an email for after commit to people (anyone with an `email` or a `user.email`).
    `template` names templates/emails/<template>.{txt,html}."""
    recipients = _addresses(to)
    if not recipients:
        return
    context = {**context, "base_url": settings.QIREGISTER_BASE_URL}
    # Rendered now, while the objects are at hand: the task's arguments are stored as JSON.
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            # On one line whatever a title held: a line break in a subject makes Django
            # refuse the whole email (BadHeaderError).
            subject=one_line(f"QI Register: {subject}"),
            text=text,
            html=html,
            to=recipients,
        )
    )


@task()
def send_email(*, subject: str, text: str, html: str, to: list[str]) -> None:
    """Send one email with a plain-text body and an HTML alternative.

    Runs in the worker. An exception (the mail server refusing or unreachable) marks the task
    failed with its traceback, kept in the database (admin: Tasks Database Backend), with the
    message it was to send.
    """
    message = EmailMultiAlternatives(subject=one_line(subject), body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
