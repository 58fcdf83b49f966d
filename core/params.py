"""Query parameters read the same way on every list: bad input is a 400 naming the parameter, never a 500.

A number beyond what a database integer column holds, a date that does not exist, a superscript
digit (``"²".isdigit()`` is true, ``int("²")`` fails) or an unknown choice is the client's mistake.
Views read parameters with ``query_int`` / ``query_datetime``; filtersets use ``IdFilter`` and
``BooleanFilter``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

# The largest value a PostgreSQL bigint (every id here) holds; an int column holds less.
BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number from 1 to the largest bigint; anything else is a 400 naming the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """true/false (or 1/0, any case); empty is "no filter"; anything else is an error, not ignored."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that answers 400 to ``?unassigned=perhaps`` (django-filter's ignores it)."""

    field_class = StrictBooleanField


def _ascii_int(raw: str) -> int | None:
    text = raw.strip()
    digits = text[1:] if text[:1] in "+-" else text
    # Only ASCII digits: int() also reads "٣" and "1_000", isdigit() also accepts "²".
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def query_int(
    params, name: str, *, min_value: int = 1, max_value: int = BIGINT_MAX, message: str | None = None
) -> int | None:
    """The parameter ``name`` as a whole number in [min_value, max_value], None when absent or empty."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = _ascii_int(raw)
    if value is None or not min_value <= value <= max_value:
        raise ValidationError(
            {
                name: [
                    message
                    or gettext("Give a whole number from %(min)s to %(max)s.") % {"min": min_value, "max": max_value}
                ]
            }
        )
    return value


def query_datetime(params, name: str) -> datetime | None:
    """The parameter ``name`` as an aware date and time (naive ones are in the current time zone)."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw)  # ValueError when well formed but impossible, e.g. 2026-02-30
        if value is not None:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            # In UTC: the calendar's first and last hours, shifted, do not exist (OverflowError), and
            # PostgreSQL refuses offsets Python accepts (+22:22 is "time zone displacement out of range").
            value = value.astimezone(UTC)
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationError({name: [gettext("Give a date and time, e.g. 2026-11-25T08:00:00+08:00.")]})
    return value
