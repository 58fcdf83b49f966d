"""The starting point of a settings model's change history (django-simple-history).

A history record holds the state *after* a change, and each change is shown against the record
before it. Rows that existed before their model had a history need one record of their state
when recording began, or their first change would have no "before".
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.duration import duration_string
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelChangeValue
from simple_history.template_utils import HistoricalRecordContextHelper

BASELINE_REASON = "baseline"


def history_baseline(app_label: str, *model_names: str) -> Callable[[Any, Any], None]:
    """The forward function of a data migration: one record per existing row that has none."""

    def forward(apps: Any, schema_editor: Any) -> None:
        now = timezone.now()
        for name in model_names:
            model = apps.get_model(app_label, name)
            history = apps.get_model(app_label, f"Historical{name}")
            copied = [f.attname for f in history._meta.concrete_fields if not f.name.startswith("history_")]
            recorded = set(history.objects.values_list("id", flat=True).distinct())
            history.objects.bulk_create(
                (
                    history(
                        **{attname: getattr(row, attname) for attname in copied},
                        history_date=now,
                        history_type="~",
                        history_change_reason=BASELINE_REASON,
                    )
                    for row in model.objects.iterator()
                    if row.pk not in recorded
                ),
                batch_size=500,
            )

    return forward


# --- the history pages ------------------------------------------------------------------------


class ReadableChanges(HistoricalRecordContextHelper):
    """Changes as a reader says them: choice labels, yes/no, a dash for nothing."""

    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any:
        field = self.model._meta.get_field(change.field)
        if getattr(field, "flatchoices", None) and not isinstance(value, list | dict):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, timedelta):
            return duration_string(value)  # as the form shows it: "1 00:00:00" is a day
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if value is None or value == "":
            return "—"
        return super().prepare_delta_change_value(change, value)


@dataclass
class RelatedHistory:
    """The changes of rows edited on the object's page (a policy's targets, a calendar's hours)."""

    title: str
    records: list


class HistoryAdmin(SimpleHistoryAdmin):
    """A settings page whose history shows who changed what, when, from what to what.

    ``history_related`` names the inline rows (model, foreign key to this object) whose changes
    are shown on this object's history page too: they are edited on its form.
    """

    object_history_template = "admin/settings_history.html"
    history_related: Sequence[tuple[type[models.Model], str]] = ()
    history_related_rows = 100

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        # Saving a page without changing it records nothing (its inlines' unchanged rows are not saved).
        if change and not form.has_changed():
            obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            obj.__dict__.pop("skip_history_when_saving", None)

    def history_view(self, request, object_id, extra_context=None):
        related = [self._related_history(model, fk, object_id) for model, fk in self.history_related]
        context = {"related_histories": related, "baseline_reason": BASELINE_REASON, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def _related_history(self, model: type[models.Model], fk: str, object_id: str) -> RelatedHistory:
        manager = model.history  # type: ignore[attr-defined]
        records = list(
            manager.filter(**{f"{fk}_id": object_id})
            .select_related("history_user")
            ._select_related_history_tracked_objs()
            .order_by("-history_date", "-history_id")[: self.history_related_rows]
        )
        # Each row's change is shown against that row's previous record (rows interleave).
        newer: dict[Any, Any] = {}
        for record in records:
            later = newer.get(record.id)
            if later is not None:
                delta = later.diff_against(record, foreign_keys_are_objs=True)
                later.history_delta_changes = ReadableChanges(model, later).context_for_delta_changes(delta)
            newer[record.id] = record
        return RelatedHistory(title=capfirst(model._meta.verbose_name_plural), records=records)
