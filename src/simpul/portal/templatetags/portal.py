from __future__ import annotations

from django import template

from simpul.portal.sections import sections_available

register = template.Library()


@register.simple_tag
def portal_sections() -> list[dict[str, object]]:
    """The portal sections this installation serves, for the main menu: `{% portal_sections as sections %}`."""
    return sections_available()
