"""The service worker of the offline outbox, served from the site root so that its scope is the whole site
(a worker served under /static/ could only control /static/). The file itself lives with the other static files
(static/simpul/sw.js); this view reads it once per process and sends it with `Service-Worker-Allowed: /` and a
short cache lifetime, so a new release reaches browsers within minutes."""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from simpul.core.offline import NO_STORE
from simpul.core.offline import outbox_key as key_for


@cache
def _worker_source() -> bytes:
    path = finders.find("simpul/sw.js")
    if path is None:  # collected static files only (production without finders)
        from django.contrib.staticfiles.storage import staticfiles_storage

        with staticfiles_storage.open("simpul/sw.js") as handle:
            return handle.read()
    with open(path, "rb") as handle:
        return handle.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "max-age=300"
    return response


@require_GET
def outbox_key(request: HttpRequest) -> HttpResponse:
    """The key the offline outbox encrypts this person's queued forms with, and a fresh CSRF token for sending
    them again (the one in a form queued before a new log-in is stale). Never stored by a browser."""
    from django.middleware.csrf import get_token

    response = JsonResponse({**key_for(request), "csrf": get_token(request)})
    response["Cache-Control"] = NO_STORE
    return response


def offline_shell(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows for any page opened without a connection: nothing personal on it and
    no log-in state (it is kept on the device), only the list of forms waiting on this device."""
    return render(request, "portal/offline.html", {"offline_shell": True})
