"""Attachment downloads, always through the access rule (uploaded files are never served directly)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from ..selectors import attachment_get_for_user


@login_required
def attachment(request, pk):
    item = attachment_get_for_user(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    response = FileResponse(handle, as_attachment=True, filename=item.filename, content_type=item.content_type)
    # Never let a browser run an uploaded file as a page of this site.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
