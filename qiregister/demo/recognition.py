"""Demo recognition for `seed_demo`: showcases, posters, awards, nominations, appraisal notes
and the RPS credentialing domains. Adds nothing when the department already has showcases."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import textwrap

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from people.models import Department, Person
from projects.models import Project
from qiregister.demo.measurement import themed_projects
from qiregister.demo.people import OTHER_DEPARTMENTS
from qiregister.demo.projects import THEMES, WHERE, theme_of
from recognition.models import (
    AppraisalNote,
    Award,
    ContributionKind,
    Nomination,
    PortfolioDomain,
    ShowcaseSession,
    ShowcaseSlot,
)
from recognition.services.board import poster_save

K = ContributionKind
# Based on the RPS Core and Advanced curricula's domains; departments edit these in the admin.
DOMAINS = [
    ("Person-centred care and collaboration", [K.ROLE, K.TASK]),
    ("Professional practice", [K.TASK, K.ROLE, K.LED]),
    ("Leadership and management", [K.LED, K.REVIEW, K.MENTOR, K.NOMINATION]),
    ("Education", [K.SHOWCASE, K.TRAINING, K.MENTOR, K.MENTEE]),
    ("Research", [K.LED, K.SHOWCASE]),
]
AWARDS = [
    ("Pharmacy QI star of the quarter", "Pharmacy department", Award.Level.LOCAL, 20),
    ("Trust Quality Improvement Award", "The trust", Award.Level.TRUST, 45),
    ("Regional Medicines Optimisation Award", "NHS England region", Award.Level.REGIONAL, 90),
    ("RPS Pharmacy Team of the Year", "Royal Pharmaceutical Society", Award.Level.NATIONAL, -30),
]
# Keyed by the project's theme (qiregister.demo.projects.THEMES), in the order the board and the
# showcases show them; the figures are those of the theme's measure or saving
# (qiregister.demo.measurement).
HEADLINES = {
    THEMES[0].title: "Omitted time-critical doses down from 12% to 5% of doses.",
    THEMES[1].title: "Discharge medicines ready within 60 minutes for 74% of patients, "
    "up from 48%.",
    THEMES[2].title: "IV to oral switch at 48 hours up from 41% to 76% of eligible patients.",
    THEMES[3].title: "Medicines reconciled within 24 hours for 89% of admissions, up from 71%.",
    THEMES[12].title: "£38,000 a year saved so far by switching to biosimilar adalimumab.",
    THEMES[6].title: "Right-first-time aseptic batches up from 91% to 98%.",
    THEMES[15].title: "Every chemotherapy prescription verified 48 hours before treatment.",
    THEMES[11].title: "Controlled drug register discrepancies halved {where}.",
}


def seed_recognition(department: Department) -> None:
    if ShowcaseSession.objects.filter(department=department).exists():
        return
    logins = {
        person.user.username: person
        for person in Person.objects.filter(
            department=department, user__username__in=["staff", "champion", "manager", "admin"]
        ).select_related("user")
    }
    found = themed_projects(department, HEADLINES)
    showcased = [found[title] for title in HEADLINES if title in found]
    with transaction.atomic():
        _seed_domains(department)
        for project in showcased:
            area = project.title.split(": ")[-1].split(" (round")[0]
            headline = HEADLINES[theme_of(project).title]
            project.headline_impact = headline.format(where=WHERE.get(area, "on the wards"))
            project.save(update_fields=["headline_impact"])
        _seed_showcases(department, showcased, logins)
        _seed_awards(department, found, logins)
        _seed_appraisal_notes(department, logins)
    _seed_posters(showcased[:5])


def _seed_domains(department: Department) -> None:
    for order, (name, kinds) in enumerate(DOMAINS):
        PortfolioDomain.objects.get_or_create(
            department=department,
            name=name,
            defaults={"contribution_kinds": list(kinds), "order": order},
        )


def _seed_showcases(department, projects, logins) -> None:
    today = timezone.localtime().replace(hour=12, minute=30, second=0, microsecond=0)
    champion = logins.get("champion")
    offsets = [-70, -14, 21, 63]  # two past clinical updates, two to come
    sessions = [
        ShowcaseSession.objects.create(
            department=department,
            title="Pharmacy clinical update",
            starts_at=today + dt.timedelta(days=days),
            place="Pharmacy seminar room, level 2",
            slot_count=4,
            slot_minutes=10,
            created_by=champion,
        )
        for days in offsets
    ]
    booked = zip(
        [sessions[0], sessions[0], sessions[1], sessions[1], sessions[2]], projects, strict=False
    )
    for position, (session, project) in zip(itertools.cycle([1, 2]), booked, strict=False):
        _book_slot(session, position, project, champion, confirmed=session.is_past)


def _seed_awards(department, projects, logins) -> None:
    today = timezone.localdate()
    awards = [
        Award.objects.get_or_create(
            name=name,
            awarding_body=body,
            defaults={"level": level, "deadline": today + dt.timedelta(days=days)},
        )[0]
        for name, body, level, days in AWARDS
    ]
    staff, champion, manager = (logins.get(name) for name in ("staff", "champion", "manager"))
    if not (staff and champion and manager and projects):
        return
    # The projects' own results, when the department has got that far.
    omitted = projects.get(THEMES[0].title) or next(iter(projects.values()))
    discharge = projects.get(THEMES[1].title) or omitted
    now = timezone.now()
    Nomination.objects.create(
        award=awards[0],
        nominee_kind=Nomination.NomineeKind.PERSON,
        person=staff,
        citation="Sam audited 120 drug charts in their own time and found the weekend gap "
        "that started the medicines reconciliation project.",
        nominated_by=champion,
        status=Nomination.Status.WON,
        submitted_at=now - dt.timedelta(days=60),
        status_changed_by=champion,
        status_changed_at=now - dt.timedelta(days=40),
    )
    Nomination.objects.create(
        award=awards[1],
        nominee_kind=Nomination.NomineeKind.PROJECT,
        project=omitted,
        citation=f"{omitted.headline_impact} The team has kept the gain for three months.",
        nominated_by=manager,
        status=Nomination.Status.SHORTLISTED,
        submitted_at=now - dt.timedelta(days=20),
        status_changed_by=champion,
        status_changed_at=now - dt.timedelta(days=5),
    )
    team = Nomination.objects.create(
        award=awards[3],
        nominee_kind=Nomination.NomineeKind.TEAM,
        team_name="Discharge medicines team",
        citation="Rebuilt discharge from prescription to bedside: 74% of discharge medicines "
        "now ready within the hour, up from 48%.",
        nominated_by=manager,
        status=Nomination.Status.NOT_WON,
        submitted_at=now - dt.timedelta(days=100),
        status_changed_by=champion,
        status_changed_at=now - dt.timedelta(days=70),
    )
    team.team_members.set({discharge.lead, *discharge.co_leads.all()})
    Nomination.objects.create(
        award=awards[2],
        nominee_kind=Nomination.NomineeKind.PERSON,
        person=champion,
        citation="Draft: Chris has mentored six first-time project leads this year.",
        nominated_by=staff,
    )


def _seed_appraisal_notes(department, logins) -> None:
    staff, manager = logins.get("staff"), logins.get("manager")
    if not (staff and manager) or staff.line_manager_id != manager.pk:
        return
    today = timezone.localdate()
    AppraisalNote.objects.create(
        person=staff,
        manager=manager,
        period_start=today - dt.timedelta(days=365),
        period_end=today,
        note="Sam took on two buddy tasks alongside the ward rota and presented the medicines "
        "reconciliation project at the clinical update. Agreed: 4 hours a month of QI time in "
        "the job plan, and to lead its next PDSA cycle, on weekend admissions.",
    )


def poster_image(title: str, headline: str, reference: str) -> bytes:
    """A plausible A-series portrait poster as PNG: NHS blue header, title, headline."""
    width, height = 1240, 1754
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, 260], fill="#005eb8")
    font = _font(64)
    small = _font(40)
    draw.text((60, 70), reference, fill="white", font=small)
    draw.text((60, 140), "Quality improvement poster", fill="white", font=small)
    y = 320
    for line in _wrap(title, 28):
        draw.text((60, y), line, fill="#212b32", font=font)
        y += 80
    draw.rectangle([60, y + 40, width - 60, y + 340], fill="#e8edee")
    inner = y + 80
    for line in _wrap(headline, 42):
        draw.text((100, inner), line, fill="#005eb8", font=small)
        inner += 56
    # A run chart of sorts, so the thumbnail looks like a poster.
    points = [(120 + i * 80, 1500 - (i * 37 % 220) - (i > 6) * 180) for i in range(13)]
    draw.line(points, fill="#005eb8", width=8)
    draw.line([(100, 1560), (width - 100, 1560)], fill="#425563", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _seed_posters(projects) -> None:
    for project in projects:
        content = poster_image(project.title, project.headline_impact, project.reference or "")
        upload = SimpleUploadedFile("poster.png", content, content_type="image/png")
        poster_save(
            project=project, upload=upload, content_type="image/png", uploaded_by=project.lead
        )


# The trust's other departments (qiregister.demo.people.OTHER_DEPARTMENTS): their own credentialing
# domains, and a past and a coming clinical update each, added when the department has none.
OTHER_DOMAINS = {
    # The four themes of the NMC Code.
    "nursing": [
        ("Prioritise people", [K.ROLE, K.TASK, K.SHOWCASE]),
        ("Practise effectively", [K.LED, K.TASK, K.TRAINING]),
        ("Preserve safety", [K.LED, K.ROLE, K.REVIEW]),
        ("Promote professionalism and trust", [K.MENTOR, K.MENTEE, K.NOMINATION]),
    ],
    # The four pillars of the multi-professional framework for advanced clinical practice.
    "therapies": [
        ("Clinical practice", [K.ROLE, K.TASK]),
        ("Leadership and management", [K.LED, K.REVIEW, K.MENTOR, K.NOMINATION]),
        ("Education", [K.SHOWCASE, K.TRAINING, K.MENTOR, K.MENTEE]),
        ("Research", [K.LED, K.SHOWCASE]),
    ],
}


def seed_other_recognition() -> None:
    places = {spec.slug: (spec.name, spec.place) for spec in OTHER_DEPARTMENTS}
    departments = Department.objects.filter(slug__in=OTHER_DOMAINS.keys())
    with transaction.atomic():
        for department in departments:
            for order, (name, kinds) in enumerate(OTHER_DOMAINS[department.slug]):
                PortfolioDomain.objects.get_or_create(
                    department=department,
                    name=name,
                    defaults={"contribution_kinds": list(kinds), "order": order},
                )
            if not ShowcaseSession.objects.filter(department=department).exists():
                _seed_department_showcases(department, *places[department.slug])


def _seed_department_showcases(department: Department, name: str, place: str) -> None:
    """A past update where the completed project presented, and one to come with a booking."""
    noon = timezone.localtime().replace(hour=12, minute=30, second=0, microsecond=0)
    projects = Project.objects.filter(department=department).select_related("lead")
    completed = projects.filter(stage=Project.Stage.COMPLETED).order_by("pk").first()
    active = projects.filter(stage__in=Project.ACTIVE_STAGES).order_by("pk").first()
    champion = (
        Person.objects.filter(department=department, champion_assignments__isnull=False)
        .exclude(pk__in=[p.lead_id for p in (completed, active) if p is not None])
        .order_by("pk")
        .first()
    )
    past, coming = (
        ShowcaseSession.objects.create(
            department=department,
            title=f"{name} clinical update",
            starts_at=noon + dt.timedelta(days=days),
            place=place,
            slot_count=3,
            slot_minutes=15,
            created_by=champion,
        )
        for days in (-35, 28)
    )
    for session, project in ((past, completed), (coming, active)):
        if project is None:
            continue
        _book_slot(
            session, 1, project, champion, confirmed=session.is_past and champion is not None
        )


def _book_slot(session, position, project, champion, *, confirmed: bool) -> None:
    """The project's lead presents in the slot; a past session's slot was confirmed by the
    champion a week before."""
    slot = ShowcaseSlot.objects.create(
        session=session,
        position=position,
        project=project,
        booked_by=project.lead,
        status=ShowcaseSlot.Status.CONFIRMED if confirmed else ShowcaseSlot.Status.BOOKED,
        confirmed_by=champion if confirmed else None,
        confirmed_at=session.starts_at - dt.timedelta(days=7) if confirmed else None,
    )
    slot.presenters.set([project.lead])
