"""An urgent fault handled end to end through the pages: hotline → the manager picks the suggested
on-duty engineer → remote session approved by the customer in the portal → command log → on-site
visit on the engineer's phone (check-in, the customer signs on the canvas) → resolved → the customer
downloads the fault-handling report PDF. Screenshots go to tests/artifacts/ (git-ignored)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import Role
from dispatch.models import CommandLog, ServiceApplication, Visit
from dispatch.roster.services import duty_shift_create, engineer_profile_save
from tickets.lifecycle import Status
from tickets.models import Ticket

from ..factories import ContactFactory, DepartmentFactory, DeviceFactory, ProductFactory, SiteFactory, make_staff
from .test_four_steps import REFERENCE, do_action, expect_status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_urgent_fault_from_hotline_to_the_customers_report(live_server, log_in, screenshot):
    DepartmentFactory(code="after-sales", name="售后服务部", is_default=True)
    customer_user = ContactFactory(username="wang.wei", first_name="伟", last_name="王", phone="13812345678")
    organisation = customer_user.organisation
    site = SiteFactory(
        organisation=organisation, province="广东省", city="深圳市", district="南山区", street="科技园路 1 号"
    )
    device = DeviceFactory(
        organisation=organisation,
        site=site,
        product=ProductFactory(name="磁盘阵列 DA-5000", product_line="Storage"),
        serial_number="DA5K-2024-0042",
    )
    agent_user = make_staff(Role.AGENT, username="agent", first_name="丽", last_name="李")
    manager_user = make_staff(Role.MANAGER, username="manager", first_name="Mei", last_name="Chen")
    engineer_user = make_staff(Role.ENGINEER, username="zhang", first_name="强", last_name="张", phone="13700001111")
    other = make_staff(Role.ENGINEER, username="liu", first_name="洋", last_name="刘")
    engineer_profile_save(engineer=engineer_user, actor=None, product_lines=["Storage"])
    engineer_profile_save(engineer=other, actor=None, product_lines=["Network"])
    now = timezone.now()
    duty_shift_create(
        actor=None, engineer=engineer_user, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
    )

    # 1. The hotline logs an urgent fault; who is on duty shows on the same screen.
    agent = log_in(agent_user)
    page = agent.page
    on_duty = page.get_by_role("region", name=agent.t("On duty now"))
    expect(on_duty).to_contain_text(str(engineer_user))
    expect(on_duty.get_by_role("link", name="13700001111")).to_have_attribute("href", "tel:13700001111")
    page.keyboard.type(customer_user.phone)
    caller = page.locator("#caller")
    expect(caller.get_by_label(str(customer_user))).to_be_checked()
    caller.get_by_label(device.serial_number).check()
    page.get_by_label(agent.t("Urgent")).check()
    page.get_by_label(agent.t("Subject")).fill("阵列控制器离线")
    page.get_by_label(agent.t("Description")).fill("控制器 A 无响应，业务已切换到控制器 B。")
    page.keyboard.press("Enter")
    logged = page.locator(".alert-success")
    expect(logged).to_contain_text(REFERENCE)
    reference = REFERENCE.search(logged.inner_text()).group()
    case_url = f"/staff/cases/{reference}/"

    # 2. The manager assigns the first suggestion: the on-duty engineer with the skill.
    manager = log_in(manager_user)
    page = manager.page
    page.goto(case_url)
    first = page.locator("#suggestions > li").first
    expect(first).to_contain_text(str(engineer_user))
    expect(first).to_contain_text(manager.t("On duty"))
    screenshot(page, "incident-1-manager-suggestions")
    first.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text(reference)
    expect_status(manager, Status.ASSIGNED)

    # 3. The engineer accepts and asks for a remote session.
    engineer = log_in(engineer_user)
    page = engineer.page
    page.goto(case_url)
    panel = page.locator("#dispatch")
    steps = page.locator("section", has=page.get_by_role("heading", name=engineer.t("Next steps")))
    steps.get_by_role("button", name=engineer.t("Accept and start"), exact=True).click()
    expect_status(engineer, Status.IN_PROGRESS)
    panel.locator("summary", has_text=engineer.t("Request a remote session")).click()
    panel.get_by_label(engineer.t("Purpose")).fill("读取控制器 A 的日志")
    panel.get_by_label(engineer.t("Target system")).fill("DA-5000 管理口")
    panel.get_by_role("button", name=engineer.t("Request the session")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.locator("#dispatch").get_by_role("button", name=engineer.t("Start the session")).click()
    expect(page.locator(".alert-danger")).to_contain_text(
        engineer.t("No remote session may start without the customer's approval.")
    )

    # 4. The customer approves in the portal ("what is asked of you").
    customer = log_in(customer_user)
    page = customer.page
    page.goto(f"/portal/cases/{reference}/")
    asked = page.get_by_role("region", name=customer.t("What is asked of you"))
    expect(asked).to_contain_text("DA-5000 管理口")
    screenshot(page, "incident-2-customer-asked")
    asked.get_by_role("button", name=customer.t("Approve the remote session")).click()
    expect(page.locator(".alert-success")).to_have_text(customer.t("Thank you: your answer has been recorded."))

    # 5. The engineer starts the session and stores the command log.
    page = engineer.page
    page.reload()
    page.locator("#dispatch").get_by_role("button", name=engineer.t("Start the session")).click()
    expect(page.locator(".alert-success")).to_have_text(engineer.t("Remote session started."))
    page.locator("#dispatch").get_by_role("link", name=engineer.t("Command logs")).click()
    page.get_by_label(engineer.t("Or paste the log")).fill("$ show controller A\nstatus: FAULT E-42\n")
    page.get_by_role("button", name=engineer.t("Store the log")).click()
    log = CommandLog.objects.get()
    expect(page.locator(f"#log-{log.pk}")).to_contain_text(log.sha256)
    screenshot(page, "incident-3-command-log")

    # 6. Escalated to an on-site visit; the engineer works from the phone.
    page.goto(case_url)
    panel = page.locator("#dispatch")
    panel.locator("summary", has_text=engineer.t("Decide on an on-site visit")).click()
    panel.get_by_label(engineer.t("Why a visit?")).fill("需要现场更换控制器 A")
    panel.get_by_role("button", name=engineer.t("Decide on the visit")).click()
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(engineer.t("On-site visit"))
    expect(page.locator("#visit-address")).to_contain_text("广东省 深圳市 南山区")
    expect(page.get_by_role("link", name=customer_user.phone)).to_have_attribute("href", f"tel:{customer_user.phone}")
    page.get_by_role("button", name=engineer.t("Check in")).click()
    expect(page.locator(".alert-success")).to_have_text(engineer.t("Checked in on site."))
    page.get_by_label(engineer.t("Service requested")).fill("更换控制器 A，并检查背板。")
    page.get_by_role("button", name=engineer.t("Prepare the application")).click()
    expect(page.locator("#signing-qr svg")).to_be_attached()

    # The customer's responsible person signs on the engineer's phone.
    page.get_by_label(engineer.t("Signer's name")).fill("王伟")
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + 20 + step * (box["width"] - 40) / 10, box["y"] + box["height"] * (0.7 - 0.04 * step))
    page.mouse.up()
    screenshot(page, "incident-4-engineer-phone-signing")
    page.get_by_role("button", name=engineer.t("Sign the application")).click()
    expect(page.locator(".alert-success")).to_have_text(engineer.t("Application signed and kept as a PDF."))
    page.get_by_role("button", name=engineer.t("Service restored")).click()
    page.get_by_role("button", name=engineer.t("Root cause fixed")).click()
    page.get_by_label(engineer.t("What was done on site")).fill("更换控制器 A，固件升级到 5.2.1。")
    page.get_by_role("button", name=engineer.t("Finish the visit")).click()
    expect(page.locator("#visit-status")).to_have_text(engineer.t("Finished"))
    screenshot(page, "incident-5-visit-finished")

    # 7. Resolved, and the report filed from the case page.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(case_url)
    do_action(engineer, engineer.t("Resolve"), text="更换控制器 A。", field=engineer.t("Resolution"))
    expect_status(engineer, Status.RESOLVED)
    page.locator("#dispatch").get_by_role("link", name=engineer.t("Write the fault-handling report")).click()
    page.get_by_role("textbox", name=engineer.t("Cause"), exact=True).fill("控制器 A 硬件故障")
    page.get_by_role("button", name=engineer.t("File the report")).click()
    expect(page.locator(".alert-success")).to_be_visible()

    # 8. The customer downloads the report.
    page = customer.page
    page.goto(f"/portal/cases/{reference}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=customer.t("Download the fault-handling report (PDF)")).click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert reference in text
    screenshot(page, "incident-6-customer-report")

    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.status, ticket.assignee, ticket.priority) == (Status.RESOLVED, engineer_user, "urgent")
    visit = Visit.objects.get(ticket=ticket)
    assert visit.arrived_at is not None
    assert ServiceApplication.objects.get(visit=visit).signature
    outside = [url for url in log_in.requests if not url.startswith(live_server.url)]
    assert outside == []
