"""A dataset's title and description in English where the walidata wrote them; else the Indonesian text, marked
lang="id" with one "(in Indonesian)" note per dataset."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

NOTE = '<small class="untranslated">(in Indonesian)</small>'


def test_english_list_and_page_mark_indonesian_content_once_per_dataset(client, generated):
    untranslated, translated = generated[0], generated[1]
    untranslated.title_en = untranslated.description_en = ""
    untranslated.save()
    with translation.override("en"):
        listing = client.get(reverse("opendata:list")).content.decode()
        detail = client.get(reverse("opendata:detail", kwargs={"slug": untranslated.slug})).content.decode()
    assert f'<span lang="id">{untranslated.title_id}</span> {NOTE}' in listing
    assert translated.title_en in listing and f'<span lang="id">{translated.title_id}' not in listing
    assert listing.count(NOTE) == 1  # the description of the same dataset carries no second note
    assert f'<h1><span lang="id">{untranslated.title_id}</span> {NOTE}</h1>' in detail
    assert f'<p class="lead"><span lang="id">{untranslated.description_id}</span></p>' in detail


def test_english_description_missing_alone_gets_its_own_note(client, generated):
    dataset = generated[0]
    dataset.description_en = ""
    dataset.save()
    with translation.override("en"):
        detail = client.get(reverse("opendata:detail", kwargs={"slug": dataset.slug})).content.decode()
    assert f"<h1>{dataset.title_en}</h1>" in detail
    assert f'<p class="lead"><span lang="id">{dataset.description_id}</span> {NOTE}</p>' in detail


def test_indonesian_pages_show_indonesian_content_unmarked(client, generated):
    dataset = generated[0]
    detail = client.get(reverse("opendata:detail", kwargs={"slug": dataset.slug})).content.decode()
    assert f"<h1>{dataset.title_id}</h1>" in detail and "untranslated" not in detail
