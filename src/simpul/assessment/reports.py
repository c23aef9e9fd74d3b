"""The results of a round as the results page and the PDF report show them (one context for both), and the PDF
report itself (rendered by `simpul.core.pdf`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from simpul.assessment import charts, selectors
from simpul.assessment.models import Crosshair, Round
from simpul.core.pdf import PdfMetadata, pdf_render
from simpul.regions.national import home_kabupaten


def results_context(rnd: Round) -> dict[str, Any]:
    res = selectors.round_results(round=rnd)
    trend = selectors.round_trend(round=rnd)
    ctx: dict[str, Any] = {"round": rnd, "res": res, "trend": trend, "crosshairs": Crosshair.choices,
                           "deltas": selectors.item_deltas(round=rnd, current=res),
                           "assessors": selectors.assessor_agreement(round=rnd)}
    if res.ipa and res.ipa.rows:
        ctx["ipa_svg"] = charts.ipa_scatter(res.ipa)
        ctx["ipa_rows"] = sorted(res.ipa.rows, key=lambda r: r.tk)
        ctx["item_text"] = {r.item.code: r.item.text for r in res.items}
    if res.sections:
        top = [s for s in res.sections if s["score"] is not None]
        ctx["sections_svg"] = charts.bars([(s["name"], float(s["score"])) for s in top],
                                          title=_("Score per section"), maximum=5)
    if len([p for p in trend if p["value"] is not None]) > 1:
        ctx["trend_svg"] = charts.trend(trend, title=_("Trend across rounds"), lo=-1 if res.ipa else 1)
    return ctx


def round_report_pdf(*, round: Round, request: Any = None) -> bytes:
    """The round's report as a tagged PDF (`simpul.core.pdf`), in the language of the request."""
    ctx = results_context(round)
    ctx["triangulation"] = selectors.triangulation_for_round(round=round)
    ctx["recommendations"] = selectors.recommendation_list(round=round)
    author = round.data_owners or (round.agency.name if round.agency else home_kabupaten().name)
    metadata = PdfMetadata(title=round.name, author=author, subject=round.framework.name,
                           keywords=(str(round.year), round.framework.code))
    return pdf_render(template="assessment/report_pdf.html", context=ctx, metadata=metadata, request=request)
