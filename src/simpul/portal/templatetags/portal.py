from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from simpul.portal.sections import sections_available

register = template.Library()


@register.simple_tag
def portal_sections() -> list[dict[str, object]]:
    """The portal sections this installation serves, for the main menu: `{% portal_sections as sections %}`."""
    return sections_available()


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, str]]:
    """The same page in every other language, as plain links: `{% language_links as links %}`.

    Languages live in the URL prefix (`/layanan/`, `/en/layanan/`), so switching is a link to the other
    prefix, not a form: it works without JavaScript, needs no CSRF token, and leaves the page the same for
    every anonymous visitor, so the page cache can serve it (`simpul.core.pagecache`).
    """
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(path, code)
        if url == path:  # not a resolvable page (a 404, say): move the prefix by hand
            bare = path[len(f"/{current}"):] if current != settings.LANGUAGE_CODE and path.startswith(
                f"/{current}/") else path
            url = bare if code == settings.LANGUAGE_CODE else f"/{code}{bare}"
        label, aria = LANGUAGE_LABELS.get(code, (code, code))
        links.append({"code": code, "url": url, "label": label, "aria": aria})
    return links


# Each language names itself in its own words (WCAG 3.1.2: marked with lang=).
LANGUAGE_LABELS = {
    "id": ("Bahasa Indonesia", "Ganti bahasa ke Bahasa Indonesia"),
    "en": ("English", "Change language to English"),
}


class _ScrollableNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        label = translation.gettext("Table: on a narrow screen, scroll sideways to see every column")
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">{}</div>',
            label, mark_safe(self.nodelist.render(context)),  # noqa: S308 - the enclosed template's own output
        )


@register.tag
def scrollable(parser: template.base.Parser, token: template.base.Token) -> _ScrollableNode:
    """`{% scrollable %}<table>…</table>{% endscrollable %}`: the one wrapper every wide table sits in.

    On a 360 px phone a wide table scrolls sideways inside it, with a shadow at the edge that has more to show;
    the wrapper is focusable and named so keyboard users can scroll it too (axe: scrollable-region-focusable).
    """
    nodelist = parser.parse(("endscrollable",))
    parser.delete_first_token()
    return _ScrollableNode(nodelist)


def _text_in_language(obj: object, field: str) -> tuple[str, bool]:
    """(the text of `obj`'s `field` to show in the active language, whether it is the Indonesian one shown on a
    page in another language). The Indonesian text is `<field>_id` when the model has one, else `<field>`; the
    English one `<field>_en`."""
    indonesian = str(getattr(obj, f"{field}_id", None) or getattr(obj, field, "") or "")
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language == "id":
        return indonesian, False
    own = str(getattr(obj, f"{field}_{language}", "") or "")
    return (own, False) if own else (indonesian, bool(indonesian))


@register.simple_tag
def content(obj: object, field: str, after: str = "", words: int = 0) -> str:
    """`{% content dataset "title" %}`: content a person wrote, in the page's language when it was written in it;
    else the Indonesian text, marked `lang="id"`, with a small "(in Indonesian)" note. The note comes once per
    block: `{% content dataset "description" after="title" %}` leaves it out when the title already had it.
    `words` shortens the text to that many words."""
    text, fallback = _text_in_language(obj, field)
    if words:
        text = Truncator(text).words(words)
    if not fallback:
        return format_html("{}", text)
    noted_before = bool(after) and _text_in_language(obj, after)[1]
    if noted_before:
        return format_html('<span lang="id">{}</span>', text)
    return format_html('<span lang="id">{}</span> <small class="untranslated">{}</small>', text,
                       translation.gettext("(in Indonesian)"))
