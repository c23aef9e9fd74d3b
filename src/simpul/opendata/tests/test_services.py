"""Generated datasets from real cases (suppressed), refresh idempotency, events, and what a walidata's published
file becomes (the drafts and the review themselves: test_drafts.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from simpul.opendata.drafts import dataset_draft_for_change, dataset_draft_start, dataset_draft_update
from simpul.opendata.models import Dataset, DatasetDraft, Distribution
from simpul.opendata.services import dataset_refresh, datasets_refresh_generated
from simpul.opendata.tests.factories import make_service, publish_upload, submit

SEKAYU_DESA, OTHER_SEKAYU_DESA, LAIS_DESA = "16.06.01.2001", "16.06.01.2002", "16.06.02.2001"


def _rows(slug):
    distribution = Distribution.objects.get(dataset__slug=slug, format="json")
    return json.loads(bytes(distribution.content))["rows"]


def test_reference_creates_each_generated_dataset_once(generated):
    from simpul.opendata import reference

    assert set(generated.values_list("slug", flat=True)) == {
        "kasus-per-layanan-kecamatan-bulanan", "kinerja-sla-opd-bulanan", "pengaduan-per-kategori-bulanan",
        "konektivitas-desa"}
    reference.load(stdout=io.StringIO())
    assert Dataset.objects.count() == 4
    dataset = Dataset.objects.get(slug="kinerja-sla-opd-bulanan")
    assert dataset.producer.code == "dinkominfo" and dataset.ms_ind and dataset.ms_var and dataset.ms_keg
    assert "5" in dataset.suppression_rule


def test_cases_per_kecamatan_suppresses_small_counts_and_complementary_cell(generated, personas, region_tree):
    road = make_service(agency=personas.dukcapil, code="aduan-jalan", complaint=True, category="infrastruktur")
    ktp = make_service(agency=personas.dukcapil, code="ktp")
    submit(road, SEKAYU_DESA, 6)
    submit(road, LAIS_DESA, 2)        # small: hidden
    submit(road, OTHER_SEKAYU_DESA, 0)
    submit(ktp, SEKAYU_DESA, 5)
    submit(ktp, LAIS_DESA, 1)         # small: hidden; applications have no published total
    dataset_refresh(slug="kasus-per-layanan-kecamatan-bulanan")
    rows = {(r["kode_layanan"], r["kode_kecamatan"]): r for r in _rows("kasus-per-layanan-kecamatan-bulanan")}
    assert rows[("ktp", "16.06.01")]["jumlah_kasus"] == 5
    assert rows[("ktp", "16.06.02")]["jumlah_kasus"] is None
    assert rows[("ktp", "16.06.02")]["jumlah_kasus_flag"] == "<5"
    # The complaint category total (8) is published in the other dataset; with only the 2 hidden,
    # 8 - 6 would give it away, so the 6 is hidden too.
    assert rows[("aduan-jalan", "16.06.02")]["jumlah_kasus"] is None
    assert rows[("aduan-jalan", "16.06.01")]["jumlah_kasus"] is None
    dataset_refresh(slug="pengaduan-per-kategori-bulanan")
    categories = _rows("pengaduan-per-kategori-bulanan")
    assert [(r["kategori"], r["jumlah_pengaduan"]) for r in categories] == [("infrastruktur", 8)]
    # Nothing below 5 anywhere, in any format.
    text = bytes(Distribution.objects.get(dataset__slug="kasus-per-layanan-kecamatan-bulanan",
                                          format="csv").content).decode()
    counts = [row["jumlah_kasus"] for row in csv.DictReader(io.StringIO(text))]
    assert all(c == "" or int(c) >= 5 for c in counts)
    assert "total" not in text.lower()


def _reject(case, officer):
    from simpul.cases.actions import case_reject, case_transition

    case = case_transition(case=case, action="verify", actor=officer)
    case_reject(case=case, actor=officer, reason="Berkas tidak lengkap sama sekali.")


def test_sla_dataset_hides_rates_of_small_groups(generated, personas, region_tree):
    ktp = make_service(agency=personas.dukcapil, code="ktp")
    for case in submit(ktp, SEKAYU_DESA, 3):
        _reject(case, personas.officer)
    dataset_refresh(slug="kinerja-sla-opd-bulanan")
    [row] = _rows("kinerja-sla-opd-bulanan")
    assert row["kode_opd"] == "disdukcapil"
    assert row["jumlah_selesai"] is None and row["persen_tepat_waktu"] is None and row["median_hari_kerja"] is None
    assert row["indikator_flag"] == "<5"
    for case in submit(ktp, SEKAYU_DESA, 2):
        _reject(case, personas.officer)
    dataset_refresh(slug="kinerja-sla-opd-bulanan")
    [row] = _rows("kinerja-sla-opd-bulanan")
    assert row["jumlah_selesai"] == 5 and row["persen_tepat_waktu"] == 100.0 and row["median_hari_kerja"] == 0


def test_connectivity_dataset_lists_every_desa(generated, region_tree):
    dataset_refresh(slug="konektivitas-desa")
    rows = _rows("konektivitas-desa")
    assert {r["kode_desa"] for r in rows} == {"16.06.01.1009", "16.06.01.2001", "16.06.01.2002", "16.06.02.2001"}
    assert all(r["terhubung"] == "tidak" for r in rows)


def test_refresh_is_idempotent_writes_three_formats_and_emits_event(generated, personas, region_tree):
    from simpul.api.models import EventDelivery, WebhookSubscription
    from simpul.clients.services import api_client_create

    client = api_client_create(name="portal data nasional", scopes=["opendata:read"])
    WebhookSubscription.objects.create(client=client, url="https://example.org/hook",
                                       event_types=["dataset.updated"], secret="s" * 40)
    first = datasets_refresh_generated()
    second = datasets_refresh_generated()
    assert sorted(first) == sorted(second) and len(first) == 4
    dataset = Dataset.objects.get(slug="pengaduan-per-kategori-bulanan")
    formats = {d.format: d for d in dataset.distributions.all()}
    assert set(formats) == {"csv", "xlsx", "json"}
    assert bytes(formats["xlsx"].content).startswith(b"PK") and formats["csv"].byte_size > 0
    assert dataset.last_refreshed is not None and dataset.columns[0] == "bulan"
    # one event per dataset: the second refresh changed nothing
    assert EventDelivery.objects.filter(event_type="dataset.updated").count() == 4


def test_a_published_upload_is_marked_original_and_every_format_is_derived(personas, region_tree):
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo)
    csv_dist = dataset.distributions.get(format="csv")
    assert bytes(csv_dist.content) == b"kode_kecamatan,jumlah_sd\n16.06.01,31\n16.06.02,0012\n"
    assert csv_dist.is_uploaded and csv_dist.original_name == "sd.csv"
    assert dataset.walidata == personas.steward and dataset.row_count == 2
    rows = json.loads(bytes(dataset.distributions.get(format="json").content))["rows"]
    assert rows[0] == {"kode_kecamatan": "16.06.01", "jumlah_sd": "31"}
    assert rows[1]["jumlah_sd"] == "0012"  # codes and numbers with leading zeros stay as typed


def test_a_published_xlsx_keeps_its_cell_types(personas, region_tree):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["kode_kecamatan", "jumlah_sd"])
    book.active.append(["16.06.01", 31])
    out = io.BytesIO()
    book.save(out)
    dataset = publish_upload(steward=personas.steward, reviewer=personas.admin, producer=personas.dinkominfo,
                             slug="sd-xlsx", name="sd.xlsx", content=out.getvalue())
    assert dataset.preview == [{"kode_kecamatan": "16.06.01", "jumlah_sd": 31}]


@pytest.mark.parametrize(("name", "content", "words"), [
    ("sd.pdf", b"%PDF-1.4", "CSV"),
    ("sd.csv", b"", "kosong"),
    ("sd.csv", b"a,b\n", "tidak ada baris"),
    ("sd.csv", b"a,a\n1,2\n", "dua kali"),
    ("sd.csv", b"\xff\xfe\x00a", "UTF-8"),
    ("sd.xlsx", b"not a zip", "XLSX"),
])
def test_an_unusable_file_starts_no_draft_and_says_why(personas, name, content, words):
    with pytest.raises(ValidationError) as caught:
        dataset_draft_start(actor=personas.steward, upload_name=name, content=content)
    assert words.lower() in " ".join(caught.value.message_dict["file"]).lower()
    assert not DatasetDraft.objects.exists() and not Dataset.objects.exists()


def test_a_draft_cannot_take_a_generated_datasets_identifier(generated, personas):
    draft = dataset_draft_start(actor=personas.steward, upload_name="a.csv", content=b"kode_kecamatan,jumlah_sd\n1,2\n")
    with pytest.raises(ValidationError) as caught:
        dataset_draft_update(actor=personas.steward, draft=draft, slug="konektivitas-desa")
    assert caught.value.message_dict["slug"] == ["Pengenal ini milik dataset yang dibuat otomatis; pilih pengenal lain."]
    with pytest.raises(ValidationError):
        dataset_draft_for_change(actor=personas.steward, dataset=generated.get(slug="konektivitas-desa"))


def test_demo_loader_builds_generated_datasets_with_the_steward_as_walidata(generated, personas, region_tree):
    from simpul.opendata import demo

    out = io.StringIO()
    demo.load(stdout=out)
    assert "4" in out.getvalue()
    assert set(Dataset.objects.values_list("walidata", flat=True)) == {personas.steward.pk}
    assert Distribution.objects.count() == 12
