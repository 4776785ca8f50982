"""Emails about joining and tasks, each with a plain-text and an HTML part.

Sent only after the surrounding transaction commits, so nobody is told about something that
was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from people.models import Person


def _addresses(people: Iterable[Person]) -> list[str]:
    return sorted({p.email or p.user.email for p in people if (p.email or p.user.email)})


def notify(*, to: Iterable[Person], subject: str, template: str, context: dict) -> None:
    """Queue an email for after commit. `template` names templates/emails/<template>.{txt,html}."""
    recipients = _addresses(to)
    if not recipients:
        return
    context = {**context, "base_url": settings.QIREGISTER_BASE_URL}
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)

    def send() -> None:
        message = EmailMultiAlternatives(
            subject=f"QI Register: {subject}", body=text, to=recipients
        )
        message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(send)


def project_team_leads(project) -> list[Person]:
    return [project.lead, *project.co_leads.all()]
