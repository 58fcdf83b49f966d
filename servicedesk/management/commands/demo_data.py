"""Demo data: organisations, contacts, devices, one user per role, and cases in every state.

Idempotent: reference data is matched by natural keys, and cases are created only once.
Every case is walked through the real services, so timelines and surveys are genuine.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_groups_ensure, user_set_roles
from customers.models import Device, Organisation, Product, Site
from dispatch.models import Certification, DutyKind, DutyShift
from dispatch.reports.services import fault_report_write
from dispatch.roster.services import certification_add, duty_shift_create, engineer_profile_save
from surveys.models import Survey
from surveys.services import survey_answer, survey_expire_unanswered
from tickets.lifecycle import Action
from tickets.models import Category, Channel, Department, Priority, RoutingRule, Ticket
from tickets.services import ticket_assign, ticket_comment, ticket_create, ticket_resolve, ticket_transition
from warranty.models import ServiceContract

PASSWORD = "demo-pass-2026"

STAFF = [
    # username, role, first name, last name, phone, language
    ("admin", Role.ADMIN, "系统", "管理员", "", ""),
    ("manager", Role.MANAGER, "伟", "王", "13900000001", ""),
    ("pm", Role.PROJECT_MANAGER, "强", "李", "13900000002", ""),
    ("agent", Role.AGENT, "丽", "张", "13900000003", ""),
    ("engineer", Role.ENGINEER, "军", "刘", "13900000004", ""),
    ("engineer2", Role.ENGINEER, "敏", "陈", "13900000005", ""),
    ("engineer3", Role.ENGINEER, "Tom", "Baker", "13900000006", "en"),
]

ORGANISATIONS = [
    # name, phone, site (province, city, district, street), contacts (username, first, last, phone, language)
    (
        "华东电力调度中心",
        "021-58880000",
        ("上海市", "上海市", "浦东新区", "世纪大道100号"),
        [("customer", "芳", "赵", "13800138000", ""), ("customer-b", "磊", "孙", "13800138001", "")],
    ),
    (
        "北方水务集团",
        "010-62220000",
        ("北京市", "北京市", "海淀区", "中关村大街27号"),
        [("customer2", "静", "周", "13700137000", "")],
    ),
    (
        "Pearl River Logistics",
        "020-38880000",
        ("广东省", "广州市", "天河区", "珠江新城华夏路8号"),
        [("customer3", "Anna", "Lee", "13600136000", "en")],
    ),
]

PRODUCTS = [("SCADA-9000", "SCADA-9000 调度系统", "SCADA"), ("NAS-300", "NAS-300 存储阵列", "Storage")]


class Command(BaseCommand):
    help = "Load demo organisations, users (one per role) and cases in every state. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        role_groups_ensure()
        departments = self._departments()
        staff = self._staff(departments)
        contacts, devices = self._customers()
        self._engineers(staff)
        self._roster(staff)
        if Ticket.objects.exists():
            self.stdout.write("Demo cases already loaded; reference data checked.")
            return
        self._cases(staff, contacts, devices)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Every demo user's password is {PASSWORD!r}."))

    def _departments(self) -> dict[str, Department]:
        rows = [("presales", "售前支持", False), ("after-sales", "售后支持", True), ("technical", "技术支持", False)]
        departments = {}
        for code, name, is_default in rows:
            departments[code], _ = Department.objects.get_or_create(
                code=code, defaults={"name": name, "is_default": is_default}
            )
        routes = {
            Category.CONSULTATION: "presales",
            Category.DEVELOPMENT: "technical",
            Category.TRAINING: "technical",
            Category.PATCH: "technical",
        }
        for category, code in routes.items():
            RoutingRule.objects.get_or_create(
                category=category, organisation=None, defaults={"department": departments[code]}
            )
        return departments

    def _user(self, username, first, last, phone, language, **extra) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "phone": phone,
                "language": language,
                "email": f"{username}@demo.example.com",
                **extra,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        return user

    def _staff(self, departments) -> dict[str, User]:
        staff = {}
        for username, role, first, last, phone, language in STAFF:
            extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMIN else {}
            if role in (Role.ENGINEER, Role.MANAGER):
                extra["department"] = departments["after-sales"]
            user = self._user(username, first, last, phone, language, **extra)
            user_set_roles(user, role)
            staff[username] = user
        return staff

    def _engineers(self, staff) -> None:
        """Skills and regions, so dispatch suggestions have something to rank by."""
        profiles = {
            "engineer": (["SCADA", "Storage"], ["上海市"]),
            "engineer2": (["Storage"], ["北京市"]),
            "engineer3": (["SCADA"], ["广东省/广州市"]),
        }
        for username, (lines, regions) in profiles.items():
            engineer_profile_save(
                engineer=staff[username], actor=staff["manager"], product_lines=lines, regions=regions
            )
        # Patch and upgrade work goes only to certified engineers: 刘军 (engineer) holds the certificate.
        if not Certification.objects.filter(engineer=staff["engineer"], covers_patches=True).exists():
            certification_add(
                engineer=staff["engineer"],
                actor=staff["manager"],
                name="补丁安装资格证书",
                number="PATCH-2026-001",
                covers_patches=True,
            )

    def _roster(self, staff) -> None:
        """A 7×24 roster from yesterday to a week ahead: day shift 08–20, night shift 20–08.

        Run on every start, so whoever opens the demo finds someone on duty now."""
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        for offset in range(-1, 8):
            day = today + datetime.timedelta(days=offset)
            morning = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz)
            evening = datetime.datetime.combine(day, datetime.time(20), tzinfo=tz)
            shifts = [
                (staff["engineer"] if offset % 2 else staff["engineer3"], DutyKind.DAY, morning, evening),
                (staff["engineer2"], DutyKind.NIGHT, evening, evening + datetime.timedelta(hours=12)),
            ]
            for engineer, kind, starts_at, ends_at in shifts:
                if DutyShift.objects.filter(kind=kind, starts_at=starts_at).exists():
                    continue
                duty_shift_create(
                    actor=staff["manager"],
                    engineer=engineer,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    kind=kind,
                    on_call_phone=engineer.phone,
                )

    def _customers(self):
        products = [
            Product.objects.get_or_create(code=code, defaults={"name": name, "product_line": line})[0]
            for code, name, line in PRODUCTS
        ]
        today = timezone.localdate()
        contacts, devices = {}, {}
        for i, (name, phone, (province, city, district, street), people) in enumerate(ORGANISATIONS):
            org, _ = Organisation.objects.get_or_create(name=name, defaults={"phone": phone, "is_key_customer": i == 0})
            site, _ = Site.objects.get_or_create(
                organisation=org,
                name="主站" if i < 2 else "HQ",
                defaults={"province": province, "city": city, "district": district, "street": street},
            )
            # One device in warranty, one out of it, per organisation.
            for j, product in enumerate(products):
                delivered = today - datetime.timedelta(days=120 if j == 0 else 500)
                device, _ = Device.objects.get_or_create(
                    serial_number=f"{product.code}-{i + 1:02d}{j + 1:03d}",
                    defaults={"organisation": org, "site": site, "product": product, "delivered_on": delivered},
                )
                devices.setdefault(org.pk, []).append(device)
            ServiceContract.objects.get_or_create(
                number=f"SC-2026-{i + 1:03d}",
                defaults={
                    "organisation": org,
                    "starts_on": today.replace(month=1, day=1),
                    "ends_on": today.replace(month=12, day=31),
                },
            )
            for username, first, last, cphone, language in people:
                contact = self._user(username, first, last, cphone, language, organisation=org)
                user_set_roles(contact, Role.CUSTOMER)
                contacts[username] = contact
        return contacts, devices

    def _cases(self, staff, contacts, devices) -> None:
        manager, agent = staff["manager"], staff["agent"]

        def new(contact_name, subject, description, *, category=Category.FAULT, priority=Priority.NORMAL, by=None):
            contact = contacts[contact_name]
            return ticket_create(
                actor=by or contact,
                channel=Channel.HOTLINE if by else Channel.PORTAL,
                category=category,
                priority=priority,
                organisation=contact.organisation,
                contact=contact,
                device=devices[contact.organisation_id][0],
                subject=subject,
                description=description,
            )

        def step(ticket, action, actor, **kw):
            return ticket_transition(ticket_id=ticket.pk, action=action, actor=actor, **kw)

        # new
        new("customer", "调度工作站无法登录", "今天上午9点起，调度工作站登录时提示认证失败。")
        new("customer2", "咨询：NAS-300 扩容方案", "计划明年扩容一倍，请提供方案。", category=Category.CONSULTATION)
        new(
            "customer3",
            "Urgent: replication stopped",
            "Site replication stopped at 02:00.",
            priority=Priority.URGENT,
            by=agent,
        )
        # assigned
        t = new(
            "customer", "告警风暴：前置机大量告警", "前置机每分钟产生上百条告警。", priority=Priority.URGENT, by=agent
        )
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer"], actor=manager)
        # in progress
        t = new("customer2", "存储阵列一块硬盘故障", "管理界面显示 3 号盘故障。")
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer2"], actor=manager)
        step(t, Action.START, staff["engineer2"])
        ticket_comment(ticket_id=t.pk, actor=staff["engineer2"], body="已安排备件，今天下午更换。")
        # waiting for customer
        t = new("customer", "历史数据查询很慢", "查询一个月的历史曲线需要两分钟。")
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer"], actor=manager)
        step(t, Action.START, staff["engineer"])
        step(t, Action.WAIT, staff["engineer"], note="请提供慢查询发生的时间段和数据库日志。")
        # resolved, survey pending
        t = new(
            "customer3",
            "Training request for new operators",
            "Five new operators start next month.",
            category=Category.TRAINING,
        )
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer3"], actor=manager)
        step(t, Action.START, staff["engineer3"])
        ticket_resolve(
            ticket_id=t.pk,
            resolution="Training scheduled for the 2nd and 3rd; materials sent.",
            actor=staff["engineer3"],
        )
        # reopened after an unsatisfied survey
        t = new("customer", "补丁升级后报表错位", "安装 3.2.1 补丁后日报表格式错位。", category=Category.PATCH)
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer"], actor=manager)
        step(t, Action.START, staff["engineer"])
        ticket_resolve(ticket_id=t.pk, resolution="已调整报表模板。", actor=staff["engineer"])
        survey_answer(token=Survey.objects.get(ticket=t).token, score=2, comment="月报表仍然错位。")
        # archived, satisfied
        t = new("customer2", "网络交换机端口闪断", "核心交换机 24 口频繁 up/down。")
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer2"], actor=manager)
        step(t, Action.START, staff["engineer2"])
        ticket_resolve(ticket_id=t.pk, resolution="更换光模块后恢复正常。", actor=staff["engineer2"])
        fault_report_write(
            ticket_id=t.pk,
            actor=staff["engineer2"],
            symptom="核心交换机 24 口每隔数分钟 up/down，业务间歇中断。",
            cause="24 口光模块老化，收光功率低于阈值。",
            actions_taken="远程确认收光功率异常；更换光模块；观察 2 小时无闪断。",
            prevention="巡检时检查光模块收光功率，低于 -20 dBm 时预防性更换。",
        )
        survey_answer(token=Survey.objects.get(ticket=t).token, score=5, comment="响应很快，谢谢！")
        # archived, no survey answer
        t = new("customer", "巡检报告索取", "请发送上季度巡检报告。", category=Category.INSPECTION)
        ticket_assign(ticket_id=t.pk, assignee=staff["engineer"], actor=manager)
        step(t, Action.START, staff["engineer"])
        ticket_resolve(ticket_id=t.pk, resolution="报告已发送至联系人邮箱。", actor=staff["engineer"])
        month_ago = timezone.now() - datetime.timedelta(days=30)
        Survey.objects.filter(ticket=t).update(created_at=month_ago, sent_at=month_ago)
        survey_expire_unanswered()
        # cancelled
        t = new("customer-b", "误报：打印机无法打印", "打印机不是贵司设备，撤回。", category=Category.CONSULTATION)
        step(t, Action.CANCEL, contacts["customer-b"], note="误报，撤回。")
