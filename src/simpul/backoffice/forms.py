"""Forms of the staff workspace: the worklist's filters, read from the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.cases.constants import CaseStatus
from simpul.cases.selectors import SORTS

BIGINT_MAX = 2**63 - 1  # the largest id a database row can have


class WorklistFilterForm(forms.Form):
    """The worklist's filters (`simpul.cases.selectors.case_list_for_officer`), each checked before it reaches the
    database: an edited link (`?agency=abc`, a 20-digit id, a status that does not exist) is an error on the page,
    and the other filters still apply."""

    q = forms.CharField(label=_("Reference"), required=False, max_length=100)
    status = forms.CharField(label=_("Status"), required=False, max_length=40)
    service = forms.CharField(label=_("Service"), required=False, max_length=100)
    kecamatan = forms.CharField(label=_("Kecamatan"), required=False, max_length=40)
    agency = forms.IntegerField(label=_("Agency"), required=False, min_value=1, max_value=BIGINT_MAX)
    due = forms.ChoiceField(label=_("Due"), required=False,
                            choices=[("", ""), ("overdue", "overdue"), ("today", "today"), ("week", "week")])
    assigned = forms.ChoiceField(label=_("Assigned"), required=False,
                                 choices=[("", ""), ("me", "me"), ("none", "none")])
    waiting = forms.ChoiceField(label=_("Waiting for me"), required=False, choices=[("", ""), ("me", "me")])
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[("", ""), *((k, k) for k in SORTS)])

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        if status and status not in {"open", "all", *CaseStatus.values}:
            raise forms.ValidationError(_("Choose a status from the list."), code="invalid_choice")
        return status

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out), as `case_list_for_officer` takes them."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in self.fields}

    def problems(self) -> list[str]:
        return [f"{self.fields[name].label}: {' '.join(messages)}" for name, messages in self.errors.items()]
