"""Statistics of the assessment method (METHODS.md (b)), in pure Python + numpy.

Likert summaries (n, median, IQR, mode, distribution, top-2-box, mean with its class band), r_wg,
Importance-Performance Analysis (quadrants, conformity Tk, gap, weighted gap, diagonal distance), and
agreement (Cohen's kappa, weighted kappa, Fleiss' kappa, Krippendorff's alpha via the `krippendorff` library)
with the METHODS.md thresholds. Shared by the pages, the API, the exports and the benchmark.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Krippendorff (2004): alpha >= .800 reliable, .667-.800 tentative conclusions only, < .667 reject.
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
# James, Demaree & Wolf (1984): pool a group's answers only when r_wg >= .70.
RWG_POOL_MIN = 0.70
# Landis & Koch (1977) bands for kappa: upper bounds.
LANDIS_KOCH = [(0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"),
               (1.0, "almost perfect")]

QUADRANT_I = "I"  # high importance, low performance: concentrate here (prioritas utama)
QUADRANT_II = "II"  # high / high: keep up the good work (pertahankan prestasi)
QUADRANT_III = "III"  # low / low: low priority (prioritas rendah)
QUADRANT_IV = "IV"  # low importance, high performance: possible overkill (berlebihan)


@dataclass
class LikertSummary:
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    mode: int | None
    distribution: dict[int, int]
    percent: dict[int, float]
    top2: float | None
    mean: float | None
    sd: float | None


def likert_summary(values: Sequence[int] | np.ndarray, scale_values: Sequence[int]) -> LikertSummary:
    """Ordinal summary of one item's answers; quartiles by linear interpolation (numpy default)."""
    arr = np.asarray(values, dtype=np.int64)
    counts = {v: 0 for v in scale_values}
    if arr.size:
        uniq, cnt = np.unique(arr, return_counts=True)
        for u, c in zip(uniq.tolist(), cnt.tolist(), strict=True):
            counts[int(u)] = int(c)
    n = int(arr.size)
    if n == 0:
        return LikertSummary(0, None, None, None, None, None, counts, {v: 0.0 for v in counts}, None, None, None)
    q1, med, q3 = (float(x) for x in np.percentile(arr, [25, 50, 75]))
    top_values = sorted(scale_values)[-2:]
    top2 = sum(counts[v] for v in top_values) / n * 100
    mode = max(counts, key=lambda v: (counts[v], -v))
    return LikertSummary(
        n=n, median=med, q1=q1, q3=q3, iqr=q3 - q1, mode=mode, distribution=counts,
        percent={v: c / n * 100 for v, c in counts.items()}, top2=top2, mean=float(arr.mean()),
        sd=float(arr.std(ddof=1)) if n > 1 else 0.0,
    )


def likert_summary_from_counts(counts: dict[int, int], scale_values: Sequence[int]) -> LikertSummary:
    """The same summary from a count per scale value (what the database aggregation returns)."""
    ordered = sorted(scale_values)
    full = {v: int(counts.get(v, 0)) for v in ordered}
    n = sum(full.values())
    if n == 0:
        return likert_summary([], ordered)
    vals = np.array(ordered, dtype=np.float64)
    cnt = np.array([full[v] for v in ordered], dtype=np.float64)
    mean = float((vals * cnt).sum() / n)
    var = float((cnt * (vals - mean) ** 2).sum() / (n - 1)) if n > 1 else 0.0
    cum = np.cumsum(cnt)

    def quantile(q: float) -> float:
        pos = q * (n - 1)  # numpy's linear interpolation on the sorted answers
        lo, hi = math.floor(pos), math.ceil(pos)
        v_lo = vals[int(np.searchsorted(cum, lo + 1))]
        v_hi = vals[int(np.searchsorted(cum, hi + 1))]
        return float(v_lo + (v_hi - v_lo) * (pos - lo))

    q1, med, q3 = quantile(0.25), quantile(0.5), quantile(0.75)
    top2 = sum(full[v] for v in ordered[-2:]) / n * 100
    mode = max(full, key=lambda v: (full[v], -v))
    return LikertSummary(n=n, median=med, q1=q1, q3=q3, iqr=q3 - q1, mode=mode, distribution=full,
                         percent={v: c / n * 100 for v, c in full.items()}, top2=top2, mean=mean,
                         sd=math.sqrt(var))


def rwg(values: Sequence[float], *, options: int = 5) -> float | None:
    """Within-group agreement r_wg = 1 - s^2 / sigma^2_EU, sigma^2_EU = (A^2 - 1)/12; 0 when s^2 > sigma^2_EU."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size < 2:
        return None
    expected = (options**2 - 1) / 12
    s2 = float(arr.var(ddof=1))
    if s2 > expected:
        return 0.0
    return 1 - s2 / expected


def rwg_from_counts(counts: dict[int, int], *, options: int = 5) -> float | None:
    """r_wg from a count per answer value (the same result as `rwg` on the expanded answers)."""
    n = sum(counts.values())
    if n < 2:
        return None
    mean = sum(v * c for v, c in counts.items()) / n
    s2 = sum(c * (v - mean) ** 2 for v, c in counts.items()) / (n - 1)
    expected = (options**2 - 1) / 12
    if s2 > expected:
        return 0.0
    return 1 - s2 / expected


def rwg_j(matrix: np.ndarray, *, options: int = 5) -> float | None:
    """r_wg(J) for J parallel items (rows = respondents, columns = items)."""
    arr = np.asarray(matrix, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2:
        return None
    j = arr.shape[1]
    expected = (options**2 - 1) / 12
    mean_s2 = float(arr.var(axis=0, ddof=1).mean())
    if mean_s2 > expected:
        return 0.0
    ratio = mean_s2 / expected
    return (j * (1 - ratio)) / (j * (1 - ratio) + ratio)


def class_band(mean: float, bands: Sequence[tuple[str, float]]) -> str:
    """The band whose upper bound the mean (rounded to 2 decimals) does not exceed."""
    m = round(mean, 2)
    for code, upper in bands:
        if m <= upper:
            return code
    return bands[-1][0]


@dataclass
class IpaRow:
    code: str
    importance: float  # Y-bar
    performance: float  # X-bar
    n: int
    quadrant: str
    tk: float  # conformity, percent
    gap: float  # Y - X (positive = unmet need)
    weighted_gap: float
    diagonal: float  # distance above the 45-degree line, gap / sqrt(2)


@dataclass
class IpaResult:
    rows: list[IpaRow]
    x_cross: float
    y_cross: float
    crosshair: str  # "data" or "midpoint"


def ipa(
    codes: Sequence[str],
    importance_sum: Sequence[float],
    performance_sum: Sequence[float],
    n: Sequence[int],
    *,
    crosshair: str = "data",
    midpoint: float = 3.0,
) -> IpaResult:
    """Importance-Performance Analysis (Martilla & James 1977; Tk after Supranto).

    Inputs are per-item sums of importance (Y) and performance (X) over the n respondents who answered both.
    Quadrants: a mean on the crosshair counts as high.
    """
    ysum = np.asarray(importance_sum, dtype=np.float64)
    xsum = np.asarray(performance_sum, dtype=np.float64)
    cnt = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ybar = np.where(cnt > 0, ysum / cnt, np.nan)
        xbar = np.where(cnt > 0, xsum / cnt, np.nan)
    valid = ~np.isnan(ybar)
    if crosshair == "midpoint":
        x_cross = y_cross = float(midpoint)
    elif crosshair == "data":
        x_cross = float(np.nanmean(xbar)) if valid.any() else float(midpoint)
        y_cross = float(np.nanmean(ybar)) if valid.any() else float(midpoint)
    else:
        raise ValueError(f"unknown crosshair {crosshair!r}")
    total_y = float(np.nansum(ybar))
    rows = []
    for i, code in enumerate(codes):
        if not valid[i]:
            continue
        y, x = float(ybar[i]), float(xbar[i])
        high_i, high_p = y >= y_cross, x >= x_cross
        quadrant = (QUADRANT_II if high_p else QUADRANT_I) if high_i else (QUADRANT_IV if high_p else QUADRANT_III)
        gap = y - x
        rows.append(IpaRow(
            code=code, importance=y, performance=x, n=int(cnt[i]), quadrant=quadrant,
            tk=float(xsum[i] / ysum[i] * 100) if ysum[i] else 0.0, gap=gap,
            weighted_gap=(y / total_y) * gap if total_y else 0.0, diagonal=gap / math.sqrt(2),
        ))
    return IpaResult(rows=rows, x_cross=x_cross, y_cross=y_cross, crosshair=crosshair)


def cohen_kappa(a: Sequence[object], b: Sequence[object]) -> float | None:
    """Cohen's kappa = (p_o - p_e) / (1 - p_e), p_e = sum_k p_A,k * p_B,k. None when undefined (p_e = 1)."""
    if len(a) != len(b):
        raise ValueError("both coders must rate the same units")
    if not a:
        return None
    cats = sorted(set(a) | set(b), key=str)
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for x, y in zip(a, b, strict=True):
        table[index[x], index[y]] += 1
    return _kappa_from_table(table)


def _kappa_from_table(table: np.ndarray) -> float | None:
    n = table.sum()
    p_o = np.trace(table) / n
    p_e = float((table.sum(axis=1) / n) @ (table.sum(axis=0) / n))
    if math.isclose(p_e, 1.0):
        return None
    return float((p_o - p_e) / (1 - p_e))


def weighted_kappa(a: Sequence[int], b: Sequence[int], *, categories: Sequence[int], weights: str = "quadratic"
                   ) -> float | None:
    """kappa_w = 1 - sum(w_ij o_ij) / sum(w_ij e_ij), w_ij = |i-j| (linear) or (i-j)^2 (quadratic)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same units")
    if not a:
        return None
    cats = list(categories)
    k = len(cats)
    pos = {c: i for i, c in enumerate(cats)}
    obs = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        obs[pos[x], pos[y]] += 1
    obs /= obs.sum()
    exp = np.outer(obs.sum(axis=1), obs.sum(axis=0))
    idx = np.arange(k)
    diff = np.abs(idx[:, None] - idx[None, :]).astype(float)
    w = diff if weights == "linear" else diff**2
    den = float((w * exp).sum())
    if den == 0:
        return None
    return float(1 - (w * obs).sum() / den)


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa from an (units x categories) table of how many raters chose each category."""
    table = np.asarray(counts, dtype=np.float64)
    n_raters = table.sum(axis=1)
    if table.size == 0 or not np.all(n_raters == n_raters[0]) or n_raters[0] < 2:
        return None
    m = n_raters[0]
    p_i = ((table * (table - 1)).sum(axis=1)) / (m * (m - 1))
    p_bar = p_i.mean()
    p_j = table.sum(axis=0) / table.sum()
    p_e = float((p_j**2).sum())
    if math.isclose(p_e, 1.0):
        return None
    return float((p_bar - p_e) / (1 - p_e))


def krippendorff_alpha(reliability_data: np.ndarray, *, level: str = "nominal") -> float | None:
    """Krippendorff's alpha (rows = coders, columns = units, NaN = missing) via the `krippendorff` library."""
    import krippendorff

    data = np.asarray(reliability_data, dtype=np.float64)
    if data.ndim != 2 or data.shape[0] < 2:
        return None
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if not pairable.any():
        return None
    values = np.unique(data[~np.isnan(data)])
    if values.size < 2:
        return None  # one value everywhere: no variation, alpha undefined
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def alpha_verdict(alpha: float | None) -> str:
    """'reliable', 'tentative' or 'reject' (METHODS.md thresholds); '' when undefined."""
    if alpha is None:
        return ""
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "reject"


def landis_koch(kappa: float | None) -> str:
    if kappa is None:
        return ""
    if kappa < 0:
        return "poor"
    for upper, label in LANDIS_KOCH[1:]:
        if kappa <= upper:
            return label
    return "almost perfect"



def group_item_counts(answers: np.ndarray, groups: np.ndarray | None, max_value: int) -> np.ndarray:
    """Counts per group, item and value in one bincount pass: -> (groups x items x max_value+1).

    Without groups, one group (index 0). Summing over axis 0 gives the counts per item.
    """
    arr = np.asarray(answers)
    items = arr.shape[1]
    width = max_value + 1
    grp = np.zeros(arr.shape[0], dtype=np.int32) if groups is None else np.asarray(groups).astype(np.int32)
    n_groups = int(grp.max()) + 1 if grp.size else 1
    keys = (grp[:, None] * (items * width) + np.arange(items, dtype=np.int32) * width) + arr
    return np.bincount(keys.ravel(), minlength=n_groups * items * width).reshape(n_groups, items, width)


def counts_matrix(answers: np.ndarray, max_value: int) -> np.ndarray:
    """Counts per item and value: (respondents x items) -> (items x max_value+1)."""
    return group_item_counts(answers, None, max_value)[0]


def rwg_j_from_counts(counts: np.ndarray, *, options: int = 5) -> dict[int, float | None]:
    """r_wg(J) per group from (groups x items x values) counts: variances from the first two moments."""
    values = np.arange(counts.shape[2], dtype=np.float64)
    n = counts.sum(axis=2).astype(np.float64)  # groups x items
    s1 = counts @ values
    s2 = counts @ (values * values)
    expected = (options**2 - 1) / 12
    items = counts.shape[1]
    out: dict[int, float | None] = {}
    for g in range(counts.shape[0]):
        if n[g].min() < 2:
            out[g] = None
            continue
        var = (s2[g] - s1[g] ** 2 / n[g]) / (n[g] - 1)
        mean_s2 = float(var.mean())
        if mean_s2 > expected:
            out[g] = 0.0
            continue
        ratio = mean_s2 / expected
        out[g] = (items * (1 - ratio)) / (items * (1 - ratio) + ratio)
    return out


def rwg_j_by_group(answers: np.ndarray, groups: np.ndarray, *, options: int = 5) -> dict[int, float | None]:
    """r_wg(J) per group (rows = respondents, columns = items)."""
    return rwg_j_from_counts(group_item_counts(answers, groups, options), options=options)


def wilcoxon_signed_rank(pair_counts: dict[tuple[int, int], int]) -> tuple[float | None, float | None]:
    """Wilcoxon signed-rank test on paired (importance, performance) answers given as counts per pair.

    Zero differences are dropped (Wilcoxon's method), tied |d| get their average rank, and the normal
    approximation with the tie correction gives z and the two-sided p. Returns (z, p); (None, None) when
    fewer than one non-zero difference.
    """
    by_abs: dict[int, list[int]] = {}  # |d| -> [count of positive d, count of negative d]
    for (imp, perf), n in pair_counts.items():
        d = imp - perf
        if d == 0 or n <= 0:
            continue
        entry = by_abs.setdefault(abs(d), [0, 0])
        entry[0 if d > 0 else 1] += n
    total = sum(p + q for p, q in by_abs.values())
    if total == 0:
        return None, None
    w_plus = 0.0
    tie_term = 0.0
    rank_start = 1
    for _abs_d, (pos, neg) in sorted(by_abs.items()):
        t = pos + neg
        average_rank = rank_start + (t - 1) / 2
        w_plus += pos * average_rank
        tie_term += t**3 - t
        rank_start += t
    mean = total * (total + 1) / 4
    var = total * (total + 1) * (2 * total + 1) / 24 - tie_term / 48
    if var <= 0:
        return None, None
    z = (w_plus - mean) / math.sqrt(var)
    return z, math.erfc(abs(z) / math.sqrt(2))
