"""Factories for assessment tests: frameworks come from the shipped data files through the real loader."""

from __future__ import annotations

from typing import Any

from simpul.assessment.frameworks import shipped_framework
from simpul.assessment.models import Framework, Round, RoundStatus
from simpul.assessment.services import framework_load, round_create, round_transition


def framework(slug: str = "kebutuhan-2026") -> Framework:
    return framework_load(spec=shipped_framework(slug)).framework


def open_round(slug: str = "kebutuhan-2026", *, actor: Any = None, **kwargs: Any) -> Round:
    rnd = round_create(framework=framework(slug), name=kwargs.pop("name", f"Round {slug}"),
                       year=kwargs.pop("year", 2026), actor=actor, **kwargs)
    return round_transition(round=rnd, to=RoundStatus.OPEN, actor=actor)


def dual_answers(value: int = 4, performance: int = 3, codes: Any = None) -> dict[str, dict[str, int]]:
    codes = codes or [f"K{n:02d}" for n in range(1, 11)]
    return {c: {"value": value, "performance": performance} for c in codes}
