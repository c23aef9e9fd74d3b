"""Pages of the infrastructure registry under /infrastruktur/.

Coverage summaries (kabupaten, kecamatan, OPD table, trends) are public; the registry itself (sites, links,
measurements, needs, planner, applications, import) is for staff with a verified second factor.
Every list page exports as CSV or XLSX with `?format=csv` / `?format=xlsx`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from simpul.accounts.models import Role
from simpul.accounts.permissions import require_staff_mfa
from simpul.core.models import AuditEntry
from simpul.infrastructure import selectors
from simpul.infrastructure.charts import bar_chart, line_chart
from simpul.infrastructure.charts import site_map as registry_map
from simpul.infrastructure.forms import IMPORT_HELP, ImportForm, PeriodForm, PlannerForm, TrendForm
from simpul.infrastructure.models import Site
from simpul.infrastructure.planner import plan_greedy, plan_ilp
from simpul.infrastructure.transfer import export_response, infrastructure_import
from simpul.regions.models import Region, RegionLevel

EXPORT_FORMATS = {"csv", "xlsx"}


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in EXPORT_FORMATS else None


def _period(request: HttpRequest) -> tuple[PeriodForm, datetime, datetime]:
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start_d, end_d = today - timedelta(days=30), today
    if form.is_valid():
        start_d, end_d = form.cleaned_data["start"], form.cleaned_data["end"]
    tz = timezone.get_current_timezone()
    start = datetime.combine(start_d, time.min, tzinfo=tz)
    end = min(timezone.now(), datetime.combine(end_d, time.max, tzinfo=tz))
    return form, start, end


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _coverage_rows_export(rows: list[selectors.CoverageRow]) -> list[list[Any]]:
    return [
        [r.region.code, r.region.name, r.villages, r.connected_villages, len(r.blank_spots), r.sites,
         r.connected_sites, "; ".join(f"{t} {n}" for t, n in r.technology_list), r.total_mbps, r.people,
         r.kbps_per_person, r.monthly_cost_idr, r.cost_per_mbps, _pct(r.availability), r.is_sample]
        for r in rows
    ]


COVERAGE_HEADER = ["code", "name", "villages", "connected_villages", "blank_spots", "sites", "connected_sites",
                   "technology_mix", "total_mbps", "people", "kbps_per_person", "monthly_cost_idr", "cost_per_mbps",
                   "availability_pct", "is_sample"]


def dashboard(request: HttpRequest) -> HttpResponse:
    """The kabupaten dashboard: one row per kecamatan (public summary)."""
    form, start, end = _period(request)
    rows = selectors.coverage_by_kecamatan(start=start, end=end)
    if fmt := _export_format(request):
        return export_response(filename="coverage-kecamatan", header=COVERAGE_HEADER,
                               rows=_coverage_rows_export(rows), fmt=fmt)
    total = selectors.coverage_total(rows)
    chart = bar_chart(
        title=_("Bandwidth per kecamatan (Mbps)"),
        desc=_("Total download bandwidth of active links per kecamatan; the table below has the same numbers."),
        items=[(r.region.name, float(r.total_mbps)) for r in rows], unit=" Mbps",
    )
    tech_chart = bar_chart(
        title=_("Links by technology"),
        desc=_("Number of active links per technology in the whole regency."),
        items=[(label, float(n)) for label, n in total.technology_list],
    )
    return render(request, "infrastructure/dashboard.html", {
        "rows": rows, "total": total, "form": form, "chart": chart, "tech_chart": tech_chart,
        "is_sample": total.is_sample, "start": start, "end": end,
    })


def kecamatan_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """One kecamatan: one row per desa/kelurahan (public summary)."""
    kecamatan = Region.objects.filter(code=code, level=RegionLevel.KECAMATAN).first()
    if kecamatan is None:
        raise Http404
    form, start, end = _period(request)
    rows = selectors.coverage_by_desa(kecamatan_code=code, start=start, end=end)
    if fmt := _export_format(request):
        return export_response(filename=f"coverage-{code}", header=COVERAGE_HEADER,
                               rows=_coverage_rows_export(rows), fmt=fmt)
    total = selectors.coverage_total(rows)
    chart = bar_chart(
        title=_("Bandwidth per village in {name} (Mbps)").format(name=kecamatan.name),
        desc=_("Total download bandwidth of active links per village; the table has the same numbers."),
        items=[(r.region.name, float(r.total_mbps)) for r in rows], unit=" Mbps",
    )
    return render(request, "infrastructure/kecamatan.html", {
        "kecamatan": kecamatan, "rows": rows, "total": total, "form": form, "chart": chart,
        "is_sample": total.is_sample or selectors.sample_data_shown(region_code=code),
        "is_staff_view": selectors.registry_readable_by(request.user),
    })


def opd_view(request: HttpRequest) -> HttpResponse:
    """OPD offices and their links: Table 1 of the paper with its totals (public)."""
    table = selectors.opd_links_table()
    if fmt := _export_format(request):
        return export_response(
            filename="opd-links", header=["agency", "fiber_mbps", "vsat_mbps", "other_mbps", "reported"],
            rows=[[r.site.name, r.fiber_mbps, r.vsat_mbps, r.other_mbps, r.reported] for r in table.rows], fmt=fmt,
        )
    return render(request, "infrastructure/opd.html", {
        "table": table, "is_sample": any(r.site.is_sample for r in table.rows)
    })


def trend_view(request: HttpRequest) -> HttpResponse:
    """Bandwidth and connected sites per kecamatan on two dates (public summary)."""
    form = TrendForm(request.GET or None)
    rows = None
    if form.is_valid():
        rows = selectors.coverage_trend(date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
        if fmt := _export_format(request):
            return export_response(
                filename="coverage-trend",
                header=["code", "name", "mbps_from", "mbps_to", "connected_from", "connected_to"],
                rows=[[r.region.code, r.region.name, r.mbps_from, r.mbps_to, r.connected_from, r.connected_to]
                      for r in rows], fmt=fmt,
            )
    return render(request, "infrastructure/trend.html", {
        "form": form, "rows": rows, "is_sample": selectors.sample_data_shown()
    })


@require_staff_mfa
def site_list_view(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    kind = request.GET.get("kind") or None
    sites = selectors.site_list(region_code=region, kind=kind)
    if fmt := _export_format(request):
        return export_response(
            filename="sites",
            header=["code", "name", "kind", "region_code", "agency_code", "latitude", "longitude", "staff_count",
                    "residents_served", "opening_hours", "source", "is_sample"],
            rows=[[s.code, s.name, s.kind, s.region_id, s.agency.code if s.agency else "", s.latitude, s.longitude,
                   s.staff_count, s.residents_served, s.opening_hours, s.source, s.is_sample] for s in sites],
            fmt=fmt,
        )
    sites = list(sites)
    groups, without_place = selectors.site_map(region_code=region, kind=kind)
    site_map = registry_map(
        title=_("Map of the registered sites"),
        desc=_("Each site at its coordinates: a green circle has an active link, a red square has none. Each "
               "kecamatan is outlined around its sites. The table below the map has the same counts."),
        groups=[(g.region.name, [(s.lat, s.lon, s.connected, s.site.name) for s in g.sites]) for g in groups],
    ) if groups else None
    return render(request, "infrastructure/site_list.html", {
        "sites": sites, "is_sample": any(s.is_sample for s in sites), "query": request.GET.urlencode(),
        "map": site_map, "map_groups": groups, "without_place": without_place,
    })


@require_staff_mfa
def link_list_view(request: HttpRequest) -> HttpResponse:
    links = selectors.link_list(region_code=request.GET.get("region") or None)
    if fmt := _export_format(request):
        return export_response(
            filename="links",
            header=["id", "site_code", "technology", "provider", "download_mbps", "upload_mbps", "burst_download_mbps",
                    "burst_upload_mbps", "monthly_cost_idr", "contract_start", "contract_end", "status", "source",
                    "is_sample"],
            rows=[[li.pk, li.site.code, li.technology, li.provider, li.download_mbps, li.upload_mbps,
                   li.burst_download_mbps, li.burst_upload_mbps, li.monthly_cost_idr, li.contract_start,
                   li.contract_end, li.status, li.source, li.is_sample] for li in links],
            fmt=fmt,
        )
    links = list(links)
    return render(request, "infrastructure/link_list.html", {
        "links": links, "is_sample": any(li.is_sample for li in links),
        "costs_missing": sum(1 for li in links if li.monthly_cost_idr is None),
    })


@require_staff_mfa
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        site = selectors.site_get(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    form, start, end = _period(request)
    measurements = selectors.measurement_list(site_id=site.pk, since=start, until=end)
    if fmt := _export_format(request):
        return export_response(
            filename=f"measurements-{site.code}",
            header=["link_id", "measured_at", "download_mbps", "upload_mbps", "latency_ms", "loss_pct", "available",
                    "http_status", "source", "probe_id"],
            rows=[[m.link_id, m.measured_at, m.download_mbps, m.upload_mbps, m.latency_ms, m.loss_pct, m.available,
                   m.http_status, m.source, m.probe_id] for m in measurements],
            fmt=fmt,
        )
    history = list(measurements[:200])
    latency = [(m.measured_at, float(m.latency_ms)) for m in history if m.latency_ms is not None]
    chart = line_chart(
        title=_("Latency of {site} (ms)").format(site=site.name),
        desc=_("Measured latency over the chosen period; the table below lists each measurement."),
        points=latency, unit=" ms",
    ) if latency else None
    needs = {n.site.pk: n for n in selectors.site_needs(region_code=site.region_id)}
    audit = AuditEntry.objects.filter(object_type="infrastructure.site", object_id=str(site.pk)).order_by("-id")[:20]
    return render(request, "infrastructure/site_detail.html", {
        "site": site, "links": list(site.links.all()), "options": list(site.upgrade_options.all()),
        "history": history, "chart": chart, "form": form, "need": needs.get(site.pk), "audit": audit,
        "is_sample": site.is_sample,
    })


@require_staff_mfa
def needs_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.shortfall_list(region_code=request.GET.get("region") or None)
    if fmt := _export_format(request):
        return export_response(
            filename="bandwidth-shortfall",
            header=["site_code", "site", "kind", "region_code", "people", "need_mbps", "current_mbps",
                    "shortfall_mbps", "is_sample"],
            rows=[[r.site.code, r.site.name, r.site.kind, r.site.region_id, r.people, r.need_mbps, r.current_mbps,
                   r.shortfall_mbps, r.site.is_sample] for r in rows],
            fmt=fmt,
        )
    return render(request, "infrastructure/needs.html", {
        "rows": rows, "standards": sorted(selectors.need_standards().values(), key=lambda s: s.site_kind),
        "is_sample": any(r.site.is_sample for r in rows),
    })


@require_staff_mfa
def planner_view(request: HttpRequest) -> HttpResponse:
    form = PlannerForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "is_sample": selectors.sample_data_shown()}
    if form.is_valid():
        budget = form.cleaned_data["budget"]
        horizon = form.cleaned_data["horizon_months"]
        sites = selectors.planner_sites(region_code=form.cleaned_data["region"] or None)
        ilp = plan_ilp(sites, budget=budget, horizon_months=horizon)
        greedy = plan_greedy(sites, budget=budget, horizon_months=horizon)
        plan = selectors.plan_comparison(sites=sites, exact=ilp, greedy=greedy, horizon=horizon)
        if fmt := _export_format(request):
            return export_response(
                filename="upgrade-plan",
                header=["site_code", "site", "kecamatan", "technology", "resulting_mbps", "people",
                        "cost_over_horizon_idr"],
                rows=[[r.site.code if r.site else "", r.site.name if r.site else "",
                       r.kecamatan.name if r.kecamatan else "", r.option.technology, r.option.resulting_mbps,
                       r.people, r.cost] for r in plan.rows],
                fmt=fmt,
            )
        context.update({
            "ilp": ilp, "greedy": greedy, "plan": plan, "horizon": horizon, "budget": budget,
            "people_total": sum(s.people for s in sites), "difference_chart": None if plan.identical else bar_chart(
                title=_("What differs: people reached by the upgrades only one method chooses"),
                desc=_("People served at their need by the upgrades that only the optimal plan chooses, and by "
                       "those that only the greedy baseline chooses; the table below lists them with their cost."),
                items=[(_("Only the optimal plan"), float(plan.only_exact_people)),
                       (_("Only the greedy one"), float(plan.only_greedy_people))],
            ),
        })
    return render(request, "infrastructure/planner.html", context)


@require_staff_mfa
def application_list_view(request: HttpRequest) -> HttpResponse:
    apps = list(selectors.application_list())
    if fmt := _export_format(request):
        return export_response(
            filename="applications",
            header=["code", "name", "purpose", "owner_agency", "hosting", "url", "integrates_with", "status",
                    "health_check", "down_since", "last_checked_at", "last_response_ms", "source", "is_sample"],
            rows=[[a.code, a.name, a.purpose, a.owner_agency.code if a.owner_agency else "",
                   a.hosting_site.name if a.hosting_site else a.hosting_note, a.url,
                   "; ".join(i.code for i in a.integrates_with.all()), a.status, a.health_check_enabled,
                   a.down_since, a.last_checked_at, a.last_response_ms, a.source, a.is_sample] for a in apps],
            fmt=fmt,
        )
    return render(request, "infrastructure/applications.html", {
        "applications": apps, "is_sample": any(a.is_sample for a in apps),
    })


@require_staff_mfa(roles={Role.PLATFORM_ADMIN})
def import_view(request: HttpRequest) -> HttpResponse:
    if not selectors.registry_writable_by(request.user):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = infrastructure_import(actor=request.user, kind=form.cleaned_data["kind"], data=upload.read(),
                                           filename=upload.name)
    else:
        form = ImportForm()
    return render(request, "infrastructure/import.html", {
        "form": form, "report": report, "columns": IMPORT_HELP, "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    })
