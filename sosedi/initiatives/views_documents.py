"""The printable signature sheet (PDF through WeasyPrint with DejaVu fonts, which have Cyrillic): residents sign
it on paper, and an initiator types the entries back in, where they are deduplicated against online signatures."""

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from sosedi.core.rulesets import rule

from . import selectors

SHEET_ROWS = 12


def signature_sheet_html(project) -> str:
    today = timezone.localdate()
    return render_to_string(
        "initiatives/signature_sheet.html",
        {
            "project": project,
            "rows": range(1, SHEET_ROWS + 1),
            "min_age": rule("initiative.min_age", municipality=project.municipality, on=today),
            "today": today,
        },
    )


def signature_sheet_pdf(request, pk):
    project = selectors.project_detail(pk, user=request.user)
    if project is None:
        raise Http404
    from weasyprint import HTML

    pdf = HTML(string=signature_sheet_html(project)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="signature-sheet-{project.pk}.pdf"'
    return response
