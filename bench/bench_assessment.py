"""Assessment results benchmark: a round of 100,000 responses over 50 dual-scale items (5,000,000 answers).

Two measurements, each against a baseline taken in the same run on the same data (no assertions):

1. Pure computation layer (what pages, API and command share): from the answer arrays to per-item counts,
   ordinal summaries, class bands, IPA (quadrants, Tk, gaps) and r_wg per OPD. Baseline: a plain numpy mean
   over the same importance array.
2. `simpul.assessment.selectors.round_results` (cold: spec cache cleared): it reads the round's answer
   tallies (kept by `response_submit` in the submitting transaction; built here in one statement after the bulk
   load) and computes everything the results page shows. In-memory SQLite filled with the same answers.
   Baseline: one `SELECT AVG(value)` over all the round's answers in the same database (a single scan).

    .venv/bin/python bench/bench_assessment.py [--responses 100000] [--items 50] [--repeat 3] [--no-db]

Absolute times are indicative only on a shared machine; the ratios are the comparable figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def generate(responses: int, items: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    imp_mean = rng.uniform(3.2, 4.6, items)
    perf_mean = rng.uniform(2.0, 4.2, items)
    importance = np.clip(np.rint(rng.normal(imp_mean, 0.8, (responses, items))), 1, 5).astype(np.int8)
    performance = np.clip(np.rint(rng.normal(perf_mean, 0.8, (responses, items))), 1, 5).astype(np.int8)
    agency = rng.integers(0, 25, responses)
    return importance, performance, agency


def pure_results(importance: np.ndarray, performance: np.ndarray, agency: np.ndarray) -> dict:
    """The computation the results page runs after aggregation, starting from raw answers."""
    from simpul.assessment import stats

    scale = [1, 2, 3, 4, 5]
    bands = [("TP", 1.80), ("KP", 2.60), ("CP", 3.40), ("P", 4.20), ("SP", 5.00)]
    n_items = importance.shape[1]
    by_group = stats.group_item_counts(importance, agency, 5)  # one pass: per OPD, item and value
    counts = by_group.sum(axis=0)
    pcounts = stats.counts_matrix(performance, 5)
    summaries = [stats.likert_summary_from_counts({v: int(counts[j, v]) for v in scale}, scale)
                 for j in range(n_items)]
    perf_summaries = [stats.likert_summary_from_counts({v: int(pcounts[j, v]) for v in scale}, scale)
                      for j in range(n_items)]
    band = [stats.class_band(s.mean, bands) for s in summaries]
    values = np.arange(6)
    ysum, xsum = counts @ values, pcounts @ values
    ipa = stats.ipa([f"K{j}" for j in range(n_items)], ysum, xsum, [importance.shape[0]] * n_items)
    rwg = stats.rwg_j_from_counts(by_group)
    return {"summaries": summaries, "band": band, "ipa": ipa, "rwg": rwg, "perf": perf_summaries}


def time_it(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def bench_pure(importance, performance, agency, repeat: int) -> None:
    base = time_it(lambda: importance.mean(), repeat)
    run = time_it(lambda: pure_results(importance, performance, agency), repeat)
    b, r = statistics.median(base), statistics.median(run)
    print(f"pure computation: {r * 1000:.1f} ms (median of {repeat}); numpy mean baseline {b * 1000:.2f} ms; "
          f"ratio {r / b:.1f}x")


def bench_db(importance, performance, agency, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("SIMPUL_TESTING", "true")
    os.environ.setdefault("SIMPUL_DEMO_MODE", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from simpul.agencies.models import Agency
    from simpul.assessment import selectors
    from simpul.assessment.frameworks import parse_framework
    from simpul.assessment.models import Item, Round
    from simpul.assessment.services import framework_load, round_create

    call_command("migrate", verbosity=0)
    responses, n_items = importance.shape
    spec = parse_framework({
        "code": "bench", "version": "1", "name": "Bench",
        "scales": {"s": {"kind": "likert", "points": [{"value": v, "code": str(v)} for v in range(1, 6)],
                         "bands": [{"code": c, "max": m} for c, m in
                                   [("TP", "1.80"), ("KP", "2.60"), ("CP", "3.40"), ("P", "4.20"), ("SP", "5.00")]]}},
        "sections": [{"code": "A", "name": "A", "items": [
            {"code": f"K{j:02d}", "text": f"item {j}", "scale": "s", "kind": "dual"} for j in range(n_items)]}],
    })
    fw = framework_load(spec=spec).framework
    rnd = round_create(framework=fw, name="bench", year=2026, actor=None)
    agencies = [Agency.objects.create(code=f"opd-{a}", name=f"OPD {a}") for a in range(25)]
    item_ids = list(Item.objects.filter(framework=fw).order_by("order").values_list("id", flat=True))
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO assessment_response (id, round_id, uuid, channel, \"group\", agency_id, respondent_label, "
            "content_hash, submitted_at) VALUES (?, ?, ?, 'public', 'pegawai', ?, '', '', '2026-01-01')",
            [(i + 1, rnd.pk, uuid.UUID(int=i + 1).hex, agencies[int(agency[i])].pk) for i in range(responses)],
        )
        agency_pk = [agencies[int(a)].pk for a in agency]
        imp_rows, perf_rows = importance.tolist(), performance.tolist()
        rows = (
            (i + 1, rnd.pk, item_ids[j], agency_pk[i], imp_rows[i][j], perf_rows[i][j])
            for i in range(responses) for j in range(n_items)
        )
        cur.executemany(
            "INSERT INTO assessment_answer (response_id, round_id, item_id, \"group\", agency_id, value, performance, "
            "answer_text, explanation, finding) VALUES (?, ?, ?, 'pegawai', ?, ?, ?, '', '', '')", rows)
        # the tallies response_submit keeps, built here in one statement for the bulk-loaded answers
        cur.execute(
            "INSERT INTO assessment_answertally (round_id, item_id, agency_key, \"group\", value, performance, level, n) "
            "SELECT round_id, item_id, COALESCE(agency_id, 0), \"group\", COALESCE(value, 0), "
            "COALESCE(performance, 0), COALESCE(level, 0), COUNT(*) FROM assessment_answer WHERE round_id = %s "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7", [rnd.pk])
    print(f"loaded {responses:,} responses / {responses * n_items:,} answers into in-memory SQLite in "
          f"{time.perf_counter() - t0:.1f} s (set-up, not measured)")

    def baseline() -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT AVG(value) FROM assessment_answer WHERE round_id = %s", [rnd.pk])
            cur.fetchone()

    def cold_results() -> None:
        selectors._SPEC_CACHE.clear()
        selectors.round_results(round=Round.objects.get(pk=rnd.pk))

    base = time_it(baseline, repeat)
    run = time_it(cold_results, repeat)
    b, r = statistics.median(base), statistics.median(run)
    print(f"round_results (DB aggregation + computation, cold): {r:.2f} s (median of {repeat}); "
          f"SQL AVG baseline {b:.2f} s; ratio {r / b:.3f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    importance, performance, agency = generate(args.responses, args.items)
    print(f"round: {args.responses:,} responses x {args.items} dual-scale items")
    bench_pure(importance, performance, agency, args.repeat)
    if not args.no_db:
        bench_db(importance, performance, agency, args.repeat)


if __name__ == "__main__":
    main()
