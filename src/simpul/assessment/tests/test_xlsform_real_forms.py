"""The importer on real public XLSForms (pyxform's examples, ODK Central's fixtures; fixtures/xlsform/SOURCE.md):
which are accepted with how many items, that every row of each form is reported, and that a refused one says
why in Indonesian."""

import os
import warnings
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from simpul.assessment.frameworks import parse_framework
from simpul.assessment.xlsform import XlsformError, xlsform_to_definition
from simpul.assessment.xlsform_export import framework_to_xlsform

HERE = Path(__file__).resolve().parent / "fixtures" / "xlsform"
# items kept from each accepted form; None: refused
EXPECTED = {
    "xlsform_spec_test.xlsx": 12, "widgets.xls": 16, "UCL_Biomass_Plot_Form.xlsx": 12, "group.xlsx": 3,
    "field-list.xlsx": 1, "table-list.xls": 2, "choice_filter_test.xlsx": 3,
    "cascading_select_test_equivalent.xls": 7, "or_other.xlsx": 3, "specify_other.xlsx": 2, "tutorial.xls": None,
    "text_and_integer.xlsx": 2, "yes_or_no_question.xlsx": 1, "loop.xlsx": 1, "sms_info.xls": 4,
    "calculate_without_calculation.xls": None, "duplicate_columns.xlsx": None, "simple.xlsx": 2,
    "simple-saved-as.xls": 2,
}


def _folder() -> Path | None:
    candidates = [os.environ.get("SIMPUL_XLSFORM_FORMS", ""), str(HERE),
                  str(Path(__file__).resolve().parents[5] / "shared" / "data" / "xlsform")]
    for folder in filter(None, candidates):
        if all((Path(folder) / name).is_file() for name in EXPECTED):
            return Path(folder)
    return None


FOLDER = _folder()
pytestmark = pytest.mark.skipif(FOLDER is None, reason="the real forms of fixtures/xlsform/SOURCE.md are not at hand")


def _survey_rows(content: bytes) -> list[int]:
    from pyxform.xls2json_backends import get_xlsform

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = get_xlsform(xlsform=content)
    return [n for n, row in enumerate(book.survey or [], start=2) if row]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_form_is_imported_or_refused_with_every_row_reported(name):
    content = (FOLDER / name).read_bytes()
    if EXPECTED[name] is None:
        with pytest.raises(XlsformError) as refused:
            xlsform_to_definition(content, filename=name)
        assert refused.value.problems and all("Lembar" in p or "Formulir" in p or "Tidak satu pun" in p
                                              for p in refused.value.problems)
        return
    result = xlsform_to_definition(content, filename=name)
    spec = parse_framework(result.definition)
    assert len(spec.items) == EXPECTED[name]
    assert not spec.code.startswith("tmp") and spec.verified is False
    reported = [r for r in result.rows if r.sheet == "survey"]
    assert [r.row for r in reported] == _survey_rows(content)
    assert all(r.why for r in reported if not r.imported)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        convert(xlsform=framework_to_xlsform(spec), file_type=".xlsx")


def test_the_real_forms_before_and_after():
    """Before this importer 3 of these 19 forms were accepted (5 items in all, no row reported); now 16 are."""
    accepted = 0
    for name in EXPECTED:
        try:
            xlsform_to_definition((FOLDER / name).read_bytes(), filename=name)
            accepted += 1
        except XlsformError:
            pass
    assert accepted == 16
