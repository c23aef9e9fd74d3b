"""`GET /api/v1/datasets/` and `GET /api/v1/datasets/<slug>/`: the open-data catalogue (public)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics

from simpul.opendata import selectors
from simpul.opendata.api.serializers import DatasetSerializer
from simpul.opendata.models import Dataset


class DatasetListApi(generics.ListAPIView):
    """Published datasets with Satu Data Indonesia metadata and download links; `q` searches the metadata."""

    serializer_class = DatasetSerializer
    permission_classes: list[Any] = []

    @extend_schema(operation_id="datasets_list", tags=["opendata"], parameters=[
        OpenApiParameter("q", str, description="Words that must occur in the dataset's metadata."),
        OpenApiParameter("theme", str, description="Theme code, e.g. pemerintahan."),
    ])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.dataset_list(query=self.request.query_params.get("q", "")[:100],
                                      theme=self.request.query_params.get("theme", "")[:30])

    filter_backends: list[Any] = []


class DatasetDetailApi(generics.RetrieveAPIView):
    """One published dataset."""

    serializer_class = DatasetSerializer
    permission_classes: list[Any] = []

    @extend_schema(operation_id="datasets_retrieve", tags=["opendata"])
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Dataset:
        try:
            return selectors.dataset_get(self.kwargs["slug"])
        except Http404:
            raise exceptions.NotFound() from None
