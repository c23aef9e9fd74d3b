"""Small-count suppression for published tables, so no person can be singled out.

The rule (also shown on every generated dataset):

1. Primary: a count from 1 to 4 (below `THRESHOLD`) is published empty with the flag "<5". Zero stays 0
   (tables only hold groups that occur, so a zero is never a person).
2. Rates and medians are published only for groups of at least `THRESHOLD` cases; otherwise empty, "<5".
3. No table has total or subtotal rows. Where another published table holds the total of a set of cells
   (complaints per category per month is the total of the complaint cells of that category and month in
   cases per service per kecamatan per month), we also suppress the smallest other cells of the set until
   at least two cells are suppressed and the suppressed cells together hold at least `THRESHOLD`, so the
   difference between the total and the visible cells never reveals a count below the threshold, nor that
   one cell alone is small. When the set's total is itself below the threshold, every cell of the set is
   suppressed (the total is suppressed in its own table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import Any

THRESHOLD = 5
FLAG = "<5"


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < THRESHOLD


def suppress_cells(
    rows: list[dict[str, Any]], *, column: str, group: Callable[[dict[str, Any]], Hashable | None] | None = None
) -> list[dict[str, Any]]:
    """Apply rules 1 and 3 to `rows[column]` in place; adds `<column>_flag` ("<5" or "").

    `group(row)` names the set a published total covers (None: the row is in no such set).
    """
    hidden = {i for i, row in enumerate(rows) if is_small(row[column])}
    if group is not None:
        sets: dict[Hashable, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            key = group(row)
            if key is not None:
                sets[key].append(i)
        for members in sets.values():
            hidden |= complementary(members, [rows[i][column] or 0 for i in members], hidden)
    for i, row in enumerate(rows):
        row[f"{column}_flag"] = FLAG if i in hidden else ""
        if i in hidden:
            row[column] = None
    return rows


def complementary(members: list[int], counts: list[int], hidden: set[int]) -> set[int]:
    """Which members of one set to suppress so the set's published total reveals nothing (rule 3)."""
    chosen = {m for m in members if m in hidden}
    if not chosen:
        return set()
    total = sum(counts)
    if total < THRESHOLD:
        return set(members)
    by_size = sorted((c, m) for m, c in zip(members, counts, strict=True) if m not in chosen)
    suppressed_sum = sum(c for m, c in zip(members, counts, strict=True) if m in chosen)
    for count, member in by_size:
        if len(chosen) >= 2 and suppressed_sum >= THRESHOLD:
            break
        chosen.add(member)
        suppressed_sum += count
    return chosen


def guarded(value: Any, n: int) -> tuple[Any, str]:
    """Rule 2: a rate or median of a group of `n` cases, or (None, "<5") when the group is small."""
    if n < THRESHOLD:
        return None, FLAG
    return value, ""
