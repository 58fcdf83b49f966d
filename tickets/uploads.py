"""What a case attachment may be: size, type, and a file name safe to store and serve."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext

# Magic bytes for the types whose content we can cheaply confirm; a file that claims
# one of these extensions must start with them.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def validate_upload(upload) -> str:
    """Check an uploaded file; return the clean file name to store, or raise ValidationError."""
    name = get_valid_filename(PurePath(upload.name or "").name)[:150]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.lower() for e in settings.ATTACHMENT_EXTENSIONS]
    if ext not in allowed:
        raise ValidationError(
            gettext("“%(name)s”: this type of file is not accepted. Accepted types: %(types)s.")
            % {"name": upload.name, "types": ", ".join(allowed)},
            code="file_type",
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            gettext("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(gettext("“%(name)s” is empty.") % {"name": upload.name}, code="file_empty")
    signatures = _SIGNATURES.get(ext)
    if signatures:
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(signatures):
            raise ValidationError(
                gettext("“%(name)s” does not look like a .%(ext)s file.") % {"name": upload.name, "ext": ext},
                code="file_content",
            )
    return name


def content_type_for(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
