"""The QI board: project posters, the department's board, its display mode for a screen (signed
in, or through a secret display link), display links, and each project's printable A4 summary.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from common.errors import WorkflowError
from people.access import is_champion_or_admin, person_or_403
from people.departments import department_for
from people.models import Department, ExportLog, Person
from projects.access import get_project_for
from projects.models import Project
from recognition import pdf
from recognition.forms.board import DisplayLinkForm, PosterForm
from recognition.models import POSTER_CONTENT_TYPES, DisplayLink, Poster
from recognition.services import board as services

BOARD_PAGE_SIZE = 24
DISPLAY_LINKS_PAGE_SIZE = 25
DISPLAY_SECONDS = 20  # how long the display shows each project before the next


def _display_picture(poster: Poster | None) -> str:
    """What the display shows of a poster, as a poster_url kind: an image poster itself, a PDF
    by its first page (its thumbnail); "" if there is nothing to show."""
    if poster is None:
        return ""
    if poster.is_image:
        return "file"
    return "thumbnail" if poster.thumbnail else ""


# The board


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    choice = department_for(request, offer_all=True)
    projects = services.board_projects(choice.department)
    page = Paginator(projects, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [{"project": project, "poster": services.poster_of(project)} for project in page]
    return render(
        request,
        "recognition/board/board.html",
        {
            "department": choice.department,
            "department_choice": choice,
            "page": page,
            "cards": cards,
            "query_string": urlencode(choice.query_params),
            "board_stages": [Project.Stage(stage).label for stage in services.BOARD_STAGES],
            "can_manage_links": is_champion_or_admin(request.user),
        },
    )


# Display mode: one project at a time, large, for a screen in the department.


def _render_display(
    request: HttpRequest,
    *,
    department: Department | None,
    url: str,
    picture_url: Callable[[Poster, str], str],
    exit_url: str = "",
) -> HttpResponse:
    page = Paginator(services.board_projects(department), 1).get_page(request.GET.get("item"))
    item_url = f"{url}{'&' if '?' in url else '?'}item="
    project = page.object_list[0] if page.object_list else None
    poster = services.poster_of(project) if project else None
    picture = _display_picture(poster)
    count = page.paginator.count
    # Previous and Next go round in a loop, so an unattended screen never reaches an end.
    number = page.number
    return render(
        request,
        "recognition/board/display.html",
        {
            "department": department,
            "project": project,
            "poster": poster,
            "poster_src": picture_url(poster, picture) if picture else "",
            "number": number,
            "count": count,
            "next_url": f"{item_url}{number % count + 1}" if count else url,
            "previous_url": f"{item_url}{(number - 2) % count + 1}" if count else url,
            "seconds": DISPLAY_SECONDS,
            "exit_url": exit_url,
        },
    )


@require_safe
def board_display(request: HttpRequest) -> HttpResponse:
    choice = department_for(request, offer_all=True)
    query = urlencode(choice.query_params)
    return _render_display(
        request,
        department=choice.department,
        url=reverse("recognition:board_display") + (f"?{query}" if query else ""),
        picture_url=services.poster_url,
        exit_url=reverse("recognition:board") + (f"?{query}" if query else ""),
    )


def _display_link_or_404(token: str) -> DisplayLink:
    link = services.display_link_for_token(token)
    if link is None:
        raise Http404("No such display link")
    return link


@login_not_required
@require_safe
@never_cache
def board_display_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The display for a screen that cannot sign in: the link is the credential, and it opens
    this page and the board's poster images only. It never signs anyone in."""
    link = _display_link_or_404(token)
    return _render_display(
        request,
        department=link.department,
        url=reverse("recognition:board_display_by_link", args=[token]),
        # One URL whatever the picture: the view serves what _display_picture chooses.
        picture_url=lambda poster, _picture: services.versioned_url(
            reverse("recognition:board_display_poster_by_link", args=[token, poster.project_id]),
            poster,
        ),
    )


@login_not_required
@require_safe
def board_display_poster_by_link(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """The picture of a poster for the link's display (an image poster, or a PDF poster's first
    page), for projects on the link's board only.

    Never stored by a cache (once the link is revoked the screen must stop showing posters), and
    named neutrally: nothing of the uploader's file name goes to a client that is not signed in.
    """
    link = _display_link_or_404(token)
    project = get_object_or_404(services.board_projects(link.department), pk=pk)
    poster = services.poster_of(project)
    picture = _display_picture(poster)
    if not picture:
        raise Http404("No poster picture")
    if picture == "file":
        file, content_type = poster.file, poster.content_type
    else:
        file, content_type = poster.thumbnail, "image/jpeg"
    extension = POSTER_CONTENT_TYPES[content_type]
    return _stream(file, content_type, filename=f"poster{extension}", cache_control="no-store")


# Display links: made and revoked by the department's champions and admins.


def _display_link_manager_or_403(request: HttpRequest) -> Person:
    person = person_or_403(request)
    if not is_champion_or_admin(request.user):
        raise PermissionDenied("Display links are managed by QI champions and admins")
    return person


@never_cache  # the page that shows a new link's secret must not be kept by any cache
def display_links(request: HttpRequest) -> HttpResponse:
    person = _display_link_manager_or_403(request)
    form = DisplayLinkForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        link, token = services.display_link_create(
            department=person.department, name=form.cleaned_data["name"], created_by=request.user
        )
        # Shown on this response only: the database keeps just the digest, so no redirect
        # could show it again.
        created = {
            "link": link,
            "url": request.build_absolute_uri(
                reverse("recognition:board_display_by_link", args=[token])
            ),
        }
        form = DisplayLinkForm()
    page = Paginator(DisplayLink.objects.of_department(person.department), DISPLAY_LINKS_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/board/display_links.html",
        {
            "form": form,
            "page": page,
            "created": created,
            "department": person.department,
        },
    )


@require_POST
def display_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = _display_link_manager_or_403(request)
    link = get_object_or_404(DisplayLink, pk=pk, department=person.department)
    try:
        services.display_link_revoke(link=link)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The link for {link.name} is revoked: that screen stops now.")
    return redirect("recognition:display_links")


# Posters on a project


def poster_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    person = person_or_403(request)
    poster = services.poster_of(project)
    if request.method == "POST":
        form = PosterForm(request.POST, request.FILES)
        if form.is_valid():
            services.poster_save(
                project=project,
                upload=form.cleaned_data["file"],
                content_type=form.cleaned_data["content_type"],
                uploaded_by=person,
                files=form.cleaned_data["poster_files"],
            )
            messages.success(request, "Poster replaced." if poster else "Poster uploaded.")
            return redirect(reverse("projects:detail", args=[project.pk]) + "#poster")
    else:
        form = PosterForm()
    return render(
        request,
        "recognition/board/poster_form.html",
        {"form": form, "project": project, "poster": poster},
    )


@require_POST
def poster_remove(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk, action="edit")
    try:
        services.poster_remove(project=project)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Poster removed.")
    return redirect(reverse("projects:detail", args=[project.pk]) + "#poster")


def _stream(
    file: FieldFile,
    content_type: str,
    *,
    filename: str,
    attachment: bool = False,
    # The signed-in URLs carry the upload time, so a replaced poster is fetched afresh.
    cache_control: str = "private, max-age=86400",
) -> FileResponse:
    """A stored file streamed through the storage API (local disk or S3 alike), never from
    MEDIA_URL: every request passes the view's access check."""
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=attachment, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


def _visible_poster(request: HttpRequest, pk: int) -> Poster:
    project = get_project_for(request.user, pk)
    poster = services.poster_of(project)
    if poster is None:
        raise Http404("This project has no poster")
    return poster


@require_safe
def poster_file(request: HttpRequest, pk: int) -> FileResponse:
    poster = _visible_poster(request, pk)
    # A PDF is always downloaded, never opened in the site's origin.
    return _stream(
        poster.file,
        poster.content_type,
        filename=poster.download_name,
        attachment=not poster.is_image,
    )


@require_safe
def poster_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    poster = _visible_poster(request, pk)
    if not poster.thumbnail:
        raise Http404("This poster has no thumbnail")
    stem = poster.download_name.rsplit(".", 1)[0]
    return _stream(poster.thumbnail, "image/jpeg", filename=f"{stem}-thumbnail.jpg")


# The printable A4 summary of a project


def _summary_context(project: Project, *, for_pdf: bool) -> dict:
    poster = services.poster_of(project)
    thumbnail_src = ""
    if poster and poster.thumbnail:
        if for_pdf:
            # The PDF renderer may read data: URLs only, so the image travels inside the page.
            with poster.thumbnail.storage.open(poster.thumbnail.name, "rb") as handle:
                thumbnail_src = pdf.data_uri(handle.read(), "image/jpeg")
        else:
            thumbnail_src = services.poster_url(poster, "thumbnail")
    return {
        "layout": "recognition/board/summary_pdf.html" if for_pdf else "base.html",
        "for_pdf": for_pdf,
        "project": project,
        "poster": poster,
        "thumbnail_src": thumbnail_src,
        "members": list(project.memberships.filter(left_on__isnull=True).select_related("person")),
        "printed_on": timezone.localdate(),
    }


@require_safe
def project_summary(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    return render(
        request,
        "recognition/board/summary.html",
        _summary_context(project, for_pdf=False),
    )


def _summary_stylesheet() -> str:
    # The same rules as the page (static/css/app.css), placed inside the PDF's HTML because
    # the PDF renderer may not read files.
    with open(finders.find("css/app.css"), encoding="utf-8") as stylesheet:
        return stylesheet.read()


@require_safe
def project_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for(request.user, pk)
    context = _summary_context(project, for_pdf=True)
    context["stylesheet"] = _summary_stylesheet()
    # The summary names the lead, co-leads and team: a document with personal data in it.
    # (The template names the first 12 members only.)
    named = {project.lead_id, project.mentor_id, *(m.person_id for m in context["members"][:12])}
    named |= set(project.co_leads.values_list("pk", flat=True))
    named.discard(None)
    ExportLog.record(
        request.user, "project_summary_pdf", f"Summary of {project.reference or 'a draft'}", named
    )
    return pdf.pdf_response(
        "recognition/board/summary.html",
        context,
        filename=f"{project.reference or 'draft'}-summary.pdf",
        request=request,
    )
