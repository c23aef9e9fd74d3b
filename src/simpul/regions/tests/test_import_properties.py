"""Property tests: any well-formed region file imports completely; any single corruption imports nothing."""

import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.regions.models import Region
from simpul.regions.services import RegionImportFailed, region_import

names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=30).map(
    lambda s: s.strip() or "X"
)


@st.composite
def region_files(draw):
    rows = [("16", draw(names), "provinsi", ""), ("16.06", draw(names), "kabupaten", "")]
    kecamatan = draw(st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True))
    for k in kecamatan:
        kec = f"16.06.{k:02d}"
        rows.append((kec, draw(names), "kecamatan", ""))
        villages = draw(st.lists(st.integers(1, 999), min_size=0, max_size=5, unique=True))
        for v in villages:
            kind = draw(st.sampled_from(["desa", "kelurahan"]))
            digit = "2" if kind == "desa" else "1"
            rows.append((f"{kec}.{digit}{v:03d}", draw(names), "desa_kelurahan", kind))
    return draw(st.permutations(rows))


def _csv(rows):
    return "code,name,level,kind\n" + "".join(",".join(r) + "\n" for r in rows)


class _Rollback(Exception):
    pass


def _in_savepoint(fn):
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=region_files())
def test_any_well_formed_file_imports_every_row_and_reimport_changes_nothing(rows):
    def check():
        result = region_import(file=io.StringIO(_csv(rows)), source="prop")
        assert result.created == len(rows) == Region.objects.count()
        again = region_import(file=io.StringIO(_csv(rows)), source="prop")
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))

    _in_savepoint(check)


CORRUPTIONS = {
    "code": lambda r: (r[0] + "x", *r[1:]),
    "name": lambda r: (r[0], "", *r[2:]),
    "level": lambda r: (r[0], r[1], "dusun", r[3]),
    "kind": lambda r: (*r[:3], {"desa": "kelurahan", "kelurahan": "desa", "": "desa"}[r[3]]),
}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=region_files(), data=st.data())
def test_any_single_corruption_is_reported_on_its_line_and_imports_nothing(rows, data):
    index = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(sorted(CORRUPTIONS)))
    bad = list(rows)
    bad[index] = CORRUPTIONS[field](bad[index])

    def check():
        with pytest.raises(RegionImportFailed) as exc:
            region_import(file=io.StringIO(_csv(bad)), source="prop")
        assert index + 2 in {e.line for e in exc.value.errors}
        assert Region.objects.count() == 0

    _in_savepoint(check)
