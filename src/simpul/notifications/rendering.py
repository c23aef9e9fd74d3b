"""Rendering notification templates: Django template syntax, plain text (no HTML escaping)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.template import Context, Engine
from django.utils import translation


@lru_cache(maxsize=1)
def _engine() -> Engine:
    return Engine(autoescape=False, builtins=["django.templatetags.i18n"])


@lru_cache(maxsize=512)
def compile_template(source: str) -> Any:
    """Compile once per distinct text (raises TemplateSyntaxError)."""
    return _engine().from_string(source)


def render_text(source: str, context: dict[str, Any], *, language: str) -> str:
    """Render `source` with `context` in `language` (dates and numbers formatted for it)."""
    with translation.override(language):
        return compile_template(source).render(Context(context, autoescape=False)).strip()
