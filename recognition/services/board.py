"""The QI board: which projects it shows, posters (stored, thumbnailed, replaced, removed) and
the secret display links that open it on a screen in the department."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Cast, Greatest
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from people.models import Department, Person
from projects.models import Membership, ProgressUpdate, Project, involving_department_q
from recognition.models import DisplayLink, Poster, new_token, token_digest
from recognition.posters import PosterFiles, poster_files

# Projects at these stages have something to show; ideas and proposals are not yet approved,
# and on-hold or closed projects are not what the department wants on its wall.
BOARD_STAGES = (
    Project.Stage.PLANNING,
    Project.Stage.TESTING,
    Project.Stage.IMPLEMENTING,
    Project.Stage.SUSTAINING,
    Project.Stage.COMPLETED,
)
# How often a display link's "last used" time is written: a screen asks every few seconds.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


# Reads


def board_projects(department: Department | None) -> models.QuerySet[Project]:
    """The department's board (every department's for None): submitted projects past approval
    that it leads or takes part in, with a poster or a headline impact, newest activity first,
    with everything a card shows in fixed queries."""
    involving = involving_department_q(department) if department is not None else Q()
    latest_update = (
        ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    current_members = Membership.objects.filter(left_on__isnull=True).select_related("person")
    # With a poster or a headline impact: the few such projects found through the posters and
    # the index `project_headline_impact`, joined by UNION. The same rule written as an OR
    # across the poster join made PostgreSQL read every project of the department.
    with_something_to_show = (
        Poster.objects.order_by()
        .values("project_id")
        .union(Project.objects.exclude(headline_impact="").order_by().values("pk"))
    )
    return (
        Project.objects.filter(
            involving,
            submitted_at__isnull=False,
            stage__in=BOARD_STAGES,
            pk__in=with_something_to_show,
        )
        .select_related("lead", "poster")
        .prefetch_related(
            "co_leads", Prefetch("memberships", queryset=current_members, to_attr="members")
        )
        .annotate(
            # PostgreSQL's GREATEST skips NULLs: a project without a poster or updates still
            # sorts by its own changes.
            last_activity_at=Greatest(
                "updated_at",
                "stage_changed_at",
                "poster__uploaded_at",
                Cast(Subquery(latest_update), models.DateTimeField()),
            )
        )
        .order_by("-last_activity_at", "-pk")
    )


def is_on_board(project: Project, poster: Poster | None) -> bool:
    """The same rule as board_projects, for one project already in hand."""
    return (
        not project.is_draft
        and project.stage in BOARD_STAGES
        and (poster is not None or bool(project.headline_impact))
    )


def poster_of(project: Project) -> Poster | None:
    """The project's poster, or None (one query unless select_related("poster") loaded it)."""
    try:
        return project.poster
    except Poster.DoesNotExist:
        return None


def poster_url(poster: Poster, kind: str = "file") -> str:
    """The poster's file or thumbnail URL for signed-in users. The upload time makes a replaced
    poster a new URL, so browsers may cache each one."""
    name = "recognition:poster_file" if kind == "file" else "recognition:poster_thumbnail"
    return versioned_url(reverse(name, args=[poster.project_id]), poster)


def versioned_url(url: str, poster: Poster) -> str:
    return f"{url}?v={int(poster.uploaded_at.timestamp())}"


# Posters


def _storage():
    return Poster._meta.get_field("file").storage


def _delete_files(names) -> None:
    storage = _storage()
    for name in names:
        storage.delete(name)


def poster_save(
    *,
    project: Project,
    upload: UploadedFile,
    content_type: str,
    uploaded_by: Person,
    files: PosterFiles | None = None,
) -> Poster:
    """Store a checked upload as the project's poster, replacing any poster it had.

    `files` is what PosterForm made of the upload (the file to keep, without metadata, and its
    thumbnail); it is made here when not given, as for seed_demo. The replaced files stay in
    storage (see poster_remove); if saving fails, the files just written are
    deleted, as no row ever pointed to them.
    """
    # Outside the transaction: the decoding takes a while, and holds no row lock meanwhile.
    if files is None:
        files = poster_files(upload, content_type)
    written: list[str] = []
    try:
        with transaction.atomic():
            # Two uploads at once take turns: the second replaces the first, never both half.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            poster = Poster.objects.filter(project=project).first() or Poster(project=project)
            poster.content_type = content_type
            poster.size = files.file.size
            poster.original_name = PurePath(upload.name).name[-255:]
            poster.uploaded_by = uploaded_by
            poster.uploaded_at = timezone.now()
            files.file.seek(0)
            poster.file.save("poster", files.file, save=False)
            written.append(poster.file.name)
            if files.thumbnail is not None:
                files.thumbnail.seek(0)
                poster.thumbnail.save("thumbnail", files.thumbnail, save=False)
                written.append(poster.thumbnail.name)
            else:
                poster.thumbnail = ""
            poster.save()
    except BaseException:
        _delete_files(written)
        raise
    return poster


@transaction.atomic
def poster_remove(*, project: Project) -> None:
    """Remove the project's poster. Its files, like a replaced poster's, stay in storage until
    `manage.py sweep_media` finds no row referencing them: a backup running now may have dumped
    the poster's row and be about to archive its files (qiregister/backups.py)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    poster = Poster.objects.filter(project=project).first()
    if poster is None:
        raise WorkflowError("This project has no poster to remove")
    poster.delete()


# Display links


@transaction.atomic
def display_link_create(
    *, department: Department, name: str, created_by
) -> tuple[DisplayLink, str]:
    """A new display link and its secret; the secret is not kept, so show it now or never."""
    token, digest = new_token()
    link = DisplayLink.objects.create(
        department=department, name=name, token_digest=digest, created_by=created_by
    )
    return link, token


@transaction.atomic
def display_link_revoke(*, link: DisplayLink) -> DisplayLink:
    link = DisplayLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise WorkflowError(f"The link for {link.name} was already revoked")
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    return link


def display_link_for_token(token: str) -> DisplayLink | None:
    """The active link with this secret, noting that it was used; None if unknown or revoked."""
    link = (
        DisplayLink.objects.select_related("department")
        .filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if link is not None:
        now = timezone.now()
        if link.last_used_at is None or link.last_used_at < now - LAST_USED_RESOLUTION:
            # update(), not save(): last_used_at is left out of the link's history on purpose
            # (a save would add a history row every minute a screen is on), and the filter
            # makes two screens at the same moment write it once.
            DisplayLink.objects.filter(pk=link.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
            link.last_used_at = now
    return link
