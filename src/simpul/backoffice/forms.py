"""Forms of the staff workspace: the worklist's filters, read from the query string."""

from __future__ import annotations

from datetime import date, timedelta
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
    # The dashboard's links (`simpul.backoffice.views.dashboard`): whose, received when, finished when, on time.
    officer = forms.IntegerField(label=_("Officer"), required=False, min_value=1, max_value=BIGINT_MAX)
    received_from = forms.DateField(label=_("Received from"), required=False)
    received_to = forms.DateField(label=_("Received until"), required=False)
    finished_from = forms.DateField(label=_("Finished from"), required=False)
    finished_to = forms.DateField(label=_("Finished until"), required=False)
    on_time = forms.ChoiceField(label=_("On time"), required=False, choices=[("", ""), ("1", "1")])

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


PERIODS = {
    "bulan-ini": _("This month"),
    "bulan-lalu": _("Last month"),
    "kuartal-ini": _("This quarter"),
    "tahun-ini": _("This year"),
    "pilih": _("Choose dates"),
}
MAX_PERIOD_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)  # before any case in Simpul; also keeps date arithmetic far from year 9999


def period_dates(period: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around `today` ("bulan-ini" and the others in `PERIODS`)."""
    month_start = today.replace(day=1)
    if period == "bulan-lalu":
        end = month_start - timedelta(days=1)
        return end.replace(day=1), end
    if period == "kuartal-ini":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    if period == "tahun-ini":
        return today.replace(month=1, day=1), today
    return month_start, today


class DashboardPeriodForm(forms.Form):
    """The dashboard's period, from the query string: a named period, or dates chosen (`pilih`)."""

    periode = forms.ChoiceField(label=_("Period"), required=False, choices=list(PERIODS.items()),
                                widget=forms.RadioSelect)
    dari = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("periode") or ("pilih" if data.get("dari") or data.get("sampai") else "bulan-ini")
        data["periode"] = period
        if period == "pilih":
            start = data.get("dari") or self.today.replace(day=1)
            end = data.get("sampai") or self.today
            if start > end:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if start < EARLIEST or end > self.today + timedelta(days=366):
                raise forms.ValidationError(_("Choose dates from the year 2000 up to today."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        else:
            start, end = period_dates(period, self.today)
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[str, date, date]:
        """The chosen period, or this month when the choice is not valid."""
        if self.is_valid():
            return self.cleaned_data["periode"], self.cleaned_data["start"], self.cleaned_data["end"]
        start, end = period_dates("bulan-ini", self.today)
        return "bulan-ini", start, end
