"""The PDF report of a round (WeasyPrint), rendered from the same context as the results page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from simpul.assessment.models import Round


def round_report_pdf(*, round: Round, request: Any = None) -> bytes:
    from weasyprint import HTML

    from simpul.assessment import selectors
    from simpul.assessment.views import results_context

    ctx = results_context(round)
    ctx["triangulation"] = selectors.triangulation_for_round(round=round)
    ctx["recommendations"] = selectors.recommendation_list(round=round)
    html = render_to_string("assessment/report_pdf.html", ctx, request=request)
    return HTML(string=html).write_pdf()
