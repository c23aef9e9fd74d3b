"""Phone photos through the one upload pipeline (simpul.core.files): a photo as a phone takes it is accepted up to
the photo limit, turned upright, brought down to 2000 px on its long side, stripped of every piece of EXIF (the GPS
position above all) and stored within its document's limit; a PDF keeps its own limit."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from PIL import Image

from simpul.core import files
from simpul.core.files import PHOTO_MAX_SIDE, document_check, document_precheck, limits_text
from simpul.core.tests.photos import HEIGHT, MARK, WIDTH, phone_exif, phone_photo, phone_screenshot

MB = 1024 * 1024
KK = {"code": "kk", "types": ["pdf", "jpg", "png"], "max_bytes": 2 * MB}
PNG_ONLY = {"code": "denah", "types": ["png"], "max_bytes": 2 * MB}
PDF_ONLY = {"code": "surat", "types": ["pdf"], "max_bytes": 2 * MB}


def _opened(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def test_a_phone_photo_of_4_mb_for_the_2_mb_family_card_is_accepted_upright_smaller_and_without_exif() -> None:
    photo = phone_photo()
    assert 3 * MB < len(photo) < 5 * MB
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the phone wrote where the house is

    checked = document_check(upload=SimpleUploadedFile("IMG_20261204_0930.jpg", photo), spec=KK)

    stored = _opened(checked.content)
    assert (checked.kind, checked.content_type, checked.original_name) == ("jpg", "image/jpeg",
                                                                            "IMG_20261204_0930.jpg")
    # orientation 6: the 4000 x 3000 pixels are seen upright as 3000 x 4000, here at 2000 px on the long side
    assert stored.size == (HEIGHT * PHOTO_MAX_SIDE // WIDTH, PHOTO_MAX_SIDE) == (1500, 2000)
    # the square stored at the top-left is seen at the top-right once the photo is turned upright
    red = (MARK * PHOTO_MAX_SIDE // WIDTH) // 2
    assert _is_red(stored.getpixel((stored.size[0] - red, red)))
    assert not _is_red(stored.getpixel((red, red)))
    assert len(stored.getexif()) == 0  # no orientation, no camera, no GPS position
    assert b"Exif" not in checked.content and b"PhoneCam" not in checked.content
    assert len(checked.content) <= KK["max_bytes"]
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()


def _is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 180 and g < 60 and b < 60


def test_a_photo_over_the_photo_limit_is_refused_in_plain_words(settings: Any) -> None:
    settings.UPLOAD_PHOTO_MAX_BYTES = 3 * MB
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        document_check(upload=SimpleUploadedFile("kk.jpg", phone_photo()), spec=KK)
    assert refused.value.messages == [
        "Foto kk.jpg terlalu besar (3,8 MB); foto paling besar 3 MB. Pilih foto yang lebih kecil, atau foto ulang "
        "dengan kamera HP."]
    assert refused.value.error_list[0].code == "photo_too_large"


def test_a_pdf_keeps_its_own_limit_while_a_photo_of_the_same_size_is_taken() -> None:
    from simpul.cases.tests.factories import PDF_BYTES

    size = 3 * MB
    pdf_head = PDF_BYTES[:4096]
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        document_precheck(spec=KK, name="kk.pdf", size=size, head=pdf_head)
    assert refused.value.messages == [
        "Berkas kk.pdf terlalu besar (3 MB); paling besar 2 MB. Pilih berkas yang lebih kecil, atau foto dokumennya "
        "dengan HP lalu unggah fotonya."]
    assert document_precheck(spec=KK, name="kk.jpg", size=size, head=phone_photo()[:4096]) == "jpg"
    # the type not known yet: only what no file of any type may have is refused
    assert document_precheck(spec=KK, name="kk", size=size, head=None) is None
    with pytest.raises(ValidationError):
        document_precheck(spec=KK, name="kk", size=16 * MB, head=None)
    with pytest.raises(ValidationError):  # a document that takes no photo: its own limit, whatever the file
        document_precheck(spec=PDF_ONLY, name="surat", size=size, head=None)


def test_a_png_screenshot_too_large_as_png_becomes_a_jpeg_when_the_document_takes_jpeg() -> None:
    screenshot = phone_screenshot()
    small = {**KK, "max_bytes": 1 * MB}
    assert len(screenshot) > small["max_bytes"]
    checked = document_check(upload=SimpleUploadedFile("layar.png", screenshot), spec=small)
    assert (checked.kind, checked.original_name) == ("jpg", "layar.jpg")
    assert _opened(checked.content).size == (2000, 900)
    assert len(checked.content) <= small["max_bytes"]
    with translation.override("id"), pytest.raises(ValidationError) as refused:
        document_check(upload=SimpleUploadedFile("layar.png", screenshot), spec={**PNG_ONLY, "max_bytes": MB})
    assert refused.value.messages == [
        "Foto layar.png tidak bisa dibuat cukup kecil (paling besar 1 MB). Foto ulang dengan dokumen memenuhi "
        "gambar, atau pilih berkas lain."]


def test_the_limits_are_said_as_a_person_reads_them() -> None:
    with translation.override("id"):
        assert limits_text(KK) == "Foto (JPG, PNG) paling besar 15 MB, atau PDF paling besar 2 MB."
        assert limits_text(PNG_ONLY) == "Foto (PNG) paling besar 15 MB."
        assert limits_text(PDF_ONLY) == "PDF, paling besar 2 MB."
    with translation.override("en"):
        assert limits_text(KK) == "A photo (JPG, PNG) up to 15 MB, or a PDF up to 2 MB."


@examples(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.integers(1, 300), height=st.integers(1, 300), orientation=st.integers(1, 8),
       kind=st.sampled_from(["JPEG", "PNG"]))
def test_any_photo_comes_out_upright_within_the_side_and_without_metadata(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int, orientation: int, kind: str,
) -> None:
    monkeypatch.setattr(files, "PHOTO_MAX_SIDE", 100)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 10)).save(out, format=kind, exif=phone_exif(orientation).tobytes())
    checked = document_check(upload=out.getvalue(), spec=KK, name="foto")
    stored = _opened(checked.content)
    upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    scale = min(1.0, 100 / max(width, height))
    assert max(stored.size) <= 100
    assert all(abs(got - round(side * scale)) <= 1 for got, side in zip(stored.size, upright, strict=True))
    assert len(stored.getexif()) == 0
    assert "exif" not in stored.info
