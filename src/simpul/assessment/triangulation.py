"""Triangulation status of one finding across methods (Farmer et al. 2006; METHODS.md (b), (c) 2).

Each cell of the matrix (interview / observation / documentation) states what that method shows about the
finding, with a stance: supports, partly supports, silent (the method was used and says nothing), or
contradicts. Methods not used have no cell. Rules, applied in order:

1. any cell contradicts                               -> dissonance (needs a reconciliation note)
2. fewer than two cells that speak (non-silent)       -> silence
3. any silent cell among the others                   -> silence
4. every cell supports                                -> agreement
5. otherwise (supports mixed with partly supports)    -> partial agreement

"Confirmed" needs at least two methods that support and none that contradicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SUPPORTS = "supports"
PARTIAL = "partial"
SILENT = "silent"
CONTRADICTS = "contradicts"
STANCES = (SUPPORTS, PARTIAL, SILENT, CONTRADICTS)

AGREEMENT = "agreement"
PARTIAL_AGREEMENT = "partial_agreement"
SILENCE = "silence"
DISSONANCE = "dissonance"


@dataclass(frozen=True)
class Verdict:
    status: str
    confirmed: bool
    needs_note: bool


def triangulate(stances: Iterable[str], *, note: str = "") -> Verdict:
    """Status of a finding from the stances of its cells; `needs_note` is True while a dissonance lacks a note."""
    cells = list(stances)
    unknown = [s for s in cells if s not in STANCES]
    if unknown:
        raise ValueError(f"unknown stance {unknown[0]!r}")
    supports = cells.count(SUPPORTS)
    contradicts = cells.count(CONTRADICTS)
    speaking = [s for s in cells if s != SILENT]
    if contradicts:
        status = DISSONANCE
    elif len(speaking) < 2 or SILENT in cells:
        status = SILENCE
    elif supports == len(cells):
        status = AGREEMENT
    else:
        status = PARTIAL_AGREEMENT
    return Verdict(
        status=status,
        confirmed=supports >= 2 and contradicts == 0,
        needs_note=status == DISSONANCE and not note.strip(),
    )
