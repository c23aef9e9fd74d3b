from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from simpul.assessment.frameworks import (
    FRAMEWORKS_DIR,
    FrameworkError,
    load_framework_file,
    parse_framework,
    shipped_framework,
    shipped_framework_files,
)


def test_every_shipped_framework_validates():
    slugs = {load_framework_file(p).slug for p in shipped_framework_files()}
    assert {"spbe-2020", "paper-2020", "pemdi-2026-draft", "kebutuhan-2026"} <= slugs


def test_spbe_2020_has_47_indicators_weights_summing_to_100_and_its_predicates():
    spec = shipped_framework("spbe-2020")
    assert len(spec.items) == 47
    assert sum(i.weight for i in spec.items) == Decimal(100)
    assert [s.code for s in spec.children(None)] == ["D1", "D2", "D3", "D4"]
    assert len([s for s in spec.sections if s.level == "aspect"]) == 8
    assert [(b.label, b.min) for b in spec.predicate_bands] == [
        ("Memuaskan", Decimal("4.2")), ("Sangat Baik", Decimal("3.5")), ("Baik", Decimal("2.6")),
        ("Cukup", Decimal("1.8")), ("Kurang", Decimal("0")),
    ]
    assert spec.item("32").scale_code == "layanan" and spec.item("1").scale_code == "proses"
    assert spec.scales["layanan"].point(3).code == "Transaksi"


def test_pemdi_2026_is_shipped_only_as_an_unverified_draft():
    spec = shipped_framework("pemdi-2026-draft")
    assert spec.status == "draft" and spec.verified is False
    assert len(spec.items) == 20 and sum(i.weight for i in spec.items) == 100


def test_paper_framework_has_the_importance_item_and_five_maturity_items():
    spec = shipped_framework("paper-2020")
    assert [i.code for i in spec.items] == ["TK1", "M1", "M2", "M3", "M4", "M5"]
    assert [p.code for p in spec.scales["kepentingan"].points] == ["TP", "KP", "CP", "P", "SP"]


def _minimal(**over):
    data = {
        "code": "x", "version": "1", "name": "X",
        "index": {"total_weight": "10"},
        "scales": {"s": {"kind": "level", "points": [{"value": 1}, {"value": 2}]}},
        "sections": [{"code": "A", "name": "A", "weight": "10", "items": [
            {"code": "1", "text": "one", "weight": "6", "scale": "s"},
            {"code": "2", "text": "two", "weight": "4", "scale": "s"},
        ]}],
    }
    data.update(over)
    return data


def test_a_valid_minimal_framework_parses():
    spec = parse_framework(_minimal())
    assert spec.slug == "x-1" and spec.is_weighted


def test_weights_not_summing_as_declared_are_refused_with_the_reason():
    data = _minimal()
    data["sections"][0]["items"][1]["weight"] = "5"
    with pytest.raises(FrameworkError) as exc:
        parse_framework(data)
    assert any("sum to 11, declared 10" in p for p in exc.value.problems)


def test_unknown_scale_and_duplicate_codes_are_all_reported_at_once():
    data = _minimal()
    data["sections"][0]["items"][1].update({"code": "1", "scale": "nope"})
    with pytest.raises(FrameworkError) as exc:
        parse_framework(data)
    problems = " | ".join(exc.value.problems)
    assert "unknown scale 'nope'" in problems and "duplicate item code '1'" in problems


def test_non_numeric_weight_and_unordered_predicates_are_refused():
    data = _minimal(predicate_bands=[{"label": "low", "min": "1"}, {"label": "high", "min": "3"}])
    data["sections"][0]["items"][0]["weight"] = "six"
    with pytest.raises(FrameworkError) as exc:
        parse_framework(data)
    problems = " | ".join(exc.value.problems)
    assert "not a number" in problems and "highest minimum down" in problems


def test_a_new_framework_file_needs_no_code(tmp_path: Path):
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(_minimal(code="baru", version="2027")), encoding="utf-8")
    assert load_framework_file(path).slug == "baru-2027"


def test_broken_yaml_is_a_clear_framework_error(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(FrameworkError, match="cannot read"):
        load_framework_file(path)


def test_frameworks_dir_exists():
    assert FRAMEWORKS_DIR.is_dir()
