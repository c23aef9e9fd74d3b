"""The results of a round as the results page and the PDF report show them (one context for both), and the PDF
report itself (rendered by `simpul.core.pdf`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.assessment import charts, selectors
from simpul.assessment.models import Crosshair, ItemKind, Method, Round, VerificationTactic
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


def report_context(round: Round) -> dict[str, Any]:
    """What the report to the Bupati says besides the results: the cover (regency, title, round, date, team),
    the summary's figures, the method (instruments, respondents, triangulation, how the index is computed), the
    findings with their recommendations, and the annex (items, evidence, triangulation matrix)."""
    ctx = results_context(round)
    res = ctx["res"]
    triangulation = selectors.triangulation_for_round(round=round)
    by = selectors.report_respondents(round=round)
    kinds = Counter(str(ItemKind(i.item.kind).label) for i in res.items)
    ctx.update({
        "regency": home_kabupaten(),
        "report_date": timezone.localtime(round.published_at).date() if round.published_at else timezone.localdate(),
        "team": selectors.round_team(round=round),
        "triangulation": triangulation,
        "confirmed": sum(1 for _row, verdict, _cells in triangulation if verdict.confirmed),
        "recommendations": selectors.recommendation_list(round=round),
        "findings": round.findings.prefetch_related("evidence").select_related("item"),
        "evidence": selectors.evidence_list(round=round),
        "item_kinds": sorted(kinds.items()),
        "respondents_by_channel": by["channel"], "respondents_by_group": by["group"],
        "scales": list(res.spec.scales.values()),
        "quadrant_one": [r for r in ctx.get("ipa_rows", []) if r.quadrant == "I"],
        "tactics": [str(VerificationTactic(t).label) for t in round.verification if t in VerificationTactic.values],
        "methods": Method.choices,
    })
    return ctx


def round_report_pdf(*, round: Round, request: Any = None) -> bytes:
    """The round's report to the Bupati as a tagged PDF (`simpul.core.pdf`), in the language of the request."""
    ctx = report_context(round)
    team = ", ".join(ctx["team"])
    author = round.data_owners or team or (round.agency.name if round.agency else home_kabupaten().name)
    metadata = PdfMetadata(title=round.name, author=author, subject=round.framework.name,
                           keywords=(str(round.year), round.framework.code))
    return pdf_render(template="assessment/report_pdf.html", context=ctx, metadata=metadata, request=request)
