"""`{% case_business_facts case as facts %}`: the business a case was sent for and its tax estimate, for the
pages that show a case without a view of this app (the officer's case screen, through
`cases/_applicant_business.html`)."""

from __future__ import annotations

from typing import Any

from django import template

from simpul.cases.business import business_for_case, case_estimate

register = template.Library()


@register.simple_tag
def case_business_facts(case: Any) -> dict[str, Any]:
    return {"business": business_for_case(case=case), "estimate": case_estimate(case=case)}
