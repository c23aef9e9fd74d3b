"""A tiny URLConf for testing authentication, scopes and errors."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul import urls as site_urls
from simpul.api.serializers import StrictFieldsMixin
from simpul.clients.auth import HasScope, api_client_from_request, ensure_client_may_act_for


class _Input(StrictFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=5)
    count = serializers.IntegerField()


class WriteView(APIView):
    permission_classes = [HasScope("cases:write")]

    def get(self, request):
        return Response({"client": api_client_from_request(request).name})

    def post(self, request):
        data = _Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


class ActForView(APIView):
    permission_classes = [HasScope("cases:read")]

    def get(self, request, agency):
        ensure_client_may_act_for(api_client_from_request(request), agency=agency,
                                  service_kind=request.query_params.get("kind"))
        return Response({"ok": True})


class BoomView(APIView):
    permission_classes = []

    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/test/boom/", BoomView.as_view(), name="test-boom"),
    path("api/v1/test/write/", WriteView.as_view(), name="test-write"),
    path("api/v1/test/act/<slug:agency>/", ActForView.as_view(), name="test-act"),
    path("api/v1/", include("simpul.regions.api.urls")),
    *site_urls.urlpatterns,  # the site's own pages, which the error pages link to
]
handler500 = site_urls.handler500
