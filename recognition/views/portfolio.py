"""My QI portfolio: dated contributions mapped to credentialing domains, and certificates."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.forms import PeriodForm
from common.spreadsheets import csv_stream
from people.access import person_or_403
from people.models import ExportLog
from projects.models import Project
from recognition import documents
from recognition.contributions import contributions_for, projects_taken_part
from recognition.models import PortfolioDomain, PreparedFile
from recognition.pdf import pdf_response
from recognition.services.prepared_files import prepared_file_request

# The most contributions, and certificates, the page lists: the newest contributions (every one
# is in the CSV download), the first certificates by reference. A champion of ten years has
# about 55,000 contributions; listing them all took the page 15 seconds.
PAGE_ROWS = 50


def _portfolio(request: HttpRequest):
    person = person_or_403(request)
    form = PeriodForm(request.GET)
    start, end = form.period
    found = contributions_for([person], start, end)[person.pk]
    domains = list(PortfolioDomain.objects.filter(department=person.department_id))
    return form, person, start, end, found, domains


def _back_to_the_portfolio(request: HttpRequest) -> HttpResponse:
    """A download asked for a period that is not valid: the page says what is wrong."""
    return redirect(f"{reverse('recognition:portfolio')}?{request.GET.urlencode()}")


@require_safe
@never_cache
def portfolio(request: HttpRequest) -> HttpResponse:
    form, person, start, end, found, domains = _portfolio(request)
    parts = projects_taken_part(person)
    return render(
        request,
        "recognition/portfolio/portfolio.html",
        {
            "form": form,
            "person": person,
            "start": start,
            "end": end,
            "found": found,
            "shown": found.contributions[:PAGE_ROWS],
            "not_shown": max(len(found.contributions) - PAGE_ROWS, 0),
            "by_domain": found.by_domain(domains),
            "domains": domains,
            "period_query": f"from={start}&to={end}",
            "parts": parts[:PAGE_ROWS],
            "parts_not_shown": max(len(parts) - PAGE_ROWS, 0),
            "proposals": Project.objects.led_by([person])
            .awaiting_approval()
            .order_by("submitted_at"),
        },
    )


CSV_HEADERS = [
    "Date",
    "Contribution",
    "Description",
    "Project",
    "Role",
    "Hours",
    "Credentialing domains",
]


def _csv_rows(person, start, end):
    """The header, then every contribution: read only once the header has gone out."""
    yield CSV_HEADERS
    for item in contributions_for([person], start, end)[person.pk].contributions:
        yield [
            item.date.isoformat(),
            item.kind_label,
            item.description,
            (item.project.reference or "") if item.project else "",
            item.role,
            "" if item.hours is None else f"{item.hours:g}",
            "; ".join(item.domains),
        ]


@require_safe
@never_cache
def portfolio_csv(request: HttpRequest) -> HttpResponse:
    """Every contribution in the period, sent as it is written (see projects.exports.download)."""
    person = person_or_403(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _back_to_the_portfolio(request)
    start, end = form.period
    ExportLog.record(
        request.user, "portfolio_csv", f"QI portfolio {start} to {end} of {person}", [person]
    )
    response = StreamingHttpResponse(
        csv_stream(_csv_rows(person, start, end)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="qi-portfolio-{start}-{end}.csv"'
    return response


@require_safe
@never_cache
def portfolio_pdf(request: HttpRequest) -> HttpResponse:
    """The portfolio as a PDF: straight back when it holds few contributions (counted first),
    otherwise prepared by the background worker (recognition.documents)."""
    person = person_or_403(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _back_to_the_portfolio(request)
    start, end = form.period
    ExportLog.record(
        request.user, "portfolio_pdf", f"QI portfolio {start} to {end} of {person}", [person]
    )
    filename = f"qi-portfolio-{slugify(person.display_name)}-{start}-{end}.pdf"
    if not documents.portfolio_is_small(person, start, end):
        prepared = prepared_file_request(
            user=request.user,
            kind=PreparedFile.Kind.PORTFOLIO,
            title=f"QI portfolio {start:%-d %b %Y} to {end:%-d %b %Y}",
            filename=filename,
            parameters={"from": start.isoformat(), "to": end.isoformat()},
        )
        return redirect("recognition:prepared_file", pk=prepared.pk)
    return pdf_response(
        "recognition/pdf/portfolio.html",
        documents.portfolio_context(person=person, start=start, end=end),
        filename,
        request=request,
    )


@require_safe
@never_cache
def certificate(request: HttpRequest, project_pk: int) -> HttpResponse:
    """A certificate of contribution to one project, for interviews and portfolios."""
    person = person_or_403(request)
    part = next(
        (part for part in projects_taken_part(person) if part.project.pk == project_pk), None
    )
    if part is None:
        raise Http404("You have no recorded part in that project")
    ExportLog.record(
        request.user, "certificate", f"Certificate for {part.project.reference}", [person]
    )
    return pdf_response(
        "recognition/pdf/certificate.html",
        {
            "person": person,
            "part": part,
            "department": person.department,
            "qi_lead": person.department.qi_lead,
            "issued_on": timezone.localdate(),
        },
        f"certificate-{part.project.reference}-{slugify(person.display_name)}.pdf",
        request=request,
    )
