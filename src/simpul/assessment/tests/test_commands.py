import io
import json

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_score_prints_index_predicate_and_every_section(tmp_path):
    path = tmp_path / "levels.csv"
    rows = ["indicator_no,level"] + [f"{n},4" for n in range(1, 48)]
    rows[11:19] = [f"{n},5" for n in range(11, 19)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("assessment", "score", "--framework", "spbe-2020", str(path), stdout=out)
    body = json.loads(out.getvalue())
    assert body["index"] == 4.2 and body["predicate"] == "Memuaskan"
    assert len(body["sections"]["domain"]) == 4 and len(body["sections"]["aspect"]) == 8
    assert next(a for a in body["sections"]["aspect"] if a["code"] == "A2")["score"] == 5.0


@pytest.mark.django_db
def test_score_refuses_bad_levels_and_missing_indicators(tmp_path):
    path = tmp_path / "levels.csv"
    path.write_text("1,7\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"outside 1\.\.5"):
        call_command("assessment", "score", str(path))
    path.write_text("1,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing levels"):
        call_command("assessment", "score", str(path))


def test_validate_names_every_problem(tmp_path):
    path = tmp_path / "fw.yaml"
    path.write_text("code: x\nversion: '1'\nname: X\nscales: {}\nsections: []\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no scales defined"):
        call_command("assessment", "validate", str(path))
