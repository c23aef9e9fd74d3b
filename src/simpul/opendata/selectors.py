"""Reads of the opendata app: published datasets, searchable, with their distributions; a withdrawn dataset's
page; earlier versions of a file; and the walidata's work (drafts, what waits for review), for managers only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from simpul.catalog.models import normalize_search
from simpul.opendata.models import Dataset, DatasetDraft, DatasetVersion, Distribution, DraftStatus, Theme
from simpul.opendata.permissions import may_manage


def _distributions() -> Prefetch[Any]:
    return Prefetch("distributions", queryset=Distribution.objects.defer("content").order_by("format"))


def dataset_list(*, query: str = "", theme: str = "") -> QuerySet[Dataset]:
    """Published datasets (every word of `query` must occur in the metadata), with distributions, by title."""
    datasets = Dataset.objects.filter(is_published=True).select_related("producer", "walidata")
    for word in normalize_search(query).split()[:8]:
        datasets = datasets.filter(search_text__contains=word)
    if theme:
        # only a known theme reaches the database: any other (a NUL byte from a fuzzer included, which PostgreSQL
        # refuses in a text comparison) matches nothing
        datasets = datasets.filter(theme=theme) if theme in Theme.values else datasets.none()
    return datasets.prefetch_related(_distributions()).order_by("title_id")


def dataset_get(slug: str) -> Dataset:
    dataset = dataset_list().filter(slug=slug).first()
    if dataset is None:
        raise Http404(slug)
    return dataset


def distribution_get(*, slug: str, fmt: str) -> Distribution:
    distribution = Distribution.objects.select_related("dataset").filter(
        dataset__slug=slug, dataset__is_published=True, format=fmt
    ).first()
    if distribution is None:
        raise Http404(slug)
    return distribution


def dataset_page_get(slug: str) -> Dataset:
    """A published dataset, or a withdrawn one (its page says so); 404 for anything else."""
    dataset = (Dataset.objects.filter(slug=slug).filter(Q(is_published=True) | Q(withdrawn_at__isnull=False))
               .select_related("producer").prefetch_related(_distributions()).first())
    if dataset is None:
        raise Http404(slug)
    return dataset


def dataset_versions(dataset: Dataset) -> list[DatasetVersion]:
    """The files a dataset has published, newest first (without their content)."""
    return list(DatasetVersion.objects.filter(dataset=dataset).defer("content").order_by("-number"))


def version_get(*, slug: str, number: int) -> DatasetVersion:
    version = DatasetVersion.objects.select_related("dataset").filter(
        dataset__slug=slug, dataset__is_published=True, number=number).first()
    if version is None:
        raise Http404(slug)
    return version


@dataclass
class Workspace:
    """What a walidata sees on the open-data workspace."""

    mine: list[DatasetDraft]            # being prepared or sent back, by this person
    waiting: list[DatasetDraft]         # sent for review by this person
    to_review: list[DatasetDraft]       # sent for review by someone else: this person may publish them
    published: list[Dataset]
    withdrawn: list[Dataset]


def _drafts() -> QuerySet[DatasetDraft]:
    return DatasetDraft.objects.defer("file_content").select_related("dataset", "prepared_by")


def workspace_for(user: Any) -> Workspace:
    if not may_manage(user):
        raise PermissionDenied
    open_states = [DraftStatus.DRAFT, DraftStatus.RETURNED]
    datasets = Dataset.objects.select_related("producer").order_by("title_id")
    return Workspace(
        mine=list(_drafts().filter(prepared_by=user, status__in=open_states)),
        waiting=list(_drafts().filter(prepared_by=user, status=DraftStatus.SUBMITTED)),
        to_review=list(_drafts().filter(status=DraftStatus.SUBMITTED).exclude(prepared_by=user)
                       .exclude(prepared_by=None).order_by("submitted_at")),
        published=list(datasets.filter(is_published=True)),
        withdrawn=list(datasets.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at")),
    )


def draft_get_for(*, user: Any, token: str) -> DatasetDraft:
    """A draft by its token, for a walidata or platform admin (404 for anyone else: the token is not a secret
    to them, but the draft is none of their business)."""
    if not may_manage(user):
        raise Http404(token)
    draft = DatasetDraft.objects.select_related("dataset", "prepared_by", "reviewed_by").filter(token=token).first()
    if draft is None:
        raise Http404(token)
    return draft


def dataset_get_for_manager(*, user: Any, slug: str) -> Dataset:
    if not may_manage(user):
        raise Http404(slug)
    dataset = Dataset.objects.select_related("producer").filter(slug=slug).first()
    if dataset is None:
        raise Http404(slug)
    return dataset
