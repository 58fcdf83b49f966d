import re

from django.db import models
from django.utils.translation import gettext_lazy as _


def phone_digits(number: str) -> str:
    """A phone number as digits only, so 010-8888 8888, (010) 88888888 and +86… compare alike."""
    return re.sub(r"\D", "", number or "")


class HasPhone(models.Model):
    """A phone number as typed, plus its digits kept in step on save: the hotline finds a
    caller by the prefix they are typing, on an index."""

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_digits = models.CharField(max_length=32, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.phone_digits = phone_digits(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_digits"}
        super().save(*args, **kwargs)
