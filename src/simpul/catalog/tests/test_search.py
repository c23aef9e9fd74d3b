"""The words people type, read by the kabupaten's synonyms (simpul.catalog.search): the shipped files are valid, a
query becomes terms of alternatives, and case, accents, hyphens and spaces never matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simpul.catalog import search
from simpul.catalog.search import DATA_DIR, search_terms, search_words


def alternatives(query: str, code: str = "16.06") -> list[set[str]]:
    return [set(term.alternatives) for term in search_terms(query, kabupaten_code=code)]


def test_every_shipped_words_file_is_valid_and_names_a_kabupaten_by_its_code() -> None:
    for path in sorted(DATA_DIR.glob("*.yaml")):
        assert path.stem == "default" or all(part.isdigit() for part in path.stem.split(".")), path.name
        words = search_words(path.stem if path.stem != "default" else "00.00")
        assert words.groups and all(len(group) >= 2 for group in words.groups)


def test_a_query_is_read_as_terms_of_words_that_mean_the_same() -> None:
    assert alternatives("akte lahir") == [{"akte", "akta"}, {"lahir"}]
    assert alternatives("kartu keluarga hilang") == [{"kartu keluarga", "kk"}, {"hilang", "kehilangan"}]
    ktp = {"ktp el", "e ktp", "ktp elektronik", "ktp"}
    assert alternatives("ektp") == [ktp | {"ektp"}]
    assert alternatives("E-KTP") == alternatives("e ktp") == [ktp]
    assert alternatives("Pungli") == [{"pungli", "pungutan liar", "uang pelicin", "minta uang"}]


def test_words_that_say_nothing_are_dropped_unless_nothing_else_is_typed() -> None:
    assert alternatives("saya mau mengurus akte") == [{"akte", "akta"}]
    assert alternatives("saya") == [{"saya"}]


def test_a_kabupaten_adds_its_own_words_and_one_without_a_file_has_the_shared_ones() -> None:
    assert alternatives("muba", "16.06") == [{"muba", "musi banyuasin"}]
    assert alternatives("muba", "12.04") == [{"muba"}]
    assert alternatives("akte", "12.04") == [{"akte", "akta"}]


def test_groups_sharing_a_word_are_one_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "default.yaml").write_text("synonyms:\n- [akta, akte]\n- [akte, akté lahir]\nignore: [saya]\n")
    monkeypatch.setattr(search, "DATA_DIR", tmp_path)
    search_words.cache_clear()
    try:
        assert alternatives("akta", "99.99") == [{"akta", "akte", "akte lahir"}]
    finally:
        search_words.cache_clear()


@given(st.text(max_size=40))
def test_terms_are_few_plain_and_never_empty_words(query: str) -> None:
    terms = search_terms(query, kabupaten_code="16.06")
    assert len(terms) <= search.MAX_TERMS
    for term in terms:
        assert term.alternatives and all(word and word == word.strip() and word == word.casefold()
                                         for word in term.alternatives)
        assert term.typed in term.alternatives
