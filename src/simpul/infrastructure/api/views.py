"""Infrastructure API: read endpoints for sites, links, measurements, coverage and applications, and
`POST /api/v1/measurements/` for probes (idempotent by link + probe id + time: 201 first, 200 with the same row
on replay)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.infrastructure import selectors
from simpul.infrastructure.api import permissions as perms
from simpul.infrastructure.api.serializers import (
    ApplicationOutputSerializer,
    CoverageFilterSerializer,
    CoverageRowSerializer,
    LinkFilterSerializer,
    LinkOutputSerializer,
    MeasurementFilterSerializer,
    MeasurementInputSerializer,
    MeasurementOutputSerializer,
    SiteOutputSerializer,
)
from simpul.infrastructure.models import Application, Link, Measurement, MeasurementSource, Site
from simpul.infrastructure.services import measurement_record

TAG = ["infrastructure"]


class _RegistryApi(GenericAPIView):
    authentication_classes = perms.AUTHENTICATION_CLASSES
    permission_classes = [perms.RegistryRead]


class SiteListApi(_RegistryApi):
    serializer_class = SiteOutputSerializer
    queryset = Site.objects.none()  # for the schema; rows come from the selector

    @extend_schema(operation_id="infrastructure_sites_list", summary="List sites", tags=TAG,
                   parameters=[OpenApiParameter("region", OpenApiTypes.STR, description="Region code (and below)"),
                               OpenApiParameter("kind", OpenApiTypes.STR, description="Site kind")],
                   responses=SiteOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.site_list(region_code=request.query_params.get("region") or None,
                                 kind=request.query_params.get("kind") or None)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(SiteOutputSerializer(page, many=True).data)


class LinkListApi(_RegistryApi):
    serializer_class = LinkOutputSerializer
    queryset = Link.objects.none()  # for the schema; rows come from the selector

    @extend_schema(operation_id="infrastructure_links_list", summary="List links", tags=TAG,
                   parameters=[LinkFilterSerializer], responses=LinkOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = LinkFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        d = filters.validated_data
        qs = selectors.link_list(site_id=d.get("site"), region_code=d.get("region") or None)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(LinkOutputSerializer(page, many=True).data)


class MeasurementApi(_RegistryApi):
    serializer_class = MeasurementOutputSerializer
    queryset = Measurement.objects.none()  # for the schema; rows come from the selector

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [perms.MEASUREMENT_WRITE]
        return super().get_permissions()

    @extend_schema(operation_id="infrastructure_measurements_list", summary="List measurements", tags=TAG,
                   parameters=[MeasurementFilterSerializer], responses=MeasurementOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = MeasurementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        d = filters.validated_data
        qs = selectors.measurement_list(link_id=d.get("link"), site_id=d.get("site"), since=d.get("since"),
                                        until=d.get("until"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MeasurementOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="infrastructure_measurements_create",
        summary="Report a measurement (probes; scope infrastructure:write)",
        description="Idempotent by (link, probe_id, measured_at): the first post answers 201, a replay 200 with "
                    "the stored measurement. Bandwidth must be between 0 and 100000 Mbps.",
        request=MeasurementInputSerializer,
        responses={201: MeasurementOutputSerializer, 200: MeasurementOutputSerializer},
        tags=TAG,
    )
    def post(self, request: Request) -> Response:
        data = MeasurementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        link = Link.objects.select_related("site").filter(pk=d.pop("link")).first()
        if link is None:
            raise ValidationError({"link": [_("Unknown link.")]})
        measurement, created = measurement_record(
            link=link, source=MeasurementSource.PROBE, actor_label=perms.actor_label(request), **d
        )
        return Response(MeasurementOutputSerializer(measurement).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CoverageApi(GenericAPIView):
    """Public coverage summary per kecamatan (or per desa of one kecamatan)."""

    serializer_class = CoverageRowSerializer
    queryset = Site.objects.none()  # for the schema; rows come from the selector
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    pagination_class = None

    @extend_schema(operation_id="infrastructure_coverage", summary="Coverage per kecamatan or per desa", tags=TAG,
                   parameters=[CoverageFilterSerializer], responses=CoverageRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = CoverageFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        d = filters.validated_data
        if d.get("kecamatan"):
            rows = selectors.coverage_by_desa(kecamatan_code=d["kecamatan"], start=d.get("since"),
                                              end=d.get("until"))
        else:
            rows = selectors.coverage_by_kecamatan(start=d.get("since"), end=d.get("until"))
        return Response(CoverageRowSerializer(rows, many=True).data)


class ApplicationListApi(_RegistryApi):
    serializer_class = ApplicationOutputSerializer
    queryset = Application.objects.none()  # for the schema; rows come from the selector

    @extend_schema(operation_id="infrastructure_applications_list", summary="List ICT applications", tags=TAG,
                   responses=ApplicationOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.application_list())
        return self.get_paginated_response(ApplicationOutputSerializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(operation_id="infrastructure_measurements_list_alias", deprecated=True,
                      summary="List measurements (alias of /api/v1/measurements/)"),
    post=extend_schema(operation_id="infrastructure_measurements_create_alias", deprecated=True,
                       summary="Report a measurement (alias of /api/v1/measurements/)"),
)
class InfrastructureMeasurementApi(MeasurementApi):
    """The same operations under /api/v1/infrastructure/measurements/, the path of the first probe scripts: in
    the schema as deprecated aliases of /api/v1/measurements/, so every routed operation is documented."""
