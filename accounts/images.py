"""
Profile photos: accept only real JPEG, PNG or WEBP images of sane size, and store a clean re-encoded
square thumbnail, never the uploaded bytes.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from core.uploads import MAX_UPLOAD_BYTES

# About 4000 x 4000, more than a photo needs: decoding one takes at most 64 MB (4 bytes a pixel) and a
# fraction of a second. The size is read from the header and checked before decoding: larger is refused.
MAX_PIXELS = 16_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_SIZE = 512


def normalize_photo(upload, *, size: tuple[int, int] = (AVATAR_SIZE, AVATAR_SIZE)) -> ContentFile:
    """
    Validate an uploaded photo and return it re-encoded as a JPEG cropped to ``size`` (a 512 px square
    by default; article covers ask for 1200 x 630), or raise ValidationError.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise too_large(upload.size)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Please upload a JPEG, PNG or WEBP image."), code="invalid_format")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image dimensions are too large (%(w)s × %(h)s pixels).") % {"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.load()
            image = ImageOps.exif_transpose(image)
            image = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("The image dimensions are too large."), code="too_many_pixels") from None
    except Exception:  # Pillow raises many types for broken files; none of them may become a 500.
        raise ValidationError(
            _("This file is not a valid image. Please upload a JPEG, PNG or WEBP photo."),
            code="invalid_image",
        ) from None
    finally:
        upload.seek(0)
    return _to_jpeg(image)


def too_large(size: int) -> ValidationError:
    """The refusal of a photo of ``size`` bytes, whether it was refused while it streamed in or after."""
    return ValidationError(
        _("The photo is too large (%(size)s). The limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        code="too_large",
    )


def initials_avatar(initials: str, background: tuple[int, int, int]) -> ContentFile:
    """A generated avatar: initials in white on a coloured square (used for demo data)."""
    image = Image.new("RGB", (AVATAR_SIZE, AVATAR_SIZE), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=200)
    draw.text((AVATAR_SIZE / 2, AVATAR_SIZE / 2), initials, fill="white", font=font, anchor="mm")
    return _to_jpeg(image)


def _to_jpeg(image: Image.Image) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
