"""The public sections of the portal, and which of them this installation serves.

Sections live in several apps (catalog, cases, opendata) and arrive as those apps grow. The home page and the
main menu link only to the sections whose page resolves, so a link never leads to a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    path: str
    name: Promise
    title: Promise
    description: Promise


SECTIONS = (
    Section(
        path="layanan/",
        name=_("Services"),
        title=_("Apply for a service"),
        description=_(
            "Identity card (KTP-el), family card, birth and death certificates, business permits and more. "
            "See what you need to bring, how long it takes and what it costs, then apply from your phone."
        ),
    ),
    Section(
        path="lacak/",
        name=_("Track"),
        title=_("Track your application"),
        description=_(
            "Enter the reference number and PIN from your receipt to see where your application is "
            "and when it will be finished."
        ),
    ),
    Section(
        path="pengaduan/",
        name=_("Complaints"),
        title=_("Report a problem"),
        description=_(
            "A broken road, a late service, an officer asking for money: tell the regency. "
            "You get a reference number and can follow the answer."
        ),
    ),
    Section(
        path="data/",
        name=_("Open data"),
        title=_("Open data"),
        description=_(
            "Figures from the regency's offices, free to download and reuse: population, services, "
            "internet access in every kecamatan."
        ),
    ),
)


def section_url(section: Section, *, language: str | None = None) -> str:
    """The section's address in the given (default: current) language: /layanan/ or /en/layanan/."""
    language = language or get_language() or settings.LANGUAGE_CODE
    prefix = "" if language == settings.LANGUAGE_CODE else f"{language}/"
    return f"{get_script_prefix()}{prefix}{section.path}"


def sections_available() -> list[dict[str, object]]:
    """The sections whose page exists in this installation, with their address in the current language."""
    found = []
    for section in SECTIONS:
        url = section_url(section)
        try:
            resolve(url)
        except Resolver404:
            continue
        found.append({"section": section, "url": url})
    return found
