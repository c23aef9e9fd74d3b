"""The planner: the integer programme equals brute force on small instances and never loses to greedy."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.infrastructure.planner import (
    INFEASIBLE,
    NOTHING_TO_DO,
    Option,
    PlanSite,
    plan_brute_force,
    plan_greedy,
    plan_ilp,
)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[PlanSite], int, int]:
    n_sites = draw(st.integers(min_value=1, max_value=8))
    sites = []
    for i in range(n_sites):
        n_opts = draw(st.integers(min_value=0, max_value=3))
        options = tuple(
            Option(
                key=f"{i}-{j}",
                one_off_cost=draw(st.integers(min_value=0, max_value=50)),
                monthly_cost=draw(st.integers(min_value=0, max_value=10)),
                resulting_mbps=draw(st.integers(min_value=1, max_value=20)),
            )
            for j in range(n_opts)
        )
        sites.append(PlanSite(
            key=str(i), people=draw(st.integers(min_value=0, max_value=100)),
            need_mbps=draw(st.integers(min_value=1, max_value=15)), current_mbps=draw(st.integers(0, 10)),
            options=options,
        ))
    return sites, draw(st.integers(min_value=0, max_value=200)), draw(st.integers(min_value=0, max_value=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_ilp_equals_brute_force_and_beats_greedy(instance: tuple[list[PlanSite], int, int]) -> None:
    sites, budget, horizon = instance
    ilp = plan_ilp(sites, budget=budget, horizon_months=horizon)
    brute = plan_brute_force(sites, budget=budget, horizon_months=horizon)
    greedy = plan_greedy(sites, budget=budget, horizon_months=horizon)
    assert ilp.people_reached == brute.people_reached
    assert ilp.people_reached >= greedy.people_reached
    assert ilp.status == brute.status
    if ilp.chosen:
        assert ilp.cost == brute.cost  # the cheapest of the best plans
    assert ilp.cost <= budget
    assert greedy.cost <= budget
    by_key = {s.key: s for s in sites}
    for site_key, option_key in ilp.chosen.items():
        option = next(o for o in by_key[site_key].options if o.key == option_key)
        assert option.resulting_mbps >= by_key[site_key].need_mbps


def _site(key: str, people: int, options: list[tuple[int, int, int]], need: int = 10) -> PlanSite:
    return PlanSite(key=key, people=people, need_mbps=need, current_mbps=1, options=tuple(
        Option(key=f"{key}-{i}", one_off_cost=a, monthly_cost=m, resulting_mbps=mbps)
        for i, (a, m, mbps) in enumerate(options)))


def test_ilp_beats_greedy_where_people_per_rupiah_misleads() -> None:
    # Greedy takes the best ratio (a: 10 people for 1) and cannot afford b (100 people for 10).
    sites = [_site("a", 10, [(1, 0, 20)]), _site("b", 100, [(10, 0, 20)])]
    greedy = plan_greedy(sites, budget=10, horizon_months=12)
    ilp = plan_ilp(sites, budget=10, horizon_months=12)
    assert greedy.people_added == 10
    assert ilp.people_added == 100
    assert ilp.chosen == {"b": "b-0"}


def test_monthly_cost_counts_over_the_horizon() -> None:
    sites = [_site("a", 50, [(10, 5, 20)])]
    assert plan_ilp(sites, budget=69, horizon_months=12).people_added == 0
    assert plan_ilp(sites, budget=70, horizon_months=12).people_added == 50


def test_budget_below_cheapest_option_is_infeasible_with_reason() -> None:
    sites = [_site("a", 50, [(100, 10, 20), (80, 20, 20)])]
    result = plan_ilp(sites, budget=100, horizon_months=2)
    assert result.status == INFEASIBLE
    assert result.reason == "budget_below_cheapest"
    assert result.cheapest_cost == 120


def test_options_below_need_are_never_chosen() -> None:
    sites = [_site("a", 50, [(1, 0, 5)], need=10)]
    result = plan_ilp(sites, budget=1000, horizon_months=1)
    assert result.status == NOTHING_TO_DO
    assert result.chosen == {}


def test_sites_already_at_need_count_as_reached() -> None:
    sites = [PlanSite(key="ok", people=30, need_mbps=4, current_mbps=10), _site("a", 5, [(1, 0, 20)])]
    result = plan_ilp(sites, budget=1, horizon_months=1)
    assert result.people_reached == 35
    assert result.people_added == 5


def test_negative_budget_is_refused() -> None:
    with pytest.raises(ValueError):
        plan_ilp([_site("a", 1, [(1, 0, 20)])], budget=-1, horizon_months=1)
