import io

import pytest
from openpyxl import Workbook

from simpul.assessment.frameworks import FrameworkError, parse_framework
from simpul.assessment.xlsform import xlsform_to_definition


def _form(extra_rows=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["begin_group", "jaringan", "Jaringan"])
    ws.append(["select_one imp", "k01_kepentingan", "Internet di desa"])
    ws.append(["select_one imp", "k01_kinerja", "Internet di desa (kinerja)"])
    ws.append(["select_one imp", "k02", "Internet di OPD"])
    ws.append(["end_group", "", ""])
    ws.append(["text", "komentar", "Komentar"])
    for row in extra_rows:
        ws.append(row)
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for n, label in enumerate(["TP", "KP", "CP", "P", "SP"], start=1):
        choices.append(["imp", str(n), label])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Survei Desa", "survei_desa", "2026"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsform_becomes_a_valid_framework_with_dual_rows():
    definition, skipped = xlsform_to_definition(_form(), filename="survei.xlsx")
    spec = parse_framework(definition)
    assert spec.slug == "survei-desa-2026" and skipped == ["komentar"]
    assert [(i.code, i.kind) for i in spec.items] == [("k01", "dual"), ("k02", "likert")]
    assert [p.code for p in spec.scales["imp"].points] == ["TP", "KP", "CP", "P", "SP"]


def test_a_broken_xlsform_is_refused_with_the_reason():
    with pytest.raises(FrameworkError, match="XLSForm"):
        xlsform_to_definition(_form([["select_one nolist", "x", "X"]]), filename="bad.xlsx")
