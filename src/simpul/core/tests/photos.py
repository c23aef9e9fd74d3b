"""Phone photos as tests need them: made here with Pillow, never downloaded.

`phone_photo()` is what a citizen's phone saves when they photograph their family card: 4000 x 3000 pixels, a JPEG
of 3-5 MB (sensor noise makes it large), with the EXIF a phone writes: the camera, the orientation (6: the phone
was held upright, so the picture must be turned a quarter clockwise to be seen upright) and a GPS position (the
family's house). A red square marks the top-left corner as stored, so a test can tell which way up a result is.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
WIDTH, HEIGHT = 4000, 3000
MARK = 400  # the red square's side, in stored pixels
# Somewhere near Sekayu, Musi Banyuasin: 2°53'S 103°51'E.
GPS = {1: "S", 2: (2.0, 53.0, 12.5), 3: "E", 4: (103.0, 51.0, 30.0)}


def phone_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "PhoneCam"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = GPS
    return exif


def _card(width: int, height: int) -> Image.Image:
    """A grey page with lines of "text" and sensor noise, a red square at the stored top-left corner."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(base, Image.effect_noise((width, height), 40).convert("RGB"), 0.35)
    draw = ImageDraw.Draw(image)
    for y in range(height // 10, height - height // 15, max(4, height // 50)):
        draw.rectangle([width // 20, y, width - width // 20, y + max(1, height // 375)], fill=(20, 20, 20))
    draw.rectangle([0, 0, MARK - 1, MARK - 1], fill=(220, 0, 0))
    return image


@functools.cache
def phone_photo(orientation: int = 6, quality: int = 85) -> bytes:
    """The family card as a phone saves it (about 4 MB at quality 85)."""
    out = io.BytesIO()
    _card(WIDTH, HEIGHT).save(out, format="JPEG", quality=quality, exif=phone_exif(orientation).tobytes())
    return out.getvalue()


@functools.cache
def phone_screenshot() -> bytes:
    """A screenshot of the card saved as PNG by a phone: 2400 x 1080, noisy, several MB."""
    out = io.BytesIO()
    _card(2400, 1080).save(out, format="PNG")
    return out.getvalue()
