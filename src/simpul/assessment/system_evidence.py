"""Figures from Simpul's other apps offered as evidence for matching indicators (issue 6 item 8).

Which indicators each figure supports is data (`data/system-evidence.yaml`). Figures come only through the
other apps' selectors: connectivity from `infrastructure.selectors.coverage_by_kecamatan`/`coverage_total`,
service SLA attainment from `cases.selectors.dashboard_stats` per agency, complaints handling from
`cases.selectors.complaint_handling_stats` (SPBE indicator 42) and open data from
`opendata.selectors.dataset_list` (indicator 43).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.agencies.models import Agency
from simpul.assessment.frameworks import DATA_DIR
from simpul.assessment.models import EvidenceKind, Item, Round
from simpul.assessment.services import evidence_add
from simpul.cases.selectors import complaint_handling_stats, dashboard_stats
from simpul.infrastructure.selectors import coverage_by_kecamatan, coverage_total
from simpul.opendata.selectors import dataset_list

MAPPING_FILE = DATA_DIR / "system-evidence.yaml"


@dataclass
class Offer:
    key: str
    title: str
    text: str
    period: str
    source: str
    item_codes: list[str]


def _mapping(round: Round) -> dict[str, list[str]]:
    data = yaml.safe_load(MAPPING_FILE.read_text(encoding="utf-8")) or {}
    return {k: [str(c) for c in v] for k, v in (data.get(round.framework.slug) or {}).items()}


def _connectivity(start: date, end: date) -> tuple[str, str] | None:
    from datetime import datetime, time

    tz = timezone.get_current_timezone()
    rows = coverage_by_kecamatan(start=datetime.combine(start, time.min, tz), end=datetime.combine(end, time.max, tz))
    total = coverage_total(rows)
    if not total.villages:
        return None
    share = total.connected_villages / total.villages * 100
    text = _("{connected} of {villages} villages connected ({share:.1f}%); {blank} blank spots; "
             "total {mbps} Mbps.").format(connected=total.connected_villages, villages=total.villages, share=share,
                                          blank=total.villages - total.connected_villages, mbps=total.total_mbps)
    if total.availability is not None:
        text += " " + _("Availability {a:.1f}%.").format(a=total.availability * 100)
    return _("Village connectivity (Simpul infrastructure registry)"), text


def _service_sla(start: date, end: date) -> tuple[str, str] | None:
    closed = on_time = 0.0
    for agency in Agency.objects.filter(is_active=True).only("id"):
        stats = dashboard_stats(agency_id=agency.pk, start=start, end=end)
        if stats.closed_in_period and stats.on_time_rate is not None:
            closed += stats.closed_in_period
            on_time += stats.on_time_rate * stats.closed_in_period
    if not closed:
        return None
    return (_("Service cases closed on time (Simpul cases)"),
            _("{n} cases closed in the period, {rate:.1f}% within their service standard.").format(
                n=int(closed), rate=on_time / closed * 100))


def _complaints(start: date, end: date) -> tuple[str, str] | None:
    stats = complaint_handling_stats(start=start, end=end)
    if not stats.received:
        return None
    text = _("{received} complaints received in the period; {closed} closed, {open} still open.").format(
        received=stats.received, closed=stats.closed, open=stats.open)
    if stats.on_time_rate is not None:
        text += " " + _("{rate:.1f}% of the closed ones within their time limit; median {days} days.").format(
            rate=stats.on_time_rate * 100, days=stats.median_days)
    return _("Complaints handling (Simpul cases, LAPOR! workflow)"), text


def _open_data(start: date, end: date) -> tuple[str, str] | None:
    datasets = list(dataset_list())
    if not datasets:
        return None
    fresh = sum(1 for d in datasets if d.last_refreshed and start <= timezone.localdate(d.last_refreshed) <= end)
    producers = len({d.producer_id for d in datasets if d.producer_id})
    return (_("Open data published (Simpul open data, DCAT catalogue)"),
            _("{n} datasets published by {producers} agencies; {fresh} refreshed in the period.").format(
                n=len(datasets), producers=producers, fresh=fresh))


SOURCES = {
    "connectivity": _connectivity,
    "service_sla": _service_sla,
    "complaints": _complaints,
    "open_data": _open_data,
}


def system_evidence_offers(*, round: Round, start: date | None = None, end: date | None = None) -> list[Offer]:
    """The figures available for this round's framework over the period (default: the last 90 days)."""
    end = end or timezone.localdate()
    start = start or end - timedelta(days=90)
    offers = []
    for key, codes in _mapping(round).items():
        source = SOURCES.get(key)
        figure = source(start, end) if source else None
        if figure is not None:
            offers.append(Offer(key=key, title=figure[0], text=figure[1], period=f"{start} – {end}",
                                source="Simpul", item_codes=codes))
    return offers


def system_evidence_add(*, round: Round, key: str, actor: Any) -> Any:
    """Store one offered figure as evidence (kind 'system') linked to its indicators, with its period."""
    from django.core.exceptions import ValidationError

    offer = next((o for o in system_evidence_offers(round=round) if o.key == key), None)
    if offer is None:
        raise ValidationError(_("That figure is not available for this round."))
    items = list(Item.objects.filter(framework_id=round.framework_id, code__in=offer.item_codes))
    return evidence_add(round=round, kind=EvidenceKind.SYSTEM, title=offer.title, text=offer.text,
                        period=offer.period, source=offer.source, dated=timezone.localdate(), items=items,
                        actor=actor)
