"""Read API of the assessment app: frameworks (public reference data), rounds and their results.

Published rounds are public; other rounds only for evaluators and platform admins with a verified second factor.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from simpul.accounts.permissions import is_mfa_verified
from simpul.assessment import selectors
from simpul.assessment.api.serializers import (
    FrameworkDetailSerializer,
    FrameworkOutputSerializer,
    RoundOutputSerializer,
    RoundResultsSerializer,
)
from simpul.assessment.models import Framework, Round, RoundStatus


def _may_see_unpublished(request: Request) -> bool:
    return selectors.user_is_evaluator(request.user) and is_mfa_verified(request.user)


def _rounds(request: Request) -> Any:
    qs = Round.objects.select_related("framework").order_by("-year", "name")
    if not _may_see_unpublished(request):
        qs = qs.filter(Q(status=RoundStatus.PUBLISHED))
    return qs


class FrameworkListApi(GenericAPIView):
    serializer_class = FrameworkOutputSerializer
    filter_backends: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="assessment_frameworks_list", summary="List assessment frameworks", responses=FrameworkOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.framework_list())
        return self.get_paginated_response(FrameworkOutputSerializer(page, many=True).data)


class FrameworkDetailApi(GenericAPIView):
    serializer_class = FrameworkDetailSerializer
    filter_backends: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="assessment_frameworks_retrieve", summary="One framework version with its "
                   "scales, sections, items, weights and predicate bands")
    def get(self, request: Request, code: str, version: str) -> Response:
        try:
            fw = selectors.framework_get(code=code, version=version)
        except Framework.DoesNotExist as exc:
            raise Http404 from exc
        return Response(FrameworkDetailSerializer(fw).data)


class RoundListApi(GenericAPIView):
    serializer_class = RoundOutputSerializer
    filter_backends: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="assessment_rounds_list", summary="List assessment rounds", responses=RoundOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(_rounds(request))
        return self.get_paginated_response(RoundOutputSerializer(page, many=True).data)


class RoundResultsApi(GenericAPIView):
    serializer_class = RoundResultsSerializer
    filter_backends: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(operation_id="assessment_rounds_results", summary="Results of a round: index, predicate, "
                   "score per section, IPA table, per-item summaries")
    def get(self, request: Request, pk: int) -> Response:
        rnd = _rounds(request).filter(pk=pk).first()
        if rnd is None:
            raise Http404
        res = selectors.round_results(round=rnd)
        index = res.index
        data = {
            "round": rnd, "responses": res.n_responses,
            "index": float(index.index) if index and index.index is not None else None,
            "predicate": index.predicate if index else "",
            "sections": [{**s, "weight": float(s["weight"]) if s["weight"] is not None else None,
                          "score": float(s["score"]) if s["score"] is not None else None} for s in res.sections],
            "ipa_crosshair": {"kind": res.ipa.crosshair, "performance": res.ipa.x_cross,
                              "importance": res.ipa.y_cross} if res.ipa else None,
            "ipa": [vars(r) | {"wilcoxon_p": res.wilcoxon.get(r.code, (None, None))[1]} for r in res.ipa.rows]
            if res.ipa else [],
            "items": [{
                "code": r.item.code, "n": r.summary.n if r.summary else r.level_n,
                "median": r.summary.median if r.summary else None, "iqr": r.summary.iqr if r.summary else None,
                "top2": r.summary.top2 if r.summary else None, "mean": r.summary.mean if r.summary else None,
                "band": r.band, "distribution": {str(k): v for k, v in r.summary.distribution.items()}
                if r.summary else {}, "level_mean": r.level_mean,
            } for r in res.items],
        }
        return Response(RoundResultsSerializer(data).data)
