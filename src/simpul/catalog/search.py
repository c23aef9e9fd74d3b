"""What people type in the catalogue search, turned into what the catalogue says.

People search with the words they use: "akte lahir" (the catalogue says "akta kelahiran"), "ektp" or "e-KTP" (it says
"KTP-el"), "KK hilang", "pungli". The words that mean the same are data, per kabupaten, in `data/search/`:
`default.yaml` holds the ones every Indonesian kabupaten shares, `<Kemendagri code>.yaml` (`16.06.yaml` for Musi
Banyuasin, chosen by `SIMPUL_KABUPATEN_CODE`) adds the kabupaten's own. Each file has `synonyms` (groups of words
and phrases that mean the same) and `ignore` (words that say nothing about the service: "saya", "cara",
"mengurus"). Case, accents, hyphens and spaces never matter: "E-KTP", "e ktp" and "ektp" are one.

`search_terms(query)` reads a query into terms: each term is the alternatives any of which a service must mention
(its code, names, descriptions, agency or search words; `ServiceVersion.build_search_text`), and a service must
match every term. The files are read once per process (they ship with the code; a change needs a restart).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from simpul.catalog.models import normalize_search

DATA_DIR = Path(__file__).resolve().parent / "data" / "search"
MAX_TERMS = 8
LONGEST_PHRASE = 4  # words; longer synonyms are not looked for in a query


@dataclass(frozen=True)
class Term:
    """One thing the searcher asked for: the words they typed, and every word or phrase meaning the same."""

    typed: str
    alternatives: tuple[str, ...]
    from_synonyms: bool


@dataclass(frozen=True)
class SearchWords:
    groups: tuple[tuple[str, ...], ...]
    ignore: frozenset[str]
    # a phrase without its spaces ("ktpel", "kartukeluarga") -> its group
    lookup: dict[str, int]


def _compact(phrase: str) -> str:
    return phrase.replace(" ", "")


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'synonyms' and 'ignore'")
    return data


def words_files(kabupaten_code: str) -> list[Path]:
    """The files that apply to a kabupaten: the shared one, then its own when there is one."""
    own = DATA_DIR / f"{kabupaten_code}.yaml"
    return [DATA_DIR / "default.yaml", *([own] if own.exists() else [])]


@functools.cache
def search_words(kabupaten_code: str) -> SearchWords:
    """The synonyms and ignored words of a kabupaten, normalised; a word in two groups joins them."""
    groups: list[set[str]] = []
    ignore: set[str] = set()
    for path in words_files(kabupaten_code):
        data = _read(path)
        for index, group in enumerate(data.get("synonyms") or []):
            if not isinstance(group, list) or len(group) < 2:
                raise ValueError(f"{path}: synonyms[{index}] must list at least two words")
            words = {normalize_search(str(word)) for word in group} - {""}
            joined = [g for g in groups if g & words]
            for other in joined:
                groups.remove(other)
                words |= other
            groups.append(words)
        ignore |= {normalize_search(str(word)) for word in data.get("ignore") or []} - {""}
    ordered = tuple(tuple(sorted(group, key=lambda w: (-len(w), w))) for group in groups)
    lookup = {_compact(word): index for index, group in enumerate(ordered) for word in group}
    return SearchWords(groups=ordered, ignore=frozenset(ignore), lookup=lookup)


def search_terms(query: str, *, kabupaten_code: str | None = None) -> list[Term]:
    """The terms of a query (see the module docstring), at most MAX_TERMS, in the order typed.

    The longest run of words that is a synonym is read as one term ("kartu keluarga hilang": "kartu keluarga" and
    "hilang"); a run written without its spaces counts too ("kartukeluarga"). Ignored words are dropped unless
    nothing else is left.
    """
    words = search_words(kabupaten_code or settings.SIMPUL_KABUPATEN_CODE)
    tokens = normalize_search(query).split()[:2 * MAX_TERMS]
    terms: list[Term] = []
    index = 0
    while index < len(tokens):
        for length in range(min(LONGEST_PHRASE, len(tokens) - index), 0, -1):
            phrase = tokens[index:index + length]
            group = words.lookup.get(_compact("".join(phrase)))
            if group is not None:
                typed = " ".join(phrase)
                terms.append(Term(typed=typed, alternatives=tuple(dict.fromkeys((typed, *words.groups[group]))),
                                  from_synonyms=True))
                index += length
                break
        else:
            terms.append(Term(typed=tokens[index], alternatives=(tokens[index],), from_synonyms=False))
            index += 1
    meaningful = [term for term in terms if term.typed not in words.ignore]
    unique = list({term.alternatives: term for term in meaningful or terms}.values())
    return unique[:MAX_TERMS]
