"""`GET /api/v1/services/` and `GET /api/v1/services/<code>/`: the public catalog (current versions)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.catalog.api.serializers import (
    ServiceDetailOutputSerializer,
    ServiceFilterSerializer,
    ServiceListOutputSerializer,
)
from simpul.catalog.selectors import service_get, service_list
from simpul.core.http.pagination import StrictLimitOffsetPagination


class ServicePagination(StrictLimitOffsetPagination):
    default_limit = 100
    max_limit = 500


class ServiceListApi(GenericAPIView):
    """Active services with their current published version (public)."""

    serializer_class = ServiceListOutputSerializer
    pagination_class = ServicePagination
    filter_backends: list[Any] = []
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="services_list",
        summary="List services",
        description="Search is accent- and case-insensitive and matches every word (names, descriptions, agency).",
        parameters=[ServiceFilterSerializer],  # the one the view reads: the schema says what it takes
        responses=ServiceListOutputSerializer(many=True),
        tags=["catalog"],
    )
    def get(self, request: Request) -> Response:
        filters = ServiceFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        versions = service_list(query=data.get("q", ""), kind=data.get("kind"), audience=data.get("audience"))
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(
            ServiceListOutputSerializer(page, many=True, context={"request": request}).data
        )


class ServiceDetailApi(GenericAPIView):
    """One service's current version with its form and documents (public)."""

    serializer_class = ServiceDetailOutputSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="services_retrieve", summary="One service by code",
                   responses=ServiceDetailOutputSerializer, tags=["catalog"])
    def get(self, request: Request, code: str) -> Response:
        version = service_get(code)
        return Response(ServiceDetailOutputSerializer(version, context={"request": request}).data)
