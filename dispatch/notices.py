"""How dispatch's emails read: one notice kind per timeline event kind ("dispatch.chased", …).

``record_event(notify=[...])`` writes the notices; the facts (case, event text, who) travel in the
notice's data and are put into words at delivery, in each recipient's language.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.registry import NoticeKind

SUBJECTS = {
    "chased": lambda: gettext("Chased: %(reference)s %(subject)s"),
    "dispatch": lambda: gettext("Dispatch needs you: %(reference)s %(subject)s"),
    "escalated": lambda: gettext("Escalated: %(reference)s %(subject)s"),
    "remote": lambda: gettext("Remote support: %(reference)s %(subject)s"),
    "visit": lambda: gettext("On-site visit: %(reference)s %(subject)s"),
    "report": lambda: gettext("Fault-handling report: %(reference)s %(subject)s"),
}
LABELS = {
    "chased": _("Case chased"),
    "dispatch": _("Dispatch"),
    "escalated": _("Case escalated"),
    "remote": _("Remote support"),
    "visit": _("On-site visit"),
    "report": _("Fault-handling report"),
}


def notice_kind_for(event_kind: str) -> str:
    return f"dispatch.{event_kind if event_kind in SUBJECTS else 'dispatch'}"


def render_event(notice: Notice) -> tuple[str, str]:
    data = notice.data
    what = notice.kind.removeprefix("dispatch.")
    subject = SUBJECTS.get(what, SUBJECTS["dispatch"])() % {
        "reference": data.get("reference", ""),
        "subject": data.get("subject", ""),
    }
    lines = [subject, "", data["body"]] if data.get("body") else [subject]
    if data.get("actor"):
        lines.append(gettext("By: %(name)s") % {"name": data["actor"]})
    lines += ["", notice.link]
    return subject, "\n".join(lines)


# Each asks someone to act (accept, approve, go on site, sign): always on.
KINDS = [NoticeKind(key=f"dispatch.{k}", label=LABELS[k], render=render_event, optional=False) for k in SUBJECTS]
