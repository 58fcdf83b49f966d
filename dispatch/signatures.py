"""A drawn signature posted from the page's canvas as ``data:image/png;base64,…``: check it is a
real, reasonably sized PNG with something drawn on it before it is kept."""

from __future__ import annotations

import base64
import binascii
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _limits() -> tuple[int, tuple[int, int], tuple[int, int]]:
    max_bytes = int(getattr(settings, "DISPATCH_SIGNATURE_MAX_BYTES", 512 * 1024))
    return max_bytes, (50, 20), (3000, 1500)


def decode_signature(data_url: str, field: str = "signature") -> bytes:
    """The PNG bytes of a signature data URL, or ValidationError keyed by ``field``."""
    max_bytes, (min_w, min_h), (max_w, max_h) = _limits()

    def fail(message: str):
        raise ValidationError({field: [message]})

    if not isinstance(data_url, str) or not data_url.startswith(PREFIX):
        fail(gettext("Send the signature as a PNG data URL (data:image/png;base64,…)."))
    encoded = data_url[len(PREFIX) :].strip()
    if len(encoded) > (max_bytes * 4) // 3 + 4:
        fail(gettext("The signature image is too large (at most %(kb)d KB).") % {"kb": max_bytes // 1024})
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        fail(gettext("The signature is not valid base64."))
    if not raw.startswith(PNG_MAGIC):
        fail(gettext("The signature is not a PNG image."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG":
                fail(gettext("The signature is not a PNG image."))
            width, height = image.size
            if not (min_w <= width <= max_w and min_h <= height <= max_h):
                fail(
                    gettext("The signature must be between %(min)s and %(max)s pixels.")
                    % {"min": f"{min_w}×{min_h}", "max": f"{max_w}×{max_h}"}
                )
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        fail(gettext("The signature image is damaged."))
    # Blank canvas? Flatten onto white and look for any ink.
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    ink = ImageOps.invert(Image.alpha_composite(white, rgba).convert("L"))
    if ink.point(lambda v: 255 if v > 32 else 0).getbbox() is None:
        fail(gettext("The signature is empty; please sign."))
    return raw
