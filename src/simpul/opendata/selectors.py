"""Reads of the opendata app: published datasets, searchable, with their distributions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from simpul.catalog.models import normalize_search
from simpul.opendata.models import Dataset, Distribution


def _distributions() -> Prefetch[Any]:
    return Prefetch("distributions", queryset=Distribution.objects.defer("content").order_by("format"))


def dataset_list(*, query: str = "", theme: str = "") -> QuerySet[Dataset]:
    """Published datasets (every word of `query` must occur in the metadata), with distributions, by title."""
    datasets = Dataset.objects.filter(is_published=True).select_related("producer", "walidata")
    for word in normalize_search(query).split()[:8]:
        datasets = datasets.filter(search_text__contains=word)
    if theme:
        datasets = datasets.filter(theme=theme)
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
