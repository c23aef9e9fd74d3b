from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.agencies.api.serializers import AgencyFilterSerializer, AgencyOutputSerializer
from simpul.agencies.models import Agency
from simpul.agencies.selectors import agency_get, agency_list
from simpul.core.http.pagination import StrictLimitOffsetPagination


class AgencyPagination(StrictLimitOffsetPagination):
    default_limit = 500
    max_limit = 2000


class AgencyListApi(GenericAPIView):
    """Agencies (perangkat daerah) of the regency: public."""

    serializer_class = AgencyOutputSerializer
    pagination_class = AgencyPagination
    filter_backends: list[Any] = []
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="agencies_list",
        summary="List agencies",
        parameters=[AgencyFilterSerializer],  # the one the view reads: the schema says what it takes
        responses=AgencyOutputSerializer(many=True),
        tags=["agencies"],
    )
    def get(self, request: Request) -> Response:
        filters = AgencyFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = {k: v for k, v in filters.validated_data.items() if v}
        page = self.paginate_queryset(agency_list(**data))
        return self.get_paginated_response(AgencyOutputSerializer(page, many=True).data)


class AgencyDetailApi(GenericAPIView):
    serializer_class = AgencyOutputSerializer
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="agencies_retrieve", summary="One agency by code",
                   responses=AgencyOutputSerializer, tags=["agencies"])
    def get(self, request: Request, code: str) -> Response:
        try:
            agency = agency_get(code=code)
        except Agency.DoesNotExist:
            raise Http404 from None
        return Response(AgencyOutputSerializer(agency).data)
