"""API-wide error shape: every error is JSON.

Domain errors map to 400/403/404/409. A failure of the infrastructure (the database or Redis
unreachable, a connection cut) answers 503 with ``Retry-After``: nothing was written (the
services' transactions roll back), so the client may simply try again. Anything else unexpected
answers 500 ``{"detail": …, "code": "server_error"}``, logged with its traceback, never shown.

``exception_handler`` is DRF's handler (errors inside API views); ``server_error`` is the project's
``handler500`` (errors anywhere else, middleware and authentication included), which answers API
paths in the same JSON and people with the error page.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils.log import log_response
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .errors import Conflict

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    """Failures of a service the app depends on, which pass by themselves (a retry may succeed)."""
    errors: list[type[BaseException]] = [DatabaseOperationalError, DatabaseInterfaceError]
    try:
        from redis import exceptions as redis_errors

        # BusyLoadingError (Redis starting) is a ConnectionError.
        errors += [redis_errors.ConnectionError, redis_errors.TimeoutError]
    except ImportError:  # pragma: no cover - redis is a requirement, but a checkout may run without it
        pass
    try:
        from kombu.exceptions import OperationalError as BrokerOperationalError

        errors.append(BrokerOperationalError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


INFRASTRUCTURE_ERRORS = _infrastructure_errors()


def is_infrastructure_error(exc: BaseException) -> bool:
    return isinstance(exc, INFRASTRUCTURE_ERRORS)


def error_body(exc: BaseException) -> tuple[int, dict[str, str], dict[str, str]]:
    """Status, JSON body and headers for an exception nothing else answered."""
    if is_infrastructure_error(exc):
        return (
            status.HTTP_503_SERVICE_UNAVAILABLE,
            {
                "detail": gettext("The service is temporarily unavailable, try again in a few seconds."),
                "code": "unavailable",
            },
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return (
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        {"detail": gettext("Something went wrong on our side and it has been logged."), "code": "server_error"},
        {},
    )


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response(
            {"detail": exc.message, "code": exc.code, **exc.extra},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Raised while DRF reads the body; Django would answer 400 (a page), so do we (JSON).
        return Response(
            {"detail": gettext("The request is too large."), "code": "too_large"}, status=status.HTTP_400_BAD_REQUEST
        )
    elif isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):
        return Response({"detail": gettext("Bad request."), "code": "bad_request"}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    # Unexpected: answer JSON (DRF would re-raise, and Django answer its HTML page), roll back
    # a request-wide transaction if there is one, and log the traceback as Django would.
    set_rollback()
    code, body, headers = error_body(exc)
    response = Response(body, status=code, headers=headers)
    request = context.get("request")
    log_response(
        "%s: %s",
        "Service unavailable" if code == status.HTTP_503_SERVICE_UNAVAILABLE else "Internal Server Error",
        request.path if request is not None else "",
        response=response,
        request=request,
        exception=exc,
    )
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """The project's ``handler500``: JSON on API paths, the error page elsewhere.

    Django calls it while handling the exception (already logged), so ``sys.exc_info()`` holds it.
    A failing database or Redis answers 503 with ``Retry-After`` on pages too.
    """
    exc = sys.exc_info()[1]
    code, body, headers = error_body(exc) if exc is not None else error_body(Exception())
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(body, status=code)
    else:
        # The page needs no database, session or translation: any of them may be what failed.
        response = HttpResponse(loader.get_template(template_name).render(), status=code)
    for name, value in headers.items():
        response[name] = value
    return response
