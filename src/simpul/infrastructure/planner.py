"""The upgrade planner: which candidate upgrades reach the most people for a budget.

Pure functions over dataclasses (no database), so pages, tests and `bench/bench_planner.py` share them.

Model: each site has the people it serves, its bandwidth need and its current bandwidth, and some candidate
options (one-off cost, monthly cost, resulting Mbps). Over a horizon of H months an option costs
one_off + monthly × H. Choose at most one option per site, total cost ≤ budget, maximising the people served at or
above their need (sites already at their need count without an upgrade). Among plans reaching the same number of
people, the cheapest is chosen.

- `plan_ilp`: the exact answer, an integer programme solved by CBC bundled with PuLP (no outside service).
- `plan_greedy`: the baseline: sites by people per rupiah of their cheapest sufficient option.
- `plan_brute_force`: every combination; only for tiny instances (tests).
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"
NOTHING_TO_DO = "nothing_to_do"


@dataclass(frozen=True)
class Option:
    key: str
    one_off_cost: int
    monthly_cost: int
    resulting_mbps: float
    technology: str = ""

    def cost(self, horizon_months: int) -> int:
        return self.one_off_cost + self.monthly_cost * horizon_months


@dataclass(frozen=True)
class PlanSite:
    key: str
    people: int
    need_mbps: float
    current_mbps: float
    options: tuple[Option, ...] = ()

    @property
    def meets_need(self) -> bool:
        return self.current_mbps >= self.need_mbps


@dataclass
class PlanResult:
    method: str
    status: str
    chosen: dict[str, str] = field(default_factory=dict)  # site key → option key
    cost: int = 0
    people_reached: int = 0  # people at or above need after the plan (including sites already there)
    people_added: int = 0  # people brought to their need by the plan
    reason: str = ""  # why there is no plan (machine code); pages translate it
    cheapest_cost: int | None = None


def _useful(sites: list[PlanSite], horizon: int) -> list[tuple[PlanSite, list[Option]]]:
    """Sites under their need with the options that would bring them to it."""
    out = []
    for s in sites:
        if s.meets_need or s.people <= 0:
            continue
        opts = [o for o in s.options if o.resulting_mbps >= s.need_mbps]
        if opts:
            out.append((s, opts))
    return out


def _base_people(sites: list[PlanSite]) -> int:
    return sum(s.people for s in sites if s.meets_need)


def _check(sites: list[PlanSite], budget: int, horizon: int, method: str) -> PlanResult | None:
    """A result without solving when no plan can exist; None when solving makes sense."""
    if budget < 0 or horizon < 0:
        raise ValueError("budget and horizon must not be negative")
    base = _base_people(sites)
    useful = _useful(sites, horizon)
    if not useful:
        return PlanResult(method=method, status=NOTHING_TO_DO, people_reached=base, reason="no_useful_option")
    cheapest = min(o.cost(horizon) for _s, opts in useful for o in opts)
    if budget < cheapest:
        return PlanResult(
            method=method, status=INFEASIBLE, people_reached=base, reason="budget_below_cheapest",
            cheapest_cost=cheapest,
        )
    return None


def _result(method: str, sites: list[PlanSite], chosen: dict[str, Option], horizon: int) -> PlanResult:
    people = {s.key: s.people for s in sites}
    added = sum(people[k] for k in chosen)
    return PlanResult(
        method=method,
        status=OPTIMAL if method != "greedy" else "feasible",
        chosen={k: o.key for k, o in chosen.items()},
        cost=sum(o.cost(horizon) for o in chosen.values()),
        people_added=added,
        people_reached=_base_people(sites) + added,
    )


def plan_greedy(sites: list[PlanSite], *, budget: int, horizon_months: int) -> PlanResult:
    """Baseline: for each site its cheapest sufficient option; take sites by people per rupiah while money lasts."""
    early = _check(sites, budget, horizon_months, "greedy")
    if early:
        return early
    candidates = []
    for s, opts in _useful(sites, horizon_months):
        best = min(opts, key=lambda o: (o.cost(horizon_months), o.key))
        cost = best.cost(horizon_months)
        ratio = float("inf") if cost == 0 else s.people / cost
        candidates.append((-ratio, cost, s.key, best))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    left = budget
    chosen: dict[str, Option] = {}
    for _r, cost, key, opt in candidates:
        if cost <= left:
            chosen[key] = opt
            left -= cost
    return _result("greedy", sites, chosen, horizon_months)


def plan_brute_force(sites: list[PlanSite], *, budget: int, horizon_months: int) -> PlanResult:
    """Every combination (exponential): the reference answer for tests on tiny instances."""
    early = _check(sites, budget, horizon_months, "brute_force")
    if early:
        return early
    useful = _useful(sites, horizon_months)
    best: tuple[int, int] | None = None
    best_choice: dict[str, Option] = {}
    for combo in itertools.product(*[[None, *opts] for _s, opts in useful]):
        cost = sum(o.cost(horizon_months) for o in combo if o is not None)
        if cost > budget:
            continue
        people = sum(s.people for (s, _o), o in zip(useful, combo, strict=True) if o is not None)
        score = (people, -cost)
        if best is None or score > best:
            best = score
            best_choice = {s.key: o for (s, _o), o in zip(useful, combo, strict=True) if o is not None}
    return _result("brute_force", sites, best_choice, horizon_months)


def plan_ilp(sites: list[PlanSite], *, budget: int, horizon_months: int, time_limit_seconds: int = 20) -> PlanResult:
    """The exact plan: a 0/1 integer programme solved with PuLP's bundled CBC.

    One objective: people reached, minus cost / (budget + 1) as a tie-break (always < 1 person).
    """
    with warnings.catch_warnings():
        # PuLP 3 announces API changes coming in PuLP 4; the calls used here work in PuLP 3.
        warnings.simplefilter("ignore", DeprecationWarning)
        return _plan_ilp(sites, budget=budget, horizon_months=horizon_months, time_limit_seconds=time_limit_seconds)


def _plan_ilp(sites: list[PlanSite], *, budget: int, horizon_months: int, time_limit_seconds: int) -> PlanResult:
    import pulp

    early = _check(sites, budget, horizon_months, "ilp")
    if early:
        return early
    useful = _useful(sites, horizon_months)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_seconds)

    def build(sense: int) -> tuple[pulp.LpProblem, dict[tuple[int, int], pulp.LpVariable]]:
        prob = pulp.LpProblem("upgrade_plan", sense)
        x = {
            (i, j): pulp.LpVariable(f"x_{i}_{j}", cat=pulp.LpBinary)
            for i, (_s, opts) in enumerate(useful)
            for j in range(len(opts))
        }
        for i, (_s, opts) in enumerate(useful):
            prob += pulp.lpSum(x[i, j] for j in range(len(opts))) <= 1, f"one_option_{i}"
        prob += (
            pulp.lpSum(o.cost(horizon_months) * x[i, j] for i, (_s, opts) in enumerate(useful) for j, o in
                       enumerate(opts)) <= budget,
            "budget",
        )
        return prob, x

    # People count 1 each; the cost term, scaled by the budget, is always below 1, so it only breaks ties
    # between plans reaching the same number of people (the cheapest wins).
    scale = budget + 1
    prob, x = build(pulp.LpMaximize)
    prob += pulp.lpSum(
        (s.people - o.cost(horizon_months) / scale) * x[i, j]
        for i, (s, opts) in enumerate(useful) for j, o in enumerate(opts)
    )
    prob.solve(solver)
    chosen_vars = x
    chosen: dict[str, Option] = {}
    for (i, j), var in chosen_vars.items():
        if (var.value() or 0) > 0.5:
            s, opts = useful[i]
            chosen[s.key] = opts[j]
    return _result("ilp", sites, chosen, horizon_months)
