import pytest

from simpul.agencies import reference as agencies_reference
from simpul.agencies.models import Agency, AgencyKind
from simpul.core.models import AuditEntry
from simpul.regions import reference as regions_reference


class _Null:
    def write(self, *_a, **_k):
        pass


@pytest.fixture
def loaded(db):
    regions_reference.load(stdout=_Null())
    agencies_reference.load(stdout=_Null())


def test_reference_loads_25_opds_and_15_kecamatan_offices(loaded):
    assert Agency.objects.exclude(kind=AgencyKind.KECAMATAN).count() == 25
    offices = Agency.objects.filter(kind=AgencyKind.KECAMATAN).order_by("code")
    assert offices.count() == 15
    first = offices[0]
    assert (first.code, first.name, first.region_id) == ("kecamatan-16-06-01", "Kantor Camat Sekayu", "16.06.01")
    assert Agency.objects.get(code="kecamatan-16-06-13").name == "Kantor Camat Lawang Wetan"
    assert Agency.objects.get(code="rumah-dinas-sekda").parent.code == "sekretariat-daerah"
    assert Agency.objects.get(code="disdukcapil").region_id == "16.06.01"


def test_reference_load_is_idempotent(loaded):
    audits = AuditEntry.objects.count()
    agencies_reference.load(stdout=_Null())
    assert Agency.objects.count() == 40
    assert AuditEntry.objects.count() == audits


def test_reference_codes_are_stable():
    codes = [row["code"] for row in agencies_reference.opd_rows()]
    assert len(codes) == 25 == len(set(codes))
    for expected in ("disdukcapil", "dpmptsp", "dinkominfo", "rsud-sekayu", "dinas-pu"):
        assert expected in codes
