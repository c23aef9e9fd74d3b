"""Reads and analysis of the infrastructure registry, shared by pages, the API and open data.

Access: the registry (sites, links, measurements, applications, needs, planner) is internal to staff and API
clients with the `infrastructure:read` scope — `registry_readable_by` says who; coverage summaries per kabupaten,
kecamatan and the OPD table are public aggregates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.core.actors import Actor
from simpul.infrastructure.analysis import availability
from simpul.infrastructure.models import (
    Application,
    ApplicationCheck,
    Link,
    LinkStatus,
    LinkTechnology,
    Measurement,
    NeedStandard,
    Site,
    SiteKind,
    UpgradeOption,
)
from simpul.infrastructure.planner import Option, PlanResult, PlanSite
from simpul.regions.models import Region, RegionLevel
from simpul.regions.selectors import in_region


def registry_readable_by(user: Any) -> bool:
    """Staff (any staff role) may read the registry; citizens and anonymous visitors only see coverage summaries."""
    return bool(Actor.of(user).is_person and getattr(user, "is_staff_role", False))


def registry_writable_by(user: Any) -> bool:
    """Platform admins change the registry (imports, health-check addresses)."""
    return bool(
        Actor.of(user).is_person
        and (user.is_superuser or user.role == Role.PLATFORM_ADMIN)
    )


def probe_max_gap() -> timedelta:
    return timedelta(minutes=settings.INFRASTRUCTURE_PROBE_MAX_GAP_MINUTES)


# --- plain lists -------------------------------------------------------------------------------------------



def site_list(*, region_code: str | None = None, kind: str | None = None) -> QuerySet[Site]:
    qs = Site.objects.select_related("region", "agency")
    if region_code:
        qs = qs.filter(in_region(region_code))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("region_id", "name")


def site_get(*, pk: int) -> Site:
    """One site with its links (raises Site.DoesNotExist)."""
    return (
        Site.objects.select_related("region", "agency")
        .prefetch_related(Prefetch("links", queryset=Link.objects.order_by("status", "-download_mbps")),
                          "upgrade_options")
        .get(pk=pk)
    )


def link_list(*, site_id: int | None = None, region_code: str | None = None) -> QuerySet[Link]:
    qs = Link.objects.select_related("site", "site__region")
    if site_id:
        qs = qs.filter(site_id=site_id)
    if region_code:
        qs = qs.filter(in_region(region_code, field="site__region"))
    return qs.order_by("site__region_id", "site__name", "id")


def measurement_list(
    *, link_id: int | None = None, site_id: int | None = None, since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Measurement]:
    qs = Measurement.objects.select_related("link", "link__site")
    if link_id:
        qs = qs.filter(link_id=link_id)
    if site_id:
        qs = qs.filter(link__site_id=site_id)
    if since:
        qs = qs.filter(measured_at__gte=since)
    if until:
        qs = qs.filter(measured_at__lt=until)
    return qs.order_by("-measured_at", "-id")


def application_list() -> QuerySet[Application]:
    """Applications with their owner, host, integrations and the time and response time of the last check."""
    last = ApplicationCheck.objects.filter(application=OuterRef("pk")).order_by("-checked_at")
    return (
        Application.objects.select_related("owner_agency", "hosting_site")
        .prefetch_related("integrates_with")
        .annotate(last_checked_at=Subquery(last.values("checked_at")[:1]),
                  last_response_ms=Subquery(last.values("response_ms")[:1]))
        .order_by("name")
    )


def upgrade_option_list(*, region_code: str | None = None) -> QuerySet[UpgradeOption]:
    qs = UpgradeOption.objects.select_related("site", "site__region")
    if region_code:
        qs = qs.filter(in_region(region_code, field="site__region"))
    return qs.order_by("site__region_id", "site__name", "one_off_cost_idr")


def need_standards(*, on: date | None = None) -> dict[str, NeedStandard]:
    """The standard in force per site kind on a date (the latest `valid_from` not after it)."""
    on = on or timezone.localdate()
    current: dict[str, NeedStandard] = {}
    for std in NeedStandard.objects.filter(valid_from__lte=on).order_by("site_kind", "-valid_from"):
        current.setdefault(std.site_kind, std)
    return current


# --- per-site bandwidth and need ---------------------------------------------------------------------------


def _active_bandwidth(site_ids: list[int] | None = None) -> dict[int, Decimal]:
    qs = Link.objects.filter(status=LinkStatus.ACTIVE)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    out: dict[int, Decimal] = defaultdict(Decimal)
    for site_id, mbps in qs.values_list("site_id", "download_mbps"):
        out[site_id] += mbps
    return out


@dataclass
class SiteNeed:
    site: Site
    need_mbps: Decimal | None  # None: no standard for this kind
    current_mbps: Decimal
    shortfall_mbps: Decimal

    @property
    def people(self) -> int:
        return self.site.people_served


def site_needs(*, region_code: str | None = None, on: date | None = None) -> list[SiteNeed]:
    """Every site with its need (from the standard of its kind), current bandwidth and shortfall."""
    standards = need_standards(on=on)
    sites = list(site_list(region_code=region_code))
    bw = _active_bandwidth([s.pk for s in sites])
    rows = []
    for s in sites:
        std = standards.get(s.kind)
        need = std.need_for(staff=s.staff_count, residents=s.residents_served) if std else None
        current = bw.get(s.pk, Decimal("0"))
        shortfall = max(Decimal("0"), need - current) if need is not None else Decimal("0")
        rows.append(SiteNeed(site=s, need_mbps=need, current_mbps=current, shortfall_mbps=shortfall))
    return rows


def shortfall_list(*, region_code: str | None = None, on: date | None = None) -> list[SiteNeed]:
    """Sites under their need, the largest shortfall first (ties: more people first, then name)."""
    rows = [r for r in site_needs(region_code=region_code, on=on) if r.shortfall_mbps > 0]
    rows.sort(key=lambda r: (-r.shortfall_mbps, -r.people, r.site.name))
    return rows


# --- coverage ----------------------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    region: Region
    villages: int = 0
    connected_villages: int = 0
    blank_spots: list[Region] = field(default_factory=list)
    sites: int = 0
    connected_sites: int = 0
    technology_mix: Counter[str] = field(default_factory=Counter)
    total_mbps: Decimal = Decimal("0")
    people: int = 0
    monthly_cost_idr: int = 0
    costed_mbps: Decimal = Decimal("0")
    availability: float | None = None
    availability_known: float = 0.0
    is_sample: bool = False

    @property
    def connected(self) -> bool:
        return self.connected_sites > 0

    @property
    def kbps_per_person(self) -> Decimal | None:
        if not self.people:
            return None
        return (self.total_mbps * 1000 / self.people).quantize(Decimal("0.1"))

    @property
    def cost_per_mbps(self) -> int | None:
        if not self.costed_mbps:
            return None
        return int(Decimal(self.monthly_cost_idr) / self.costed_mbps)

    @property
    def technology_list(self) -> list[tuple[str, int]]:
        labels = dict(LinkTechnology.choices)
        return [(str(labels.get(t, t)), n) for t, n in sorted(self.technology_mix.items())]


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    end = end or timezone.now()
    start = start or end - timedelta(days=30)
    return start, end


def _availability_by_site(
    site_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[list[tuple[datetime, bool]]]]:
    """Probe results per site in the period (one query), per link: (time, up) samples, oldest first."""
    series: dict[int, list[list[tuple[datetime, bool]]]] = defaultdict(list)
    rows = Measurement.objects.filter(
        link__site_id__in=site_ids, available__isnull=False, measured_at__gte=start - probe_max_gap(),
        measured_at__lt=end,
    ).values_list("link__site_id", "link_id", "measured_at", "available")
    per_link: dict[tuple[int, int], list[tuple[datetime, bool]]] = defaultdict(list)
    for site_id, link_id, at, up in rows:
        per_link[(site_id, link_id)].append((at, bool(up)))
    for (site_id, _link_id), samples in per_link.items():
        series[site_id].append(samples)
    return series


def _combine_availability(series: list[list[tuple[datetime, bool]]], start: datetime, end: datetime) -> tuple[
    float | None, float]:
    up = known = 0.0
    period = (end - start).total_seconds()
    for samples in series:
        a = availability(samples, start=start, end=end, max_gap=probe_max_gap())
        up += a.up_seconds
        known += a.known_seconds
    if not series:
        return None, 0.0
    return (up / known if known else None), known / (period * len(series))


def _coverage(
    *, area_codes: list[Region], depth_key: Any, start: datetime | None, end: datetime | None, root: str
) -> list[CoverageRow]:
    start, end = _period(start, end)
    rows = {r.code: CoverageRow(region=r) for r in area_codes}
    villages = Region.objects.filter(code__startswith=f"{root}.", level=RegionLevel.DESA)
    village_rows: dict[str, str] = {}
    for v in villages:
        key = depth_key(v.code)
        if key in rows:
            rows[key].villages += 1
            village_rows[v.code] = key
    sites = list(Site.objects.filter(Q(region_id=root) | Q(region__code__startswith=f"{root}.")).only(
        "id", "region_id", "staff_count", "residents_served", "is_sample", "kind"))
    links = Link.objects.filter(site__in=[s.pk for s in sites], status=LinkStatus.ACTIVE).values_list(
        "site_id", "technology", "download_mbps", "monthly_cost_idr")
    by_site_links: dict[int, list[tuple[str, Decimal, int | None]]] = defaultdict(list)
    for site_id, tech, mbps, cost in links:
        by_site_links[site_id].append((tech, mbps, cost))
    avail = _availability_by_site([s.pk for s in sites], start, end)
    connected_villages: dict[str, set[str]] = defaultdict(set)
    series_per_row: dict[str, list[list[tuple[datetime, bool]]]] = defaultdict(list)
    for s in sites:
        key = depth_key(s.region_id)
        if key not in rows:
            continue
        row = rows[key]
        row.sites += 1
        row.people += s.people_served
        row.is_sample = row.is_sample or s.is_sample
        site_links = by_site_links.get(s.pk, [])
        if any(mbps > 0 for _t, mbps, _c in site_links):
            row.connected_sites += 1
            if s.region_id in village_rows:
                connected_villages[key].add(s.region_id)
        for tech, mbps, cost in site_links:
            row.technology_mix[tech] += 1
            row.total_mbps += mbps
            if cost is not None:
                row.monthly_cost_idr += cost
                row.costed_mbps += mbps
        series_per_row[key].extend(avail.get(s.pk, []))
    for v in villages:
        key = village_rows.get(v.code)
        if key is None:
            continue
        if v.code in connected_villages[key]:
            rows[key].connected_villages += 1
        else:
            rows[key].blank_spots.append(v)
    for key, row in rows.items():
        row.availability, row.availability_known = _combine_availability(series_per_row.get(key, []), start, end)
    return list(rows.values())


def coverage_by_kecamatan(
    *, kabupaten_code: str | None = None, start: datetime | None = None, end: datetime | None = None
) -> list[CoverageRow]:
    """One row per kecamatan of the kabupaten: villages connected or blank, technology mix, bandwidth, cost,
    availability over the period (default: the last 30 days)."""
    root = kabupaten_code or settings.SIMPUL_KABUPATEN_CODE
    kecamatan = list(Region.objects.filter(parent_id=root, level=RegionLevel.KECAMATAN).order_by("code"))
    return _coverage(
        area_codes=kecamatan, depth_key=lambda code: ".".join(code.split(".")[:3]), start=start, end=end, root=root
    )


def coverage_by_desa(
    *, kecamatan_code: str, start: datetime | None = None, end: datetime | None = None
) -> list[CoverageRow]:
    """One row per desa/kelurahan of a kecamatan (sites at the kecamatan office itself are not in any row)."""
    desa = list(Region.objects.filter(parent_id=kecamatan_code, level=RegionLevel.DESA).order_by("code"))
    return _coverage(area_codes=desa, depth_key=lambda code: code, start=start, end=end, root=kecamatan_code)


def coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    """The sum of coverage rows (availability weighted by known time)."""
    total = CoverageRow(region=Region(code="", name=""))
    weighted = known = 0.0
    for r in rows:
        total.villages += r.villages
        total.connected_villages += r.connected_villages
        total.blank_spots.extend(r.blank_spots)
        total.sites += r.sites
        total.connected_sites += r.connected_sites
        total.technology_mix.update(r.technology_mix)
        total.total_mbps += r.total_mbps
        total.people += r.people
        total.monthly_cost_idr += r.monthly_cost_idr
        total.costed_mbps += r.costed_mbps
        total.is_sample = total.is_sample or r.is_sample
        if r.availability is not None:
            weighted += r.availability * r.availability_known
            known += r.availability_known
    total.availability = weighted / known if known else None
    return total


# --- Table 1: the OPD view ---------------------------------------------------------------------------------


@dataclass
class OpdRow:
    site: Site
    fiber_mbps: Decimal | None
    vsat_mbps: Decimal | None
    other_mbps: Decimal | None

    @property
    def reported(self) -> bool:
        return self.fiber_mbps is not None or self.vsat_mbps is not None or self.other_mbps is not None


@dataclass
class OpdTable:
    rows: list[OpdRow]
    fiber_total: Decimal
    vsat_total: Decimal
    other_total: Decimal
    reporting: int
    not_reported: list[Site]
    vsat_links: int


def opd_links_table() -> OpdTable:
    """OPD offices and their active links per technology (Table 1 of the paper when the demo is loaded)."""
    sites = list(Site.objects.filter(kind=SiteKind.OPD_OFFICE).select_related("agency").order_by("id"))
    per: dict[int, dict[str, Decimal]] = defaultdict(dict)
    vsat_links = 0
    for site_id, tech, mbps in Link.objects.filter(
        site__kind=SiteKind.OPD_OFFICE, status=LinkStatus.ACTIVE
    ).values_list("site_id", "technology", "download_mbps"):
        bucket = tech if tech in (LinkTechnology.FIBER, LinkTechnology.VSAT) else "other"
        per[site_id][bucket] = per[site_id].get(bucket, Decimal("0")) + mbps
        if tech == LinkTechnology.VSAT:
            vsat_links += 1
    rows = [
        OpdRow(site=s, fiber_mbps=per[s.pk].get(LinkTechnology.FIBER), vsat_mbps=per[s.pk].get(LinkTechnology.VSAT),
               other_mbps=per[s.pk].get("other"))
        for s in sites
    ]
    return OpdTable(
        rows=rows,
        fiber_total=sum((r.fiber_mbps or Decimal("0") for r in rows), Decimal("0")),
        vsat_total=sum((r.vsat_mbps or Decimal("0") for r in rows), Decimal("0")),
        other_total=sum((r.other_mbps or Decimal("0") for r in rows), Decimal("0")),
        reporting=sum(1 for r in rows if r.reported),
        not_reported=[r.site for r in rows if not r.reported],
        vsat_links=vsat_links,
    )


# --- trends ------------------------------------------------------------------------------------------------


@dataclass
class TrendRow:
    region: Region
    mbps_from: Decimal
    mbps_to: Decimal
    connected_from: int
    connected_to: int

    @property
    def mbps_change(self) -> Decimal:
        return self.mbps_to - self.mbps_from


def _link_in_force(link: Mapping[str, Any], on: date) -> bool:
    if link["status"] == LinkStatus.PLANNED:
        return False
    if link["contract_start"] and link["contract_start"] > on:
        return False
    if link["contract_end"]:
        return bool(link["contract_end"] >= on)
    return bool(link["status"] != LinkStatus.ENDED)


def coverage_trend(*, date_from: date, date_to: date, kabupaten_code: str | None = None) -> list[TrendRow]:
    """Bandwidth in force and connected sites per kecamatan on two dates, from link contract dates."""
    root = kabupaten_code or settings.SIMPUL_KABUPATEN_CODE
    kecamatan = list(Region.objects.filter(parent_id=root, level=RegionLevel.KECAMATAN).order_by("code"))
    rows = {k.code: TrendRow(region=k, mbps_from=Decimal("0"), mbps_to=Decimal("0"), connected_from=0,
                             connected_to=0) for k in kecamatan}
    links = Link.objects.filter(site__region__code__startswith=f"{root}.").values(
        "site_id", "site__region_id", "status", "contract_start", "contract_end", "download_mbps")
    seen_from: set[int] = set()
    seen_to: set[int] = set()
    for link in links:
        key = ".".join(link["site__region_id"].split(".")[:3])
        if key not in rows:
            continue
        if _link_in_force(link, date_from):
            rows[key].mbps_from += link["download_mbps"]
            if link["site_id"] not in seen_from:
                seen_from.add(link["site_id"])
                rows[key].connected_from += 1
        if _link_in_force(link, date_to):
            rows[key].mbps_to += link["download_mbps"]
            if link["site_id"] not in seen_to:
                seen_to.add(link["site_id"])
                rows[key].connected_to += 1
    return list(rows.values())


# --- planner input -----------------------------------------------------------------------------------------


def planner_sites(*, region_code: str | None = None, on: date | None = None) -> list[PlanSite]:
    """The planner's instance: every site with its people, need, current bandwidth and candidate options."""
    needs = site_needs(region_code=region_code, on=on)
    options: dict[int, list[Option]] = defaultdict(list)
    for o in upgrade_option_list(region_code=region_code):
        options[o.site_id].append(Option(
            key=str(o.pk), one_off_cost=o.one_off_cost_idr, monthly_cost=o.monthly_cost_idr,
            resulting_mbps=float(o.resulting_mbps), technology=o.technology,
        ))
    return [
        PlanSite(key=str(n.site.pk), people=n.people, need_mbps=float(n.need_mbps),
                 current_mbps=float(n.current_mbps), options=tuple(options.get(n.site.pk, ())))
        for n in needs
        if n.need_mbps is not None
    ]


def sample_data_shown(*, region_code: str | None = None) -> bool:
    """Whether any site shown for this area is sample data (pages then show the sample banner)."""
    return site_list(region_code=region_code).filter(is_sample=True).exists()


@dataclass(frozen=True)
class Extent:
    """The bounding box of the registered sites with coordinates (degrees, WGS 84)."""

    min_lat: Decimal
    min_lon: Decimal
    max_lat: Decimal
    max_lon: Decimal

    @property
    def centre(self) -> tuple[Decimal, Decimal]:
        return (self.min_lat + self.max_lat) / 2, (self.min_lon + self.max_lon) / 2


def sites_extent() -> Extent | None:
    """Where the regency's registered sites lie (None without two sites with coordinates)."""
    found = Site.objects.filter(latitude__isnull=False, longitude__isnull=False).aggregate(
        n=Count("id"), min_lat=Min("latitude"), min_lon=Min("longitude"), max_lat=Max("latitude"),
        max_lon=Max("longitude"))
    if (found["n"] or 0) < 2:
        return None
    return Extent(found["min_lat"], found["min_lon"], found["max_lat"], found["max_lon"])


@dataclass
class PlanRow:
    """One chosen upgrade of a plan, with where the site is (its kecamatan: two villages may share a name)."""

    site: Site | None
    kecamatan: Region | None
    option: Option
    technology: str
    people: int
    cost: int


@dataclass
class PlanComparison:
    """The exact plan's upgrades, and what differs from the greedy baseline: the upgrades only one of them
    chooses (a site upgraded by both with another technology is in both lists), with their cost and people."""

    rows: list[PlanRow]
    only_exact: list[PlanRow]
    only_greedy: list[PlanRow]
    shared: int

    @property
    def identical(self) -> bool:
        return not self.only_exact and not self.only_greedy

    @staticmethod
    def _sum(rows: list[PlanRow], name: str) -> int:
        return sum(getattr(r, name) for r in rows)

    @property
    def only_exact_cost(self) -> int:
        return self._sum(self.only_exact, "cost")

    @property
    def only_exact_people(self) -> int:
        return self._sum(self.only_exact, "people")

    @property
    def only_greedy_cost(self) -> int:
        return self._sum(self.only_greedy, "cost")

    @property
    def only_greedy_people(self) -> int:
        return self._sum(self.only_greedy, "people")


def plan_comparison(*, sites: list[PlanSite], exact: PlanResult, greedy: PlanResult, horizon: int
                    ) -> PlanComparison:
    """The rows of the exact plan and of the differences from the greedy one (one query for the sites)."""
    keys = {int(k) for k in (*exact.chosen, *greedy.chosen)}
    found = {str(s.pk): s for s in Site.objects.filter(pk__in=keys).select_related("region__parent")}
    options = {o.key: o for s in sites for o in s.options}
    people = {s.key: s.people for s in sites}
    labels = dict(LinkTechnology.choices)

    def kecamatan(site: Site | None) -> Region | None:
        if site is None:
            return None
        region = site.region
        return region.parent if region.level == RegionLevel.DESA else region if \
            region.level == RegionLevel.KECAMATAN else None

    def rows(pairs: set[tuple[str, str]]) -> list[PlanRow]:
        out = []
        for site_key, option_key in pairs:
            option, site = options[option_key], found.get(site_key)
            out.append(PlanRow(site=site, kecamatan=kecamatan(site), option=option,
                               technology=str(labels.get(option.technology, option.technology)),
                               people=people[site_key], cost=option.cost(horizon)))
        return sorted(out, key=lambda r: (-r.people, r.site.name if r.site else "", r.cost))

    exact_pairs, greedy_pairs = set(exact.chosen.items()), set(greedy.chosen.items())
    return PlanComparison(rows=rows(exact_pairs), only_exact=rows(exact_pairs - greedy_pairs),
                          only_greedy=rows(greedy_pairs - exact_pairs), shared=len(exact_pairs & greedy_pairs))


@dataclass
class MapSite:
    site: Site
    lat: float
    lon: float
    connected: bool


@dataclass
class MapKecamatan:
    """A kecamatan on the registry map: its sites with coordinates (their outline is the convex hull of these:
    no kecamatan boundaries are shipped as data)."""

    region: Region
    sites: list[MapSite] = field(default_factory=list)

    @property
    def connected(self) -> int:
        return sum(1 for s in self.sites if s.connected)

    @property
    def unconnected(self) -> int:
        return len(self.sites) - self.connected


def site_map(*, region_code: str | None = None, kind: str | None = None) -> tuple[list[MapKecamatan], int]:
    """The sites with coordinates grouped by kecamatan (sorted by name), and how many sites have none (two
    queries). A site counts as connected with an active link."""
    active = Link.objects.filter(site=OuterRef("pk"), status=LinkStatus.ACTIVE)
    qs = site_list(region_code=region_code, kind=kind).select_related("region__parent").annotate(
        is_connected=Exists(active))
    groups: dict[str, MapKecamatan] = {}
    missing = 0
    for site in qs:
        if site.latitude is None or site.longitude is None:
            missing += 1
            continue
        region = site.region
        kecamatan = region.parent if region.level == RegionLevel.DESA and region.parent else region
        group = groups.setdefault(kecamatan.code, MapKecamatan(region=kecamatan))
        group.sites.append(MapSite(site=site, lat=float(site.latitude), lon=float(site.longitude),
                                   connected=bool(site.is_connected)))
    return sorted(groups.values(), key=lambda g: g.region.name), missing
