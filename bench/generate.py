"""Load a PostgreSQL database with a realistic service desk: customers, staff and N cases with timelines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk_bench \
        .venv/bin/python bench/generate.py --cases 100000 [--reset]

Reference data (departments, routing rules, ~200 organisations with sites, contacts and
devices, products, agents, engineers, managers, and the ``bench-manager`` user with its
API token) is created idempotently. Cases and their events are streamed in with COPY,
chunk by chunk, with the same reference scheme as ``tickets.services.ticket_create``
("SR-<local year>-<pk:06d>"). Without ``--reset`` the cases are appended.
"""

from __future__ import annotations

import argparse
import bisect
import io
import json
import os
import random
import sys
import time
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "servicedesk.settings"
os.environ["DEBUG"] = "true"  # SECRET_KEY is not needed to write rows

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from accounts.services import role_groups_ensure, user_set_roles  # noqa: E402
from customers.models import Device, Organisation, Product, Site  # noqa: E402
from surveys.services import SURVEY_EVENT  # noqa: E402
from tickets.lifecycle import Status  # noqa: E402
from tickets.models import Category, Channel, Department, EventKind, RoutingRule  # noqa: E402

BENCH_MANAGER = "bench-manager"
BENCH_PASSWORD = "bench-pass-1"
PASSWORD_HASH_FOR_EVERYONE_ELSE = "bench-pass-1"

DEPARTMENTS = [
    ("presales", "售前支持", False),
    ("aftersales", "售后支持", False),
    ("techsupport", "技术支持", True),
    ("field-service", "现场服务", False),
    ("parts", "备件中心", False),
]
# Where each category goes (the rest go to the default department), and how often it comes in.
ROUTING = {
    Category.CONSULTATION: "presales",
    Category.INSTALLATION: "field-service",
    Category.INSPECTION: "field-service",
    Category.PARTS: "parts",
    Category.TRAINING: "aftersales",
}
CATEGORY_WEIGHTS = {
    Category.FAULT: 45,
    Category.CONSULTATION: 15,
    Category.INSTALLATION: 10,
    Category.PATCH: 8,
    Category.INSPECTION: 8,
    Category.PARTS: 7,
    Category.TRAINING: 5,
    Category.DEVELOPMENT: 2,
}
CHANNEL_WEIGHTS = {Channel.HOTLINE: 45, Channel.PORTAL: 25, Channel.EMAIL: 15, Channel.WEB: 10, Channel.API: 5}

CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "西安",
    "天津",
    "苏州",
    "重庆",
    "长沙",
    "青岛",
]
INDUSTRIES = ["电力", "水务", "轨道交通", "化工", "医疗", "钢铁", "港口", "数据", "燃气", "制药", "汽车", "物流"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "霞", "平", "刚"]
PRODUCT_LINES = {
    "PLC": ["控制器 C200", "控制器 C300", "控制器 C500", "I/O 模块 M16", "I/O 模块 M32"],
    "SCADA": ["监控平台 S1", "监控平台 S2", "历史库 H1", "报表服务 R1", "网关 G1"],
    "驱动": ["变频器 V10", "变频器 V20", "伺服 A5", "伺服 A7", "软启动 T3"],
    "仪表": ["流量计 F8", "压力变送器 P2", "温度变送器 T9", "分析仪 Q4", "液位计 L6"],
    "网络": ["交换机 N24", "工业防火墙 W1", "无线接入点 AP3", "光纤收发器 O2", "串口服务器 D4"],
}
FAULTS = [
    "通讯中断",
    "报警无法复位",
    "启动后自动停机",
    "数据采集异常",
    "界面卡顿",
    "升级后无法登录",
    "风扇异响",
    "电源指示灯闪烁",
    "参数丢失",
    "时间不同步",
    "需要现场调试",
    "申请备件更换",
    "咨询扩容方案",
    "操作培训需求",
    "定期巡检",
]
DESCRIPTIONS = [
    "设备于今天上午出现该问题，现场已重启一次，问题依旧。请尽快安排工程师处理。",
    "The operator reports the issue started after last night's maintenance window; logs attached on request.",
    "客户反馈影响生产线正常运行，希望今天内给出初步处理意见。",
    "Intermittent; happens two or three times a day, mostly during shift change.",
    "已按照手册第三章排查，未发现明显硬件故障，需要远程协助。",
]
COMMENTS = [
    ("已电话联系客户，确认故障现象。", False),
    ("Remote session scheduled for tomorrow 10:00.", True),
    ("请提供设备序列号和现场照片。", True),
    ("现场照片已收到，正在分析日志。", True),
    ("需要备件，已向备件中心申请。", False),
    ("客户补充：问题在夜间更频繁。", True),
    ("Checked firmware version, 2 releases behind.", False),
]
RESOLUTIONS = [
    "更换电源模块后恢复正常。",
    "升级固件至最新版本，问题已解决。",
    "重新配置通讯参数，观察 24 小时无异常。",
    "Reset the controller and restored the configuration backup.",
    "现场培训已完成，客户确认掌握操作。",
]

# Status mix by the case's age: recent cases are still being worked, older ones are closed.
STATUS_BY_AGE = [
    (2, {Status.NEW: 25, Status.ASSIGNED: 20, Status.IN_PROGRESS: 30, Status.WAITING: 10, Status.RESOLVED: 10,
         Status.CANCELLED: 5}),
    (14, {Status.NEW: 3, Status.ASSIGNED: 5, Status.IN_PROGRESS: 20, Status.WAITING: 10, Status.RESOLVED: 30,
          Status.REOPENED: 2, Status.ARCHIVED: 25, Status.CANCELLED: 5}),
    (60, {Status.IN_PROGRESS: 3, Status.WAITING: 2, Status.RESOLVED: 5, Status.REOPENED: 1, Status.ARCHIVED: 84,
          Status.CANCELLED: 5}),
    (None, {Status.IN_PROGRESS: 0.3, Status.WAITING: 0.2, Status.RESOLVED: 0.5, Status.ARCHIVED: 93,
            Status.CANCELLED: 6}),
]  # fmt: skip

TICKET_COLUMNS = (
    "id reference channel category priority status requester_name requester_email requester_phone subject "
    "description resolution archive_reason created_at updated_at assigned_at started_at "
    "first_response_at resolved_at closed_at assignee_id contact_id created_by_id department_id device_id "
    "organisation_id"
).split()
EVENT_COLUMNS = "ticket_id kind actor_id from_status to_status body is_public data created_at".split()
NULL = r"\N"


def copy_text(value: str) -> str:
    """Escape a value for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


# --- reference data ---------------------------------------------------------------------


def person_name(rnd: random.Random) -> tuple[str, str]:
    return rnd.choice(SURNAMES), "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2))))


def users_ensure(rnd: random.Random, specs: list[dict], role: Role, password_hash: str) -> list[User]:
    """Create users by username (existing ones are kept) and give them ``role``."""
    users = []
    for spec in specs:
        first, last = person_name(rnd)
        users.append(User(password=password_hash, first_name=last, last_name=first, language="zh-hans", **spec))
    User.objects.bulk_create(users, ignore_conflicts=True, batch_size=1000)
    saved = list(User.objects.filter(username__in=[s["username"] for s in specs]).order_by("pk"))
    group = Group.objects.get(name=role.value)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=u.pk, group_id=group.pk) for u in saved], ignore_conflicts=True, batch_size=1000
    )
    return saved


@transaction.atomic
def reference_data_ensure(rnd: random.Random, organisations: int) -> dict:
    role_groups_ensure()
    password_hash = make_password(PASSWORD_HASH_FOR_EVERYONE_ELSE)

    departments = {}
    for code, name, is_default in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "is_default": is_default}
        )
    for category, code in ROUTING.items():
        RoutingRule.objects.get_or_create(
            category=category, organisation=None, defaults={"department": departments[code]}
        )

    Product.objects.bulk_create(
        [
            Product(code=f"BP-{i:02d}", name=name, product_line=line)
            for i, (line, name) in enumerate((line, n) for line, names in PRODUCT_LINES.items() for n in names)
        ],
        ignore_conflicts=True,
    )
    products = list(Product.objects.filter(code__startswith="BP-"))

    org_names = [
        f"{CITIES[i % len(CITIES)]}{INDUSTRIES[(i // len(CITIES)) % len(INDUSTRIES)]}科技有限公司{i // 168 or ''}"
        for i in range(organisations)
    ]
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=name,
                phone=f"0{rnd.randint(10, 999)}-{rnd.randint(1000000, 99999999)}",
                email=f"it{i}@org{i}.example.cn",
                address=f"{name[:2]}市高新区科技路 {i + 1} 号",
                is_key_customer=i % 10 == 0,
            )
            for i, name in enumerate(org_names)
        ],
        ignore_conflicts=True,
    )
    orgs = list(Organisation.objects.filter(name__in=org_names).order_by("pk"))
    Site.objects.bulk_create(
        [Site(organisation=o, name="总部", province=o.name[:2], city=o.name[:2], street="科技路") for o in orgs],
        ignore_conflicts=True,
    )
    sites = {s.organisation_id: s for s in Site.objects.filter(organisation__in=orgs, name="总部")}
    Device.objects.bulk_create(
        [
            Device(
                serial_number=f"BN-{o.pk:04d}-{k:02d}",
                organisation=o,
                site=sites[o.pk],
                product=rnd.choice(products),
                delivered_on=datetime(2022, 1, 1, tzinfo=UTC).date() + timedelta(days=rnd.randint(0, 1400)),
            )
            for o in orgs
            for k in range(rnd.randint(3, 8))
        ],
        ignore_conflicts=True,
    )
    devices: dict[int, list[int]] = {}
    for org_id, dev_id in Device.objects.filter(organisation__in=orgs).values_list("organisation_id", "id"):
        devices.setdefault(org_id, []).append(dev_id)

    contact_specs = [
        {"username": f"bench-contact-{o.pk}-{k}", "email": f"c{k}@org{o.pk}.example.cn", "organisation_id": o.pk}
        for o in orgs
        for k in range(1 + o.pk % 3)
    ]
    contacts: dict[int, list[int]] = {}
    for u in users_ensure(rnd, contact_specs, Role.CUSTOMER, password_hash):
        contacts.setdefault(u.organisation_id, []).append(u.pk)

    dept_list = list(departments.values())
    engineers: dict[int, list[int]] = {}
    engineer_specs = [
        {"username": f"bench-engineer-{d.code}-{k}", "department_id": d.pk} for d in dept_list for k in range(8)
    ]
    for u in users_ensure(rnd, engineer_specs, Role.ENGINEER, password_hash):
        engineers.setdefault(u.department_id, []).append(u.pk)
    agents = [
        u.pk
        for u in users_ensure(rnd, [{"username": f"bench-agent-{k}"} for k in range(10)], Role.AGENT, password_hash)
    ]
    managers = [
        u.pk
        for u in users_ensure(
            rnd,
            [{"username": f"bench-manager-{d.code}", "department_id": d.pk} for d in dept_list],
            Role.MANAGER,
            password_hash,
        )
    ]

    manager, _ = User.objects.get_or_create(
        username=BENCH_MANAGER, defaults={"first_name": "Bench", "last_name": "Manager", "language": "en"}
    )
    manager.set_password(BENCH_PASSWORD)
    manager.save()
    user_set_roles(manager, Role.MANAGER)
    token, _ = Token.objects.get_or_create(user=manager)

    return {
        "departments": departments,
        "orgs": [o.pk for o in orgs],
        "devices": devices,
        "contacts": contacts,
        "engineers": engineers,
        "agents": agents,
        "managers": managers,
        "token": token.key,
    }


# --- cases ------------------------------------------------------------------------------


class CaseWriter:
    """Builds the COPY rows of one case and its 3-6 timeline events."""

    def __init__(self, rnd: random.Random, ref: dict, now: float, span_days: int):
        self.rnd = rnd
        self.ref = ref
        self.now = now
        self.span = span_days * 86400
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.dept_by_code = {code: d.pk for code, d in ref["departments"].items()}
        self.default_dept = next(d.pk for d in ref["departments"].values() if d.is_default)
        self.categories = list(CATEGORY_WEIGHTS)
        self.category_weights = list(CATEGORY_WEIGHTS.values())
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_weights = list(CHANNEL_WEIGHTS.values())
        self.status_tables = [(age, list(w), list(w.values())) for age, w in STATUS_BY_AGE]
        self.products = {d.pk: d.product.name for d in Device.objects.select_related("product")}
        self.comments = [(copy_text(body), "t" if public else "f") for body, public in COMMENTS]
        self.descriptions = [copy_text(d) for d in DESCRIPTIONS]
        self.resolutions = [copy_text(r) for r in RESOLUTIONS]
        self.first_year = 2000
        self.new_years = [datetime(y, 1, 1, tzinfo=self.tz).timestamp() for y in range(self.first_year, 2100)]

    def local_year(self, epoch: float) -> int:
        # ticket_create takes the year of the local creation time (TIME_ZONE, Asia/Shanghai).
        return self.first_year + bisect.bisect_right(self.new_years, epoch) - 1

    def status_for(self, age_days: float) -> str:
        for limit, statuses, weights in self.status_tables:
            if limit is None or age_days < limit:
                return self.rnd.choices(statuses, weights)[0]
        raise AssertionError

    def write(self, pk: int, created: float, tickets: list[str], events: list[str]) -> None:
        rnd = self.rnd
        now = self.now
        status = self.status_for((now - created) / 86400)
        category = rnd.choices(self.categories, self.category_weights)[0]
        channel = rnd.choices(self.channels, self.channel_weights)[0]
        department = self.dept_by_code.get(ROUTING.get(category), self.default_dept)
        org = rnd.choice(self.ref["orgs"])
        contact = rnd.choice(self.ref["contacts"][org])
        org_devices = self.ref["devices"][org]
        device = rnd.choice(org_devices) if org_devices and rnd.random() < 0.8 else None
        engineer = rnd.choice(self.ref["engineers"][department])
        agent = rnd.choice(self.ref["agents"])
        manager = rnd.choice(self.ref["managers"])
        creator = contact if channel in (Channel.PORTAL, Channel.WEB, Channel.API) else agent
        product = self.products[device] if device else "设备"
        subject = f"{product} {rnd.choice(FAULTS)}"
        priority = "urgent" if rnd.random() < 0.1 else "normal"

        # Walk the lifecycle up to the status, each step a little after the one before.
        t = created
        ev: list[tuple] = [(EventKind.CREATED, creator, "", Status.NEW, "", "t", json.dumps({"channel": channel}), t)]
        assigned_at = started_at = first_response_at = resolved_at = closed_at = None
        assignee = None
        resolution = archive_reason = ""

        def step(seconds_lo: int, seconds_hi: int) -> float:
            nonlocal t
            t = min(t + rnd.uniform(seconds_lo, seconds_hi), now)
            return t

        if status == Status.CANCELLED:
            closed_at = step(600, 86400)
            ev.append((EventKind.STATUS, manager, Status.NEW, Status.CANCELLED, "客户撤销请求。", "t",
                       '{"action": "cancel"}', closed_at))  # fmt: skip
        elif status != Status.NEW:
            assignee = engineer
            assigned_at = step(300, 4 * 3600)
            data = json.dumps({"action": "assign", "assignee": engineer}, ensure_ascii=False)
            ev.append((EventKind.ASSIGNED, manager, Status.NEW, Status.ASSIGNED, "", "f", data, assigned_at))
            if status != Status.ASSIGNED:
                started_at = step(600, 86400)
                ev.append((EventKind.STATUS, engineer, Status.ASSIGNED, Status.IN_PROGRESS, "", "t",
                           '{"action": "start"}', started_at))  # fmt: skip
                first_response_at = min(started_at + 60, now)
            if status == Status.WAITING:
                ev.append((EventKind.STATUS, engineer, Status.IN_PROGRESS, Status.WAITING, "请提供现场照片。", "t",
                           '{"action": "wait"}', step(600, 86400)))  # fmt: skip
            if status in (Status.RESOLVED, Status.REOPENED, Status.ARCHIVED):
                resolution = rnd.choice(self.resolutions)
                resolved_at = step(3600, 5 * 86400)
                ev.append((EventKind.STATUS, engineer, Status.IN_PROGRESS, Status.RESOLVED, resolution, "t",
                           '{"action": "resolve"}', resolved_at))  # fmt: skip
            if status == Status.REOPENED:
                ev.append((EventKind.STATUS, contact, Status.RESOLVED, Status.REOPENED, "问题再次出现。", "t",
                           '{"action": "reopen"}', step(3600, 3 * 86400)))  # fmt: skip
            if status == Status.ARCHIVED:
                answered = rnd.random() < 0.6
                archive_reason = "satisfied" if answered else "no_answer"
                ev.append((SURVEY_EVENT, None, "", "", "", "f", '{"round": 1}', step(3600, 86400)))
                closed_at = step(3600, 7 * 86400)
                ev.append((EventKind.STATUS, None, Status.RESOLVED, Status.ARCHIVED, "", "f",
                           json.dumps({"action": "archive", "reason": archive_reason}), closed_at))  # fmt: skip
        # Pad the conversation with comments to 3-6 events, between the first and the last step.
        target = rnd.randint(3, 6)
        while len(ev) < target:
            body, public = rnd.choice(self.comments)
            at = rnd.uniform(created, max(t, created + 60))
            ev.append(
                (EventKind.COMMENT, rnd.choice((engineer, contact, agent)), "", "", body, public, "{}", min(at, now))
            )
        ev.sort(key=lambda e: e[7])
        updated = max(e[7] for e in ev)

        n = NULL
        tickets.append(
            "\t".join(
                (
                    str(pk),
                    f"SR-{self.local_year(created)}-{pk:06d}",
                    channel,
                    category,
                    priority,
                    status,
                    "",
                    "",
                    "",
                    subject,
                    rnd.choice(self.descriptions),
                    resolution,
                    archive_reason,
                    ts(created),
                    ts(updated),
                    ts(assigned_at) if assigned_at else n,
                    ts(started_at) if started_at else n,
                    ts(first_response_at) if first_response_at else n,
                    ts(resolved_at) if resolved_at else n,
                    ts(closed_at) if closed_at else n,
                    str(assignee) if assignee else n,
                    str(contact),
                    str(creator),
                    str(department),
                    str(device) if device else n,
                    str(org),
                )
            )
        )
        spk = str(pk)
        for kind, actor, from_s, to_s, body, public, data, at in ev:
            events.append("\t".join((spk, kind, str(actor) if actor else n, from_s, to_s, body, public, data, ts(at))))


def ids_reserve(count: int) -> int:
    """The first of ``count`` fresh primary keys; the identity sequence is moved past them."""
    with connection.cursor() as cur:
        cur.execute("LOCK TABLE tickets_ticket IN EXCLUSIVE MODE")
        cur.execute("SELECT pg_get_serial_sequence('tickets_ticket', 'id')")
        (seq,) = cur.fetchone()
        cur.execute(f"SELECT last_value, is_called FROM {seq}")
        last, called = cur.fetchone()
        cur.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
        (max_id,) = cur.fetchone()
        first = max(last if called else last - 1, max_id) + 1
        cur.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def cases_load(ref: dict, cases: int, chunk: int, span_days: int, seed: int) -> None:
    rnd = random.Random(seed)
    now = time.time()
    writer = CaseWriter(rnd, ref, now, span_days)
    with transaction.atomic():
        first = ids_reserve(cases)
    start = now - span_days * 86400
    # Creation times rise with the primary key, as they do in production.
    step = (span_days * 86400) / max(cases, 1)
    t0 = time.monotonic()
    done = events_total = 0
    while done < cases:
        n = min(chunk, cases - done)
        tickets: list[str] = []
        events: list[str] = []
        for i in range(done, done + n):
            created = start + i * step + rnd.uniform(0, step)
            writer.write(first + i, created, tickets, events)
        with transaction.atomic(), connection.cursor() as cur:
            cur.copy_expert(
                f"COPY tickets_ticket ({', '.join(TICKET_COLUMNS)}) FROM STDIN",
                io.StringIO("\n".join(tickets) + "\n"),
            )
            cur.copy_expert(
                f"COPY tickets_ticketevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN",
                io.StringIO("\n".join(events) + "\n"),
            )
        done += n
        events_total += len(events)
        rate = done / (time.monotonic() - t0)
        print(f"  {done:>9,} cases, {events_total:>10,} events  ({rate:,.0f} cases/s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--years", type=float, default=3, help="cases are spread over this many years up to now")
    parser.add_argument("--chunk", type=int, default=20_000, help="cases per COPY transaction")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--reset", action="store_true", help="truncate cases (and everything hanging off them) first")
    parser.add_argument("--no-vacuum", action="store_true", help="ANALYZE only, skip VACUUM")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the loader uses COPY).")
    t0 = time.monotonic()
    if args.reset:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE tickets_ticket RESTART IDENTITY CASCADE")
        print("truncated cases")
    ref = reference_data_ensure(random.Random(args.seed), args.organisations)
    print(
        f"reference data: {len(ref['departments'])} departments, {len(ref['orgs'])} organisations, "
        f"{sum(map(len, ref['contacts'].values()))} contacts, {sum(map(len, ref['devices'].values()))} devices, "
        f"{sum(map(len, ref['engineers'].values()))} engineers  ({time.monotonic() - t0:.1f}s)"
    )
    cases_load(ref, args.cases, args.chunk, int(args.years * 365), args.seed)
    t1 = time.monotonic()
    with connection.cursor() as cur:
        # VACUUM sets the visibility map, so the database looks like one that has been running a while.
        verb = "ANALYZE" if args.no_vacuum else "VACUUM (ANALYZE)"
        cur.execute(f"{verb} tickets_ticket")
        cur.execute(f"{verb} tickets_ticketevent")
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM tickets_ticket")
        (total,) = cur.fetchone()
    print(f"{verb}: {time.monotonic() - t1:.1f}s")
    print(f"done: {total:,} cases in the database, {time.monotonic() - t0:.1f}s in all")
    print(f"bench manager: {BENCH_MANAGER} / {BENCH_PASSWORD}, API token {ref['token']}")


if __name__ == "__main__":
    main()
