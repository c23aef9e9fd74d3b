from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.core.http.pagination import StrictLimitOffsetPagination
from simpul.regions.api.serializers import RegionFilterSerializer, RegionOutputSerializer
from simpul.regions.models import Region
from simpul.regions.selectors import region_get, region_list


class RegionPagination(StrictLimitOffsetPagination):
    """A kabupaten has a few hundred regions: one page holds them all by default."""

    default_limit = 1000
    max_limit = 5000


class RegionListApi(GenericAPIView):
    """Kemendagri regions (public reference data)."""

    serializer_class = RegionOutputSerializer
    pagination_class = RegionPagination
    filter_backends: list[Any] = []
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="regions_list",
        summary="List regions",
        parameters=[RegionFilterSerializer],  # the one the view reads: the schema says what it takes
        responses=RegionOutputSerializer(many=True),
        tags=["regions"],
    )
    def get(self, request: Request) -> Response:
        filters = RegionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = {k: v for k, v in filters.validated_data.items() if v}
        page = self.paginate_queryset(region_list(**data))
        return self.get_paginated_response(RegionOutputSerializer(page, many=True).data)


class RegionDetailApi(GenericAPIView):
    serializer_class = RegionOutputSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="regions_retrieve", summary="One region by code",
                   responses=RegionOutputSerializer, tags=["regions"])
    def get(self, request: Request, code: str) -> Response:
        try:
            region = region_get(code=code)
        except Region.DoesNotExist:
            raise Http404 from None
        return Response(RegionOutputSerializer(region).data)
