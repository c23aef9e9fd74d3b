"""Whole-page cache for the public pages every anonymous visitor sees the same way.

On a registration day most requests are anonymous visits to the catalogue, a service page and the home page.
Rendering them costs ~5-10 ms of template work each, ten to twenty times a bare view; served from the cache they
cost little more than the middleware around them (README, measured figures). A view opts in with
`@anonymous_page_cache`.

A response is stored, and a stored one served, only when nothing in it can belong to one visitor:
- the request is a GET without session or messages cookie (so: anonymous, no flash message waiting) and with a
  short query string (a search is cached too; a long one is just rendered);
- the response is a 200 that sets no cookie and used no CSRF token (a page with a POST form is never cached:
  its token belongs to one visitor).
Middleware still runs on every request, so security headers, CSP, compression and admission control are the same
for a cached page as for a rendered one.

Keys hold the language, the full path and a generation. The generation changes whenever a model of an app in
`INVALIDATING_APPS` is saved or deleted (a service published, an agency renamed), so an edit shows at once in
the process that made it and in every process when the cache is shared (`SIMPUL_CACHE_URL` on Redis). With the
default per-process memory cache, other processes show it within `SIMPUL_PAGE_CACHE_SECONDS` (default 60; 0
turns the cache off), which also bounds how long a time-based change (a version becoming valid at midnight) waits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation

GENERATION_KEY = "simpul:pagecache:generation"
MAX_QUERY = 200
# Apps whose data appears on the cached pages: a write to any of their models makes every cached page stale.
INVALIDATING_APPS = frozenset({"catalog", "agencies", "regions", "portal"})


def _seconds() -> int:
    return settings.SIMPUL_PAGE_CACHE_SECONDS


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def invalidate() -> None:
    """Make every cached page stale (called on writes to the apps in INVALIDATING_APPS)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _request_cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _response_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(request, "_messages", None)
            and response.get("Content-Type", "").startswith("text/html"))


def _key(request: HttpRequest) -> str:
    return f"simpul:page:{_generation()}:{translation.get_language()}:{request.get_full_path()}"


def anonymous_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the cache to anonymous visitors when the page cannot differ between them."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = _seconds()
        if seconds <= 0 or not _request_cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Simpul-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _response_cacheable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            response["X-Simpul-Page-Cache"] = "miss"
        return response

    return wrapped


def _on_write(sender: type, **_kwargs: Any) -> None:
    if sender._meta.app_label in INVALIDATING_APPS:
        invalidate()


def connect_invalidation() -> None:
    """Called once from CoreConfig.ready()."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"simpul-pagecache-{signal!r}")
