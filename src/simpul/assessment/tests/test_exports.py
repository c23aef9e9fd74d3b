"""The SPSS export read back as a researcher would: with pyreadstat (user-missing values kept) and with GNU PSPP.

Unanswered items are coded 9 and declared user-missing; blank respondent attributes are declared missing; every
point has the label of its meaning (the paper's Table 4 for maturity levels); the two halves of a dual row say
which they are; labels fit SPSS's limits."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from django.urls import reverse
from django.utils import translation

from simpul.assessment.exports import not_answered_code
from simpul.assessment.models import Channel, Item
from simpul.assessment.services import response_submit
from simpul.assessment.tests.factories import dual_answers, open_round
from simpul.conftest import login

pytestmark = pytest.mark.django_db

K01 = "Internet (wifi) di kantor desa/kelurahan dan ruang publik"
IMPORTANCE_ID = {1.0: "Tidak Penting (TP)", 2.0: "Kurang Penting (KP)", 3.0: "Cukup Penting (CP)",
                 4.0: "Penting (P)", 5.0: "Sangat Penting (SP)", 9.0: "Tidak dijawab"}
PERFORMANCE_ID = {1.0: "Tidak Baik (TB)", 2.0: "Kurang Baik (KB)", 3.0: "Cukup Baik (CB)", 4.0: "Baik (B)",
                  5.0: "Sangat Baik (SB)", 9.0: "Tidak dijawab"}
TABLE_4 = {  # the paper's Table 4 (Tingkat Kematangan), after Fryonanda & Nurhadryani 2019
    1.0: "Proses tidak diimplementasikan atau tidak ada upaya untuk mencapai tujuan proses",
    2.0: "Proses yang diimplementasikan secara ad-hoc mencapai tujuan proses",
    3.0: "Proses yang diimplementasikan dan dikelola dengan terencana dan termonitoring",
    4.0: "Proses yang diimplementasikan dengan batasan-batasan tertentu agar konsisten dalam mencapai hasil yang "
         "sudah ditetapkan",
    5.0: "Proses tersebut dievaluasi dan diperbaiki secara terus menerus",
    9.0: "Tidak dijawab",
}
NINE = [{"lo": 9.0, "hi": 9.0}]
BLANK = [{"lo": "", "hi": ""}]


@pytest.fixture
def needs_round(personas: Any, region_tree: Any) -> Any:
    """A needs round with one full response (a citizen of a kecamatan) and one that answered only K01 and gave
    neither group nor kecamatan."""
    rnd = open_round(actor=personas.evaluator)
    response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, answers=dual_answers(5, 2),
                    attrs={"group": "warga", "kecamatan": region_tree["16.06.01"]})
    response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.PUBLIC, partial=True,
                    answers=dual_answers(4, 3, codes=["K01"]))
    return rnd


def _sav(client: Any, personas: Any, rnd: Any, tmp_path: Path, language: str = "id") -> Path:
    login(client, personas.evaluator)
    with translation.override(language):
        url = reverse("assessment:export", args=[rnd.pk, "sav"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/x-spss-sav"
    path = tmp_path / "export.sav"
    path.write_bytes(response.content)
    return path


def test_unanswered_items_are_coded_and_declared_user_missing(client, personas, needs_round, tmp_path):
    path = _sav(client, personas, needs_round, tmp_path)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    frame = frame.sort_values("group", ascending=False).reset_index(drop=True)  # the full response first
    assert frame["I_K01"].tolist() == [5.0, 4.0] and frame["P_K01"].tolist() == [2.0, 3.0]
    assert frame["I_K02"].tolist() == [5.0, 9.0] and frame["P_K02"].tolist() == [2.0, 9.0]
    for n in range(1, 11):
        assert meta.missing_ranges[f"I_K{n:02d}"] == NINE and meta.missing_ranges[f"P_K{n:02d}"] == NINE
    plain, _meta = pyreadstat.read_sav(str(path))  # missing values applied: unanswered is no answer, not a 9
    assert plain["I_K02"].max() == 5.0 and plain["I_K02"].isna().sum() == 1
    assert meta.original_variable_types["I_K01"] == "F1.0"


def test_blank_respondent_attributes_are_missing_not_empty_strings(client, personas, needs_round, tmp_path):
    path = _sav(client, personas, needs_round, tmp_path)
    _frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    for column in ("group", "channel", "kecamatan", "desa", "opd"):
        assert meta.missing_ranges[column] == BLANK, column
    assert "response_id" not in meta.missing_ranges
    plain, _meta = pyreadstat.read_sav(str(path))
    by_group = plain.sort_values("group", na_position="last")
    assert by_group["group"].iloc[0] == "warga" and by_group["kecamatan"].iloc[0] == "Sekayu"
    assert by_group["group"].isna().tolist() == [False, True]
    assert by_group["kecamatan"].isna().tolist() == [False, True]
    assert by_group["desa"].isna().all() and by_group["opd"].isna().all()


def test_value_labels_say_what_each_point_means_and_pairs_say_which_half(client, personas, needs_round, tmp_path):
    _frame, meta = pyreadstat.read_sav(str(_sav(client, personas, needs_round, tmp_path)), user_missing=True)
    assert meta.variable_value_labels["I_K01"] == IMPORTANCE_ID
    assert meta.variable_value_labels["P_K01"] == PERFORMANCE_ID
    assert meta.column_names_to_labels["I_K01"] == f"{K01} (kepentingan)"
    assert meta.column_names_to_labels["P_K01"] == f"{K01} (kinerja)"
    labels = [meta.column_names_to_labels[c] for c in meta.column_names if c[:2] in ("I_", "P_")]
    assert len(labels) == 20 and len(set(labels)) == 20
    assert meta.column_names_to_labels["kecamatan"] == "Kecamatan"
    assert meta.file_label == needs_round.name
    assert meta.variable_measure["I_K01"] == "ordinal" and meta.variable_measure["kecamatan"] == "nominal"


def test_labels_follow_the_language_of_the_request(client, personas, needs_round, tmp_path):
    _frame, meta = pyreadstat.read_sav(str(_sav(client, personas, needs_round, tmp_path, "en")), user_missing=True)
    assert meta.variable_value_labels["I_K01"] == {
        1.0: "Not important (TP)", 2.0: "Less important (KP)", 3.0: "Fairly important (CP)", 4.0: "Important (P)",
        5.0: "Very important (SP)", 9.0: "Not answered"}
    assert meta.column_names_to_labels["I_K01"] == f"{K01} (importance)"
    assert meta.column_names_to_labels["P_K01"] == f"{K01} (performance)"


def test_the_papers_maturity_items_are_labelled_with_table_4(client, personas, tmp_path):
    rnd = open_round("paper-2020", actor=personas.evaluator)
    response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, user=personas.evaluator,
                    partial=True, answers={"M1": {"level": 5}, "TK1": {"value": 5}})
    frame, meta = pyreadstat.read_sav(str(_sav(client, personas, rnd, tmp_path)), user_missing=True)
    for code in ("L_M1", "L_M2", "L_M3", "L_M4", "L_M5"):
        assert meta.variable_value_labels[code] == TABLE_4, code
        assert meta.missing_ranges[code] == NINE
    assert meta.variable_value_labels["Q_TK1"] == IMPORTANCE_ID
    assert frame[["Q_TK1", "L_M1", "L_M2"]].iloc[0].tolist() == [5.0, 5.0, 9.0]


def test_an_items_own_level_criteria_label_its_variable(client, personas, tmp_path):
    rnd = open_round("spbe-2020", actor=personas.evaluator)
    Item.objects.filter(framework=rnd.framework, code="1").update(
        level_criteria={"1": "Belum ada kebijakan arsitektur", "5": "Kebijakan dievaluasi dan diperbarui"})
    response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.STAFF, user=personas.evaluator,
                    partial=True, answers={"1": {"level": 1, "explanation": "Belum ada Perbup"}})
    _frame, meta = pyreadstat.read_sav(str(_sav(client, personas, rnd, tmp_path)), user_missing=True)
    own = meta.variable_value_labels["L_1"]
    assert own[1.0] == "Belum ada kebijakan arsitektur (Rintisan)"
    assert own[5.0] == "Kebijakan dievaluasi dan diperbarui (Optimum)"
    assert own[2.0] == "Terkelola: direncanakan sesuai fungsi manajemen"  # no criterion of its own: the scale's
    assert meta.variable_value_labels["L_2"][1.0] == "Rintisan: dilaksanakan tanpa perencanaan (ad hoc)"


def test_long_texts_are_shortened_to_spss_limits_keeping_the_pair_suffix(client, personas, needs_round, tmp_path):
    Item.objects.filter(framework=needs_round.framework, code="K01").update(text="Layanan ékstra " * 40)
    _frame, meta = pyreadstat.read_sav(str(_sav(client, personas, needs_round, tmp_path)), user_missing=True)
    label = meta.column_names_to_labels["P_K01"]
    assert label.startswith("Layanan ékstra Layanan") and label.endswith("… (kinerja)")
    assert len(label.encode()) <= 256


@pytest.mark.parametrize(("values", "code"), [((1, 2, 3, 4, 5), 9), ((0, 1), 9), ((1, 9), 99), ((0, 100), 999)])
def test_the_not_answered_code_is_the_first_nines_above_the_scale(values, code):
    assert not_answered_code(values) == code


def _pspp_tables(syntax: str, tmp_path: Path) -> dict[str, list[list[str]]]:
    script = tmp_path / "check.sps"
    script.write_text(syntax, encoding="utf-8")
    out = subprocess.run(["pspp", "-O", "format=csv", "-o", "-", str(script)], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    tables: dict[str, list[list[str]]] = {}
    for block in out.split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("Table: "):
            tables[lines[0].removeprefix("Table: ")] = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    return tables


@pytest.mark.system
def test_pspp_reads_the_missing_values_and_labels(client, personas, needs_round, tmp_path):
    if shutil.which("pspp") is None:
        if os.environ.get("CI"):
            pytest.fail("pspp is not installed: CI must install Debian's pspp package (see .ci/run)")
        pytest.skip("GNU PSPP is not installed (apt-get install pspp): the PSPP read-back is skipped")
    path = _sav(client, personas, needs_round, tmp_path)
    tables = _pspp_tables(
        f'SET TVARS=NAMES.\nGET FILE="{path}".\nDISPLAY DICTIONARY /VARIABLES=I_K02 P_K02 kecamatan.\n'
        "FREQUENCIES VARIABLES=I_K02 kecamatan.\n", tmp_path)
    variables = {row[0]: dict(zip(tables["Variables"][0], row, strict=True)) for row in tables["Variables"][1:]}
    assert variables["I_K02"]["Label"] == "Kecepatan dan kestabilan internet di kantor OPD (kepentingan)"
    assert variables["P_K02"]["Label"] == "Kecepatan dan kestabilan internet di kantor OPD (kinerja)"
    assert variables["I_K02"]["Missing Values"] == "9"
    assert variables["I_K02"]["Measurement Level"] == "Ordinal"
    assert variables["kecamatan"]["Missing Values"].strip('" ') == ""  # the blank string
    assert tables["I_K02"] == [
        ["", "", "Frequency", "Percent", "Valid Percent", "Cumulative Percent"],
        ["Valid", "Sangat Penting (SP)", "1", "50.0%", "100.0%", "100.0%"],
        ["Missing", "Tidak dijawab", "1", "50.0%", "", ""],
        ["Total", "", "2", "100.0%", "", ""],
    ]
    assert tables["kecamatan"][1] == ["Valid", "Sekayu", "1", "50.0%", "100.0%", "100.0%"]
    assert tables["kecamatan"][2] == ["Missing", "", "1", "50.0%", "", ""]
