"""Datasets generated from Simpul's own data: the table builders and the metadata of each (data, not code).

`GENERATED[slug]` holds a dataset's metadata (Satu Data Indonesia fields, MS-Keg/Var/Ind) and its builder.
A builder returns a `Table`; counts pass through `simpul.opendata.suppression` before they leave here.
Refreshed by the periodic job `opendata.refresh_generated` (`schedule.py`) and by `simpul.opendata.reference`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from simpul.cases.constants import CaseStatus
from simpul.cases.models import Case
from simpul.catalog.models import Service
from simpul.core.calendar import working_days_between
from simpul.infrastructure.selectors import coverage_by_desa
from simpul.opendata import suppression as sup
from simpul.opendata.tables import Table
from simpul.regions.models import Region, RegionLevel

MONTHS_BACK = 36
UNKNOWN_KECAMATAN = "(tidak diketahui)"
DEFAULT_CATEGORY = "lainnya"
RULE_ID = (
    "Angka 1 sampai 4 tidak ditampilkan (kosong, tanda \"<5\") agar tidak ada orang yang dapat dikenali. "
    "Persentase dan median hanya ditampilkan untuk kelompok dengan paling sedikit 5 kasus. Tabel tidak memuat "
    "baris jumlah atau subtotal. Bila tabel lain memuat jumlah dari sekelompok sel, sel terkecil lain dalam "
    "kelompok itu ikut disembunyikan sampai paling sedikit dua sel tersembunyi yang bersama-sama berisi 5 atau "
    "lebih, sehingga angka kecil tidak dapat dihitung dari selisih jumlah."
)


def _since() -> Any:
    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    year, month = divmod(first.year * 12 + first.month - 1 - MONTHS_BACK, 12)
    return timezone.make_aware(timezone.datetime(year, month + 1, 1))


def _month(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m") if hasattr(value, "tzinfo") and value.tzinfo else \
        value.strftime("%Y-%m")


def _kecamatan_names() -> dict[str, str]:
    return dict(Region.objects.filter(
        level=RegionLevel.KECAMATAN, code__startswith=settings.SIMPUL_KABUPATEN_CODE + ".",
    ).values_list("code", "name"))


def _service_info() -> dict[str, tuple[str, str, str]]:
    """service code -> (name, kind, complaint category) from the current version."""
    info = {}
    for service in Service.objects.select_related("current_version"):
        version = service.current_version
        if version is not None:
            info[service.code] = (version.name_id, version.kind, version.complaint_category or DEFAULT_CATEGORY)
    return info


def _complaint_counts() -> tuple[list[dict[str, Any]], dict[str, tuple[str, str, str]]]:
    """Raw (unsuppressed) counts of cases per month, service and kecamatan."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    rows = (
        Case.objects.filter(submitted_at__gte=_since())
        .annotate(month=TruncMonth("submitted_at")).values("month", "service_code", "kecamatan_code")
        .annotate(n=Count("id")).order_by()
    )
    for row in rows:
        counts[(_month(row["month"]), row["service_code"], row["kecamatan_code"] or "")] += row["n"]
    info = _service_info()
    names = _kecamatan_names()
    out = []
    for (month, code, kecamatan), n in sorted(counts.items()):
        name, kind, category = info.get(code, (code, "", DEFAULT_CATEGORY))
        out.append({
            "bulan": month, "kode_layanan": code, "nama_layanan": name, "jenis_layanan": kind,
            "kategori_pengaduan": category if kind == "pengaduan" else "",
            "kode_kecamatan": kecamatan, "nama_kecamatan": names.get(kecamatan, UNKNOWN_KECAMATAN),
            "jumlah_kasus": n,
        })
    return out, info


def cases_per_service_kecamatan() -> Table:
    rows, _info = _complaint_counts()
    sup.suppress_cells(
        rows, column="jumlah_kasus",
        group=lambda r: (r["kategori_pengaduan"], r["bulan"]) if r["jenis_layanan"] == "pengaduan" else None,
    )
    columns = ["bulan", "kode_layanan", "nama_layanan", "jenis_layanan", "kode_kecamatan", "nama_kecamatan",
               "jumlah_kasus", "jumlah_kasus_flag"]
    return Table(columns, rows)


def complaints_per_category() -> Table:
    rows, _info = _complaint_counts()
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        if row["jenis_layanan"] == "pengaduan":
            totals[(row["bulan"], row["kategori_pengaduan"])] += row["jumlah_kasus"]
    out = [{"bulan": m, "kategori": c, "jumlah_pengaduan": n} for (m, c), n in sorted(totals.items())]
    sup.suppress_cells(out, column="jumlah_pengaduan")
    return Table(["bulan", "kategori", "jumlah_pengaduan", "jumlah_pengaduan_flag"], out)


def sla_per_agency() -> Table:
    groups: dict[tuple[str, str, str], list[tuple[bool, int]]] = defaultdict(list)
    closed = (
        Case.objects.filter(closed_at__gte=_since()).exclude(status=CaseStatus.DIBATALKAN)
        .values_list("closed_at", "submitted_at", "due_date", "agency__code", "agency__name")
    )
    for closed_at, submitted_at, due_date, code, name in closed.iterator():
        closed_day = timezone.localtime(closed_at).date()
        days = working_days_between(timezone.localtime(submitted_at).date(), closed_day)
        groups[(closed_day.strftime("%Y-%m"), code, name)].append((closed_day <= due_date, max(days, 0)))
    rows = []
    for (month, code, name), items in sorted(groups.items()):
        n = len(items)
        rate, flag = sup.guarded(round(100 * sum(1 for ok, _d in items if ok) / n, 1), n)
        median, _flag = sup.guarded(statistics.median(d for _ok, d in items), n)
        rows.append({"bulan": month, "kode_opd": code, "nama_opd": name, "jumlah_selesai": n,
                     "persen_tepat_waktu": rate, "median_hari_kerja": median, "indikator_flag": flag})
    sup.suppress_cells(rows, column="jumlah_selesai")
    return Table(["bulan", "kode_opd", "nama_opd", "jumlah_selesai", "jumlah_selesai_flag", "persen_tepat_waktu",
                  "median_hari_kerja", "indikator_flag"], rows)


def connectivity_per_desa() -> Table:
    names = _kecamatan_names()
    rows = []
    for kecamatan_code, kecamatan_name in sorted(names.items()):
        for row in coverage_by_desa(kecamatan_code=kecamatan_code):
            rows.append({
                "kode_desa": row.region.code, "nama_desa": row.region.name, "kode_kecamatan": kecamatan_code,
                "nama_kecamatan": kecamatan_name, "jumlah_lokasi": row.sites, "lokasi_terhubung": row.connected_sites,
                "terhubung": "ya" if row.connected else "tidak", "total_mbps": float(row.total_mbps),
                "ketersediaan_persen": None if row.availability is None else round(100 * row.availability, 1),
            })
    return Table(["kode_desa", "nama_desa", "kode_kecamatan", "nama_kecamatan", "jumlah_lokasi", "lokasi_terhubung",
                  "terhubung", "total_mbps", "ketersediaan_persen"], rows)


def months_period(table: Table) -> tuple[date, date]:
    """The period a monthly table covers: from its first month (or the window's start when it has no rows yet)
    to today."""
    months = [r["bulan"] for r in table.rows if isinstance(r.get("bulan"), str)]
    start = date.fromisoformat(f"{min(months)}-01") if months else _since().date()
    return start, timezone.localdate()


def monitoring_period(table: Table) -> tuple[date, date]:
    """A snapshot of the registry with availability over the last 30 days."""
    today = timezone.localdate()
    return today - timedelta(days=30), today


@dataclass(frozen=True)
class Generated:
    build: Callable[[], Table]
    metadata: dict[str, Any] = field(default_factory=dict)
    period: Callable[[Table], tuple[date, date]] = months_period


def _var(name: str, definition: str, kind: str = "string", unit: str = "", reference: str = "") -> dict[str, str]:
    return {"name": name, "definition": definition, "type": kind, "unit": unit, "reference": reference}


def _flag(column: str) -> dict[str, str]:
    return _var(f"{column}_flag", f"\"<5\" bila angka {column} disembunyikan (aturan sel kecil), selain itu kosong.")


_MONTH = _var("bulan", "Bulan (YYYY-MM, waktu Indonesia Barat) saat kasus diajukan.")
_KEG = {
    "judul": "Statistik sektoral layanan publik Simpul",
    "penyelenggara": "Dinas Komunikasi dan Informatika",
    "cara_pengumpulan": "Data administrasi (registrasi) dari sistem Simpul, dihitung otomatis",
    "jenis_statistik": "Statistik sektoral",
    "tujuan": "Menyediakan data terbuka tentang layanan publik kabupaten sesuai prinsip Satu Data Indonesia",
    "cakupan": "Seluruh kasus yang diajukan melalui Simpul (web, operator desa, API)",
}

GENERATED: dict[str, Generated] = {
    "kasus-per-layanan-kecamatan-bulanan": Generated(cases_per_service_kecamatan, {
        "title_id": "Jumlah kasus per layanan per kecamatan per bulan",
        "title_en": "Cases per service per kecamatan per month",
        "description_id": "Banyaknya permohonan, perizinan, pengaduan dan permintaan informasi yang diajukan, "
                          "per layanan, per kecamatan lokasi, per bulan.",
        "description_en": "Applications, permits, complaints and information requests submitted, per service, "
                          "kecamatan and month.",
        "theme": "pemerintahan", "update_frequency": "daily", "keywords": ["layanan publik", "kecamatan", "kasus"],
        "reference_codes": ["kemendagri-wilayah", "simpul-layanan"],
        "ms_keg": _KEG,
        "ms_var": [_MONTH, _var("kode_layanan", "Kode layanan pada katalog Simpul.", reference="simpul-layanan"),
                   _var("nama_layanan", "Nama layanan."),
                   _var("jenis_layanan", "permohonan, perizinan, pengaduan atau informasi."),
                   _var("kode_kecamatan", "Kode kecamatan Kemendagri lokasi pemohon.",
                        reference="kemendagri-wilayah"),
                   _var("nama_kecamatan", "Nama kecamatan."),
                   _var("jumlah_kasus", "Banyaknya kasus yang diajukan.", "integer", "kasus"),
                   _flag("jumlah_kasus")],
        "ms_ind": [],
    }),
    "kinerja-sla-opd-bulanan": Generated(sla_per_agency, {
        "title_id": "Kinerja waktu layanan per OPD per bulan",
        "title_en": "Service time performance per agency per month",
        "description_id": "Kasus yang selesai per OPD per bulan, persentase yang selesai dalam standar waktu "
                          "layanan, dan median lama penanganan dalam hari kerja.",
        "description_en": "Cases closed per agency and month, the share closed within the service standard, and "
                          "the median handling time in working days.",
        "theme": "pemerintahan", "update_frequency": "daily", "keywords": ["SLA", "kinerja", "OPD"],
        "reference_codes": ["simpul-opd"],
        "ms_keg": _KEG,
        "ms_var": [_var("bulan", "Bulan (YYYY-MM) saat kasus selesai."),
                   _var("kode_opd", "Kode OPD pada Simpul.", reference="simpul-opd"), _var("nama_opd", "Nama OPD."),
                   _var("jumlah_selesai", "Kasus yang selesai (tidak termasuk yang dibatalkan pemohon).",
                        "integer", "kasus"),
                   _flag("jumlah_selesai"),
                   _var("persen_tepat_waktu", "Persen kasus selesai pada atau sebelum batas waktu.", "decimal", "%"),
                   _var("median_hari_kerja", "Median hari kerja dari pengajuan sampai selesai.", "decimal",
                        "hari kerja"),
                   _var("indikator_flag", "\"<5\" bila persentase dan median tidak ditampilkan karena kurang dari "
                                          "5 kasus.")],
        "ms_ind": [{"name": "persen_tepat_waktu", "definition": "Kepatuhan terhadap standar waktu layanan",
                    "formula": "kasus selesai tepat waktu / kasus selesai × 100", "unit": "%",
                    "interpretation": "Makin tinggi makin baik"},
                   {"name": "median_hari_kerja", "definition": "Lama penanganan tipikal",
                    "formula": "median(hari kerja dari pengajuan sampai selesai)", "unit": "hari kerja",
                    "interpretation": "Makin rendah makin cepat"}],
    }),
    "pengaduan-per-kategori-bulanan": Generated(complaints_per_category, {
        "title_id": "Jumlah pengaduan per kategori per bulan",
        "title_en": "Complaints per category per month",
        "description_id": "Banyaknya pengaduan masyarakat (SP4N-LAPOR!) per kategori per bulan.",
        "description_en": "Public complaints (SP4N-LAPOR!) per category and month.",
        "theme": "pemerintahan", "update_frequency": "daily", "keywords": ["pengaduan", "SP4N-LAPOR"],
        "reference_codes": [],
        "ms_keg": _KEG,
        "ms_var": [_MONTH, _var("kategori", "Kategori pengaduan pada katalog layanan."),
                   _var("jumlah_pengaduan", "Banyaknya pengaduan yang diajukan.", "integer", "pengaduan"),
                   _flag("jumlah_pengaduan")],
        "ms_ind": [],
    }),
    "konektivitas-desa": Generated(connectivity_per_desa, period=monitoring_period, metadata={
        "title_id": "Konektivitas internet per desa/kelurahan",
        "title_en": "Internet connectivity per village",
        "description_id": "Lokasi layanan pemerintah per desa/kelurahan, berapa yang terhubung internet, "
                          "kapasitas, dan ketersediaan 30 hari terakhir dari pemantauan.",
        "description_en": "Government sites per village, how many are connected, their capacity, and availability "
                          "over the last 30 days from monitoring.",
        "theme": "tik", "update_frequency": "daily", "keywords": ["internet", "desa", "blank spot"],
        "reference_codes": ["kemendagri-wilayah"],
        "ms_keg": {**_KEG, "judul": "Registri infrastruktur TIK Simpul",
                   "cara_pengumpulan": "Data administrasi registri infrastruktur TIK dan pengukuran pemantauan "
                                       "sambungan, dihitung otomatis",
                   "tujuan": "Menyediakan data terbuka tentang jangkauan internet layanan pemerintah per desa untuk "
                             "perencanaan peningkatan sambungan",
                   "cakupan": "Seluruh lokasi layanan pemerintah (kantor OPD, kecamatan, desa/kelurahan) yang "
                              "tercatat di registri infrastruktur TIK Simpul"},
        "ms_var": [_var("kode_desa", "Kode desa/kelurahan Kemendagri.", reference="kemendagri-wilayah"),
                   _var("nama_desa", "Nama desa/kelurahan."),
                   _var("kode_kecamatan", "Kode kecamatan Kemendagri.", reference="kemendagri-wilayah"),
                   _var("nama_kecamatan", "Nama kecamatan."),
                   _var("jumlah_lokasi", "Lokasi layanan pemerintah tercatat.", "integer", "lokasi"),
                   _var("lokasi_terhubung", "Lokasi dengan sambungan internet aktif.", "integer", "lokasi"),
                   _var("terhubung", "\"ya\" bila paling sedikit satu lokasi di desa terhubung, selain itu "
                                     "\"tidak\"."),
                   _var("total_mbps", "Jumlah kapasitas sambungan.", "decimal", "Mbps"),
                   _var("ketersediaan_persen", "Persen waktu sambungan tersedia (30 hari).", "decimal", "%")],
        "ms_ind": [{"name": "ketersediaan_persen", "definition": "Ketersediaan sambungan",
                    "formula": "waktu tersedia / waktu terpantau × 100", "unit": "%",
                    "interpretation": "Makin tinggi makin andal"}],
    }),
}

