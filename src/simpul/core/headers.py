"""Response headers every answer carries beyond Django's own security headers.

`Permissions-Policy` switches off the browser features no Simpul page uses, for the page and anything it could
embed: no page asks for the camera (the document photo is an ordinary file input, which the phone's own picker
serves), the microphone or the location (a complaint's place is typed or chosen from the region list).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` (settings.PERMISSIONS_POLICY, SIMPUL_PERMISSIONS_POLICY) to every response, static
    files included (it runs before WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
