"""An evaluator imports an XLSForm in Chromium at 1366x768: an accepted form with its row-by-row report, then a
refused one with the sheet, row and rule. Screenshots go to $SIMPUL_SHOTS when set."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.assessment.models import Framework
from simpul.assessment.tests.test_xlsform import q, workbook
from simpul.assessment.tests.test_xlsform_doors import survey_form
from tests.browser.conftest import assert_no_axe_violations, shot, staff_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_evaluator_imports_an_xlsform_and_reads_what_became_of_each_row(browser: Any, site: str, personas: Any,
                                                                           tmp_path: Any) -> None:
    good, bad = tmp_path / "survei-hp.xlsx", tmp_path / "rusak.xlsx"
    good.write_bytes(survey_form())
    bad.write_bytes(workbook([q("text", "nama", "Nama"), q("calculate", "skor")]))
    page = staff_page(browser, site, personas.evaluator)
    page.goto(f"{site}/asesmen/")
    page.get_by_role("link", name="Impor kerangka (XLSForm, YAML atau JSON)").click()
    page.get_by_label("XLSForm (.xlsx atau .xls").set_input_files(str(good))
    page.get_by_role("button", name="Impor", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Berhasil diimpor").is_visible()
    report = page.get_by_role("table")
    assert report.locator("tbody tr").count() == 7  # the settings row and the six survey rows
    assert "hanya ditanyakan jika “punya_hp” adalah Ya" in report.inner_text()
    assert_no_axe_violations(page)
    shot(page, "xlsform-import-accepted")
    assert Framework.objects.get(code="survei_hp").verified is False

    page.get_by_label("XLSForm (.xlsx atau .xls").set_input_files(str(bad))
    page.get_by_role("button", name="Impor", exact=True).click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "“rusak.xlsx” tidak diimpor" in alert.inner_text()
    assert "Lembar “survey”, baris 3: baris calculate perlu rumus di kolom calculation." in alert.inner_text()
    assert "Missing" not in page.content()
    assert_no_axe_violations(page)
    shot(page, "xlsform-import-refused")
