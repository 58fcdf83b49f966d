"""SLA benchmark: the sweep and the dashboard's figures on a PostgreSQL database loaded by generate.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench_1m REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/sla_bench.py --load [--open 300000] [--explain]

``--load`` replaces every SLA clock with one first-response clock per case, streamed with COPY:
``--open`` cases drawn at random get a running clock that falls due in the next 1–48 hours
(nothing due now; 1 % of them are already overdue with their breach recorded), every other case a
clock judged met (92 %) or breached, stopped within three days of the case's creation. The cases' own statuses are left as generate.py made them: neither the sweep nor the
dashboard reads them.

Then it measures, in-process against the real code (``sla.services.sla_check_due``,
``sla.selectors``, the ``sla:dashboard`` view):

1. a sweep with nothing due (median of 50);
2. a sweep that finds ``--breach`` (10,000) clocks past their deadline: it records each breach
   (claim, timeline event, one outbox row per manager) and queues every notification on the
   broker (REDIS_URL, or the filesystem broker in a temporary folder); the clocks, events and
   rows are put back afterwards, and the queued messages deleted, so the run can be repeated;
3. the dashboard's figures for the last 30 days (compliance per target and by engineer, the
   daily trend, open counts, at-risk and breached lists), and the whole page.

``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) for the queries behind each.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings"
os.environ["DEBUG"] = "true"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")  # the in-process test client
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="sla-bench-"))  # filesystem broker, if no Redis

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from notices.models import Notice  # noqa: E402
from servicedesk.celery import app as celery_app  # noqa: E402
from sla import selectors  # noqa: E402
from sla.clocks import SLA_EVENT  # noqa: E402
from sla.models import ClockEvent, SlaClock, SlaTarget, TargetKind  # noqa: E402
from sla.services import sla_check_due  # noqa: E402
from tickets.models import TicketEvent  # noqa: E402

CLOCK_COLUMNS = [
    "ticket_id",
    "kind",
    "policy_id",
    "target_id",
    "duration",
    "calendar_id",
    "stop_event",
    "pause_statuses",
    "warn_thresholds",
    "state",
    "started_at",
    "base_at",
    "base_duration",
    "deadline",
    "provisional",
    "warn_schedule",
    "next_due_at",
    "paused_total",
    "stopped_at",
    "stopped_by",
    "warning_level",
    "breached_at",
    "updated_at",
]
NULL = r"\N"


def ts(moment: datetime) -> str:
    return moment.isoformat()


def clocks_load(open_count: int, seed: int) -> None:
    """One first-response clock per case (COPY), the newest ``open_count`` running."""
    target = SlaTarget.objects.select_related("policy").get(policy__is_default=True, kind=TargetKind.FIRST_RESPONSE)
    duration = target.duration
    now = timezone.now()
    rnd = random.Random(seed)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE notices_notice, sla_slaclock RESTART IDENTITY")
        cur.execute("DELETE FROM tickets_ticketevent WHERE kind = %s", [SLA_EVENT])
        cur.execute("SELECT id, created_at FROM tickets_ticket ORDER BY id")
        cases = cur.fetchall()
    # Open cases are spread over the years (some wait long), so the last 30 days also hold judged clocks.
    running = set(rnd.sample(range(len(cases)), open_count))
    t0 = time.monotonic()
    chunk = 100_000
    for first in range(0, len(cases), chunk):
        rows = []
        for i, (pk, created) in enumerate(cases[first : first + chunk], start=first):
            common = [str(pk), TargetKind.FIRST_RESPONSE, str(target.policy_id), str(target.pk), f"{duration}"]
            common += [str(target.calendar_id), ClockEvent.FIRST_PUBLIC_REPLY, '["waiting"]', "[75, 90]"]
            if i in running and rnd.random() < 0.01:
                # One open clock in a hundred is already overdue, its breach recorded (the breached list).
                deadline = now - timedelta(seconds=rnd.uniform(600, 48 * 3600))
                started = deadline - duration
                schedule = [[p, ts(deadline - duration * (100 - p) / 100)] for p in (75, 90)]
                state, stopped, breached, level, next_due = "running", NULL, ts(deadline), "90", NULL
            elif i in running:
                # Running, due between 1 and 48 hours from now; thresholds already passed are recorded.
                deadline = now + timedelta(seconds=rnd.uniform(3600, 48 * 3600))
                started = deadline - duration
                schedule = [[p, ts(deadline - duration * (100 - p) / 100)] for p in (75, 90)]
                passed = [p for p, t in schedule if datetime.fromisoformat(t) <= now]
                ahead = [datetime.fromisoformat(t) for p, t in schedule if datetime.fromisoformat(t) > now]
                state, stopped, breached, level = "running", NULL, NULL, str(max(passed, default=0))
                next_due = ts(min([*ahead, deadline]))
            else:
                started = created
                deadline = started + duration
                met = rnd.random() < 0.92
                took = timedelta(seconds=rnd.uniform(300, 20 * 3600) if met else rnd.uniform(25 * 3600, 72 * 3600))
                state, stopped = ("met" if met else "breached"), ts(started + took)
                breached = NULL if met else ts(deadline)
                level, next_due = ("0" if met else "90"), NULL
                schedule = [[p, ts(deadline - duration * (100 - p) / 100)] for p in (75, 90)]
            row = common + [state, ts(started), ts(started), f"{duration}", ts(deadline), "f", json.dumps(schedule)]
            row += [next_due, "0", stopped, "" if state == "running" else ClockEvent.FIRST_PUBLIC_REPLY]
            row += [level, breached, ts(now)]
            rows.append("\t".join(row))
        with connection.cursor() as cur:
            cur.copy_expert(
                f"COPY sla_slaclock ({', '.join(CLOCK_COLUMNS)}) FROM STDIN", io.StringIO("\n".join(rows) + "\n")
            )
        print(f"  {first + len(rows):>9,} clocks ({time.monotonic() - t0:.1f}s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE) sla_slaclock")
        cur.execute("ANALYZE notices_notice")
    print(f"loaded {len(cases):,} clocks, {open_count:,} running, in {time.monotonic() - t0:.1f}s")


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(median ms, max ms, last result)."""
    times, result = [], None
    for _ in range(repeat):
        reset_queries()
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), result


def explain(label: str, fn) -> None:
    reset_queries()  # the query log is a bounded deque: a full one captures nothing
    with CaptureQueriesContext(connection) as ctx:
        fn()
    print(f"\n### {label}\n")
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql or "auth_group" in sql:
            continue
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cur.fetchall())
        print(f"```sql\n{sql[:600]}{' …' if len(sql) > 600 else ''}\n```\n```\n{plan}\n```\n")


def breach_scenario(count: int) -> tuple[float, dict]:
    """Make ``count`` running clocks overdue, time one sweep, then put everything back."""
    now = timezone.now()
    ids = list(
        SlaClock.objects.filter(state="running", breached_at=None).order_by("pk").values_list("pk", flat=True)[:count]
    )
    saved = {c.pk: (c.deadline, c.next_due_at, c.warn_schedule) for c in SlaClock.objects.filter(pk__in=ids)}
    overdue = now - timedelta(minutes=1)
    SlaClock.objects.filter(pk__in=ids).update(deadline=overdue, next_due_at=overdue)
    max_event = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    t0 = time.perf_counter()
    result = sla_check_due(now)
    ms = (time.perf_counter() - t0) * 1000
    notes = Notice.objects.filter(kind="sla.breach", created_at__gte=now)
    figures = {
        "breaches": result.breaches,
        "notifications": notes.count(),
        "events": TicketEvent.objects.filter(pk__gt=max_event, kind=SLA_EVENT).count(),
    }
    # Put it back: the run can be repeated.
    notes.delete()
    TicketEvent.objects.filter(pk__gt=max_event, kind=SLA_EVENT).delete()
    for pk, (deadline, due, schedule) in saved.items():
        SlaClock.objects.filter(pk=pk).update(
            deadline=deadline, next_due_at=due, warn_schedule=schedule, breached_at=None, warning_level=0
        )
    with celery_app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge("celery") or 0
    figures["purged_messages"] = purged
    with connection.cursor() as cur:
        # The put-back leaves ~60,000 dead rows in the outbox's due index; until (auto)vacuum
        # removes them, the outbox's beat walks them.
        cur.execute("VACUUM (ANALYZE) notices_notice")
        cur.execute("VACUUM (ANALYZE) sla_slaclock")
    return ms, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load", action="store_true", help="replace all clocks (COPY) before measuring")
    parser.add_argument("--open", type=int, default=300_000, help="running clocks (cases drawn at random)")
    parser.add_argument("--breach", type=int, default=10_000, help="clocks made overdue for the breach sweep")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database loaded by bench/generate.py.")
    if args.load:
        clocks_load(args.open, args.seed)

    manager = User.objects.get(username="bench-manager")
    until = timezone.now()
    since = until - timedelta(days=30)
    counts = SlaClock.objects.values_list("state").order_by()
    print(f"\nclocks: {SlaClock.objects.count():,}  running: {counts.filter(state='running').count():,}")
    print(f"broker: {celery_app.conf.broker_url.split('@')[-1]}\n")

    # Catch up first: clocks cross warning thresholds all the time (about 100 a minute here). A worker
    # would have emailed those notifications; there is none, so mark them sent.
    t0 = time.perf_counter()
    caught_up = sla_check_due()
    print(f"catch-up sweep: {caught_up} in {(time.perf_counter() - t0) * 1000:,.0f} ms")
    Notice.objects.filter(status__in=["pending", "retrying"]).update(status="sent", sent_at=timezone.now())
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")

    rows = []
    ms, worst, result = timed(lambda: sla_check_due(), 50)
    rows.append(("sweep, nothing due (median of 50)", ms, worst, f"{result}"))

    for label, fn in [
        ("compliance per target, 30 days", lambda: selectors.compliance(manager, since, until)),
        ("compliance by engineer, 30 days", lambda: selectors.compliance(manager, since, until, "engineer")),
        ("trend per day, 30 days", lambda: selectors.compliance_trend(manager, since, until)),
        ("open counts", lambda: selectors.clock_counts_open(manager)),
        ("at-risk list (15)", lambda: list(selectors.clock_list_at_risk(manager)[:15])),
        ("breached list (15)", lambda: list(selectors.clock_list_breached(manager)[:15])),
    ]:
        ms, worst, _ = timed(fn, 10)
        rows.append((label, ms, worst, ""))
    client = Client()
    client.force_login(manager)
    url = reverse("sla:dashboard")
    ms, worst, response = timed(lambda: client.get(url, {"by": "engineer"}), 10)
    assert response.status_code == 200, response.status_code
    rows.append(("dashboard page, 30 days by engineer (view + template)", ms, worst, ""))

    ms, figures = breach_scenario(args.breach)
    rows.append((f"sweep finding {args.breach:,} breaches (records and queues all)", ms, ms, json.dumps(figures)))

    print("| measurement | median ms | max ms | notes |\n|---|---:|---:|---|")
    for label, median, worst, note in rows:
        print(f"| {label} | {median:,.1f} | {worst:,.1f} | {note} |")

    if args.explain:
        now = timezone.now()
        explain("sweep: the due clocks", lambda: list(SlaClock.objects.filter(next_due_at__lte=now)[:1000]))
        explain("compliance, 30 days", lambda: selectors.compliance(manager, since, until, "engineer"))
        explain("trend, 30 days", lambda: selectors.compliance_trend(manager, since, until))
        explain("open counts", lambda: selectors.clock_counts_open(manager))
        explain("at-risk list", lambda: list(selectors.clock_list_at_risk(manager)[:15]))
        explain("breached list", lambda: list(selectors.clock_list_breached(manager)[:15]))
    print(f"\nat {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
