"""Upgrade planner benchmark: 242 villages (Musi Banyuasin's desa + kelurahan) × 4 candidate options.

Times the exact plan (PuLP + bundled CBC, two stages) and the greedy baseline on the same instance in one run,
and prints the absolute times (indicative only on a shared machine) and their ratio. No assertions.

    .venv/bin/python bench/bench_planner.py [--repeat 5] [--seed 1606]

The planner is a pure function over dataclasses, so no database is needed. The instance is generated the way the
demo's sample is (same cost and bandwidth ranges), with a budget that covers roughly a third of the villages.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from simpul.infrastructure.planner import Option, PlanSite, plan_greedy, plan_ilp

VILLAGES = 242
OPTIONS = [  # technology, one-off range, monthly range, Mbps range (as simpul/infrastructure/demo.py)
    ("cellular", (2_500_000, 4_000_000), (400_000, 700_000), (3, 15)),
    ("leo", (7_000_000, 9_000_000), (1_000_000, 1_500_000), (20, 50)),
    ("radio", (20_000_000, 45_000_000), (600_000, 1_200_000), (10, 30)),
    ("fiber", (60_000_000, 250_000_000), (1_000_000, 2_000_000), (20, 100)),
]


def instance(seed: int) -> list[PlanSite]:
    rng = random.Random(seed)
    sites = []
    for i in range(VILLAGES):
        staff, residents = rng.randint(5, 12), rng.randint(600, 5000)
        need = max(4.0, staff * 0.5 + residents * 0.005 * 0.5)
        current = rng.choice([0, 0, 0, 0, 2, 4, 5, 10])
        options = tuple(
            Option(key=f"{i}-{tech}", technology=tech, one_off_cost=rng.randrange(*one_off, 100_000),
                   monthly_cost=rng.randrange(*monthly, 50_000), resulting_mbps=float(rng.randint(*mbps)))
            for tech, one_off, monthly, mbps in OPTIONS
        )
        sites.append(PlanSite(key=str(i), people=staff + residents, need_mbps=need, current_mbps=current,
                              options=options))
    return sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1606)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--budget", type=int, default=1_500_000_000)
    args = parser.parse_args()
    sites = instance(args.seed)
    ilp_times, greedy_times = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ilp = plan_ilp(sites, budget=args.budget, horizon_months=args.horizon)
        ilp_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        greedy = plan_greedy(sites, budget=args.budget, horizon_months=args.horizon)
        greedy_times.append(time.perf_counter() - t)
    ilp_med, greedy_med = statistics.median(ilp_times), statistics.median(greedy_times)
    print(f"instance: {VILLAGES} villages x {len(OPTIONS)} options, budget Rp {args.budget:,}, "
          f"horizon {args.horizon} months, seed {args.seed}, {args.repeat} runs")
    print(f"ilp (PuLP+CBC):  median {ilp_med:.3f} s  max {max(ilp_times):.3f} s  people reached "
          f"{ilp.people_reached:,}  cost Rp {ilp.cost:,}  sites {len(ilp.chosen)}")
    print(f"greedy:          median {greedy_med * 1000:.3f} ms  people reached {greedy.people_reached:,}  "
          f"cost Rp {greedy.cost:,}  sites {len(greedy.chosen)}")
    print(f"ratio ilp/greedy time: {ilp_med / greedy_med:.0f}x; ilp/greedy people: "
          f"{ilp.people_reached / max(1, greedy.people_reached):.4f}; bar: ilp under 2 s -> "
          f"{'met' if max(ilp_times) < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
