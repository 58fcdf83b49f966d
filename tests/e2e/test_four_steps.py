"""The four steps through the real pages, as the people who do them: a customer, a hotline
agent, an after-sales manager and an engineer, each at their own browser.

Chinese is the default language (the browsers ask for zh-CN); the manager switches to
English with the language switcher. What is asserted is what a person sees on the page;
labels are read from the same translation catalogs the server uses (see ``t``).
Screenshots go to tests/artifacts/ (git-ignored).
"""

import re
import struct
import zlib

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.roles import Role
from surveys.models import Survey
from surveys.services import survey_round_count
from tickets.lifecycle import Status
from tickets.models import Ticket

from ..factories import ContactFactory, DepartmentFactory, DeviceFactory, ProductFactory, make_staff
from .conftest import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"SR-\d{4}-\d{6,}")


def tiny_png() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND), so the upload check accepts it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def status_badge(page: Page):
    """The status badge next to the case's title (on the staff and the portal case page)."""
    return page.locator("h1 ~ .badge, h1 + p > .badge").first


def expect_status(person: Person, status: Status) -> None:
    expect(status_badge(person.page)).to_have_text(person.t(status.label))


def open_case_from_queue(person: Person, reference: str) -> None:
    page = person.page
    page.get_by_role("link", name=person.t("Queue"), exact=True).click()
    page.get_by_label(person.t("Search: reference, subject or serial number")).fill(reference)
    page.get_by_role("button", name=person.t("Apply filters")).click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def do_action(person: Person, label: str, *, text: str = "", field: str = "") -> None:
    """Press one of the case page's "Next steps": a button, or a folded form with a text."""
    page = person.page
    steps = page.locator("section", has=page.get_by_role("heading", name=person.t("Next steps")))
    if not text:
        steps.get_by_role("button", name=label, exact=True).click()
        return
    details = steps.locator("details", has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    details.get_by_label(field).fill(text)
    details.get_by_role("button", name=label, exact=True).click()


def answer_survey(customer: Person, reference: str, score_label: str, comment: str) -> str:
    """Follow the survey link from the portal's "What is asked of you" and answer; return the link."""
    page = customer.page
    page.get_by_role("link", name=customer.t("My cases"), exact=True).click()
    asked = page.locator("section", has=page.get_by_role("heading", name=customer.t("What is asked of you")))
    expect(asked).to_contain_text(customer.t("Survey"))
    link = asked.get_by_role("link", name=customer.t("Tell us how we did on %(reference)s", reference=reference))
    href = link.get_attribute("href")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(customer.t("How did we do?"))
    page.get_by_label(score_label).check()
    page.get_by_label(customer.t("Anything you would like to tell us?")).fill(comment)
    page.get_by_role("button", name=customer.t("Send answer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(customer.t("Thank you for your answer"))
    return href


def test_customer_agent_manager_and_engineer_walk_the_four_steps(live_server, log_in, screenshot, tmp_path):
    department = DepartmentFactory(code="after-sales", name="售后服务部", is_default=True)
    customer_user = ContactFactory(username="wang.wei", first_name="伟", last_name="王", phone="13812345678")
    organisation = customer_user.organisation
    organisation.name = "华东数据科技有限公司"
    organisation.save(update_fields=["name"])
    product = ProductFactory(name="磁盘阵列 DA-5000")
    device = DeviceFactory(organisation=organisation, product=product, serial_number="DA5K-2024-0042")
    agent_user = make_staff(Role.AGENT, username="agent", first_name="丽", last_name="李")
    manager_user = make_staff(Role.MANAGER, username="manager", first_name="Mei", last_name="Chen")
    engineer_user = make_staff(Role.ENGINEER, username="engineer", first_name="强", last_name="张")
    picture = tmp_path / "array-status.png"
    picture.write_bytes(tiny_png())

    # 1. The customer asks for help through the portal, in Chinese (the default).
    customer = log_in(customer_user)
    page = customer.page
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("link", name=customer.t("New request"), exact=True).first.click()
    page.get_by_label(customer.t("What do you need?")).select_option("fault")
    page.get_by_label(customer.t("Device")).select_option(label=f"{product.name} · {device.serial_number}")
    page.get_by_label(customer.t("Normal"), exact=True).check()
    page.get_by_label(customer.t("Subject")).fill("阵列控制器离线")
    page.get_by_label(customer.t("Description")).fill("今天上午九点起，控制器 A 无响应，业务已切换到控制器 B。")
    page.get_by_label(customer.t("Attachments")).set_input_files(picture)
    page.get_by_role("button", name=customer.t("Send request")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("阵列控制器离线")
    reference = REFERENCE.search(page.get_by_role("heading", level=1).inner_text()).group()
    expect(page.locator(".alert-success")).to_contain_text(
        customer.t("Request %(reference)s received. We will get back to you shortly.", reference=reference)
    )
    expect_status(customer, Status.NEW)
    attachments = page.get_by_role("region", name=customer.t("Attachments"))
    expect(attachments.get_by_role("link", name="array-status.png")).to_be_visible()
    screenshot(page, "1-customer-request-sent")

    # 2. The same customer calls the hotline about a second problem.
    agent = log_in(agent_user)
    page = agent.page
    expect(page.get_by_role("heading", level=1)).to_have_text(agent.t("Log a call"))  # agents start here
    expect(page.get_by_label(agent.t("Caller's phone"))).to_be_focused()
    page.keyboard.type(customer_user.phone)
    caller = page.locator("#caller")
    expect(caller).to_contain_text(str(customer_user))
    expect(caller).to_contain_text(organisation.name)
    expect(caller.get_by_label(str(customer_user))).to_be_checked()  # the one match is picked
    expect(caller.get_by_label(organisation.name, exact=True)).to_be_checked()
    caller.get_by_label(device.serial_number).check()
    page.get_by_label(agent.t("Urgent")).check()
    page.get_by_label(agent.t("Subject")).fill("备用电源告警")
    page.get_by_label(agent.t("Description")).fill("客户来电：UPS 告警灯常亮")
    screenshot(page, "2a-agent-caller-found")
    page.keyboard.press("Enter")
    logged = page.locator(".alert-success")
    expect(logged).to_contain_text(REFERENCE)
    call_reference = REFERENCE.search(logged.inner_text()).group()
    assert call_reference != reference
    expect(page.get_by_label(agent.t("Caller's phone"))).to_have_value("")  # ready for the next call
    expect(page.get_by_label(agent.t("Caller's phone"))).to_be_focused()
    screenshot(page, "2b-agent-call-logged")

    # 3. The manager switches to English, finds the customer's case in the queue and assigns it.
    manager = log_in(manager_user)
    page = manager.page
    queue_link = page.locator("#main-menu a[href='/staff/queue/']")
    expect(queue_link).to_have_text(manager.t("Queue"))  # Chinese: 工单队列 once translated
    manager.switch_language("en")
    expect(queue_link).to_have_text("Queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=call_reference, exact=True))
    expect(row).to_contain_text("Urgent")  # the hotline call is in the queue too
    screenshot(page, "3a-manager-queue-in-english")
    open_case_from_queue(manager, reference)
    expect_status(manager, Status.NEW)
    expect(page.locator("dl")).to_contain_text(device.serial_number)
    page.get_by_label("Assign to").select_option(label=str(engineer_user))
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".alert-success")).to_have_text(f"{reference} assigned to {engineer_user}.")
    expect_status(manager, Status.ASSIGNED)
    screenshot(page, "3b-manager-assigned")

    # 4. The engineer accepts, asks the customer, the customer replies, the engineer resolves.
    engineer = log_in(engineer_user)
    page = engineer.page
    open_case_from_queue(engineer, reference)
    expect_status(engineer, Status.ASSIGNED)
    do_action(engineer, engineer.t("Accept and start"))
    expect_status(engineer, Status.IN_PROGRESS)
    question = "请提供控制器 A 的日志（show log -all）。"
    do_action(
        engineer, engineer.t("Ask the customer"), text=question, field=engineer.t("What do you need from the customer?")
    )
    expect_status(engineer, Status.WAITING)
    screenshot(page, "4a-engineer-asked-customer")

    page = customer.page
    page.get_by_role("link", name=customer.t("My cases"), exact=True).click()
    asked = page.locator("section", has=page.get_by_role("heading", name=customer.t("What is asked of you")))
    expect(asked).to_contain_text(customer.t("Reply needed"))
    asked.get_by_role("link", name=re.compile(re.escape(reference))).click()
    expect_status(customer, Status.WAITING)
    expect(page.locator("#timeline")).to_contain_text(question)
    page.get_by_label(customer.t("Comment")).fill("日志见附件说明：控制器 A 报 E-42 错误。")
    page.get_by_role("button", name=customer.t("Send reply")).click()
    expect(page.locator(".alert-success")).to_have_text(customer.t("Your reply has been added."))
    expect_status(customer, Status.IN_PROGRESS)  # the reply sends the case back to the engineer
    screenshot(page, "4b-customer-replied")

    page = engineer.page
    page.reload()
    expect_status(engineer, Status.IN_PROGRESS)
    expect(page.locator("#timeline")).to_contain_text("E-42")
    do_action(engineer, engineer.t("Resolve"), text="更换控制器 A 并升级固件到 5.2.1。", field=engineer.t("Resolution"))
    expect_status(engineer, Status.RESOLVED)
    screenshot(page, "4c-engineer-resolved")

    # 5. The survey: not satisfied → reopened; resolved again; satisfied → archived.
    survey_link = answer_survey(customer, reference, customer.t("2 — Dissatisfied"), "问题又出现了。")
    expect(customer.page.locator("main")).to_contain_text(
        customer.t(
            "We are sorry case %(reference)s did not meet your expectations. We have reopened it, "
            "and the engineer will be in touch.",
            reference=reference,
        )
    )
    # The same link was emailed to the customer, and the manager was told.
    assert any(m.to == [customer_user.email] and survey_link in m.body for m in mail.outbox)
    assert any(m.to == [manager_user.email] and reference in m.subject for m in mail.outbox)
    screenshot(customer.page, "5a-customer-not-satisfied")

    page = manager.page
    page.reload()
    expect_status(manager, Status.REOPENED)
    facts = page.locator("section", has=page.get_by_role("heading", name="Facts"))
    expect(facts.locator("dt:has-text('Survey rounds') + dd")).to_have_text("1")
    expect(facts.locator("dt:has-text('Engineer') + dd")).to_have_text(str(engineer_user))  # same engineer

    page = engineer.page
    page.reload()
    expect_status(engineer, Status.REOPENED)
    do_action(engineer, engineer.t("Accept and start"))
    expect_status(engineer, Status.IN_PROGRESS)
    do_action(
        engineer, engineer.t("Resolve"), text="更换背板后连续观察 24 小时，无告警。", field=engineer.t("Resolution")
    )
    expect_status(engineer, Status.RESOLVED)
    screenshot(page, "5b-engineer-resolved-again")

    answer_survey(customer, reference, customer.t("5 — Very satisfied"), "谢谢！")
    expect(customer.page.locator("main")).to_contain_text(
        customer.t(
            "We are glad case %(reference)s was handled to your satisfaction. The case is now closed and archived.",
            reference=reference,
        )
    )
    screenshot(customer.page, "5c-customer-satisfied")
    page = customer.page
    page.get_by_role("link", name=customer.t("My cases"), exact=True).click()
    card = page.locator(".list-group-item", has=page.get_by_role("link", name=reference, exact=True))
    expect(card).to_contain_text(customer.t(Status.ARCHIVED.label))
    expect(page.locator("section", has_text=customer.t("What is asked of you"))).not_to_contain_text(reference)
    card.get_by_role("link", name=reference, exact=True).click()
    expect_status(customer, Status.ARCHIVED)
    expect(page.get_by_text(customer.t("This case is closed. For a new problem, open a new request."))).to_be_visible()
    screenshot(page, "5d-customer-case-archived")

    page = manager.page
    page.reload()
    expect_status(manager, Status.ARCHIVED)
    screenshot(page, "5e-manager-case-archived")

    # What the pages showed is what was stored.
    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.status, ticket.assignee, ticket.department, survey_round_count(ticket.pk)) == (
        Status.ARCHIVED,
        engineer_user,
        department,
        2,
    )
    assert list(Survey.objects.filter(ticket=ticket).order_by("round").values_list("score", flat=True)) == [2, 5]
    call = Ticket.objects.get(reference=call_reference)
    assert (call.contact, call.device, call.priority, call.channel) == (customer_user, device, "urgent", "hotline")
    # Every page, script and stylesheet came from the app itself.
    outside = [url for url in log_in.requests if not url.startswith(live_server.url)]
    assert outside == []


def test_hotline_is_usable_by_keyboard_alone_and_pages_fetch_nothing_from_outside(live_server, log_in, screenshot):
    DepartmentFactory(code="after-sales", name="售后服务部", is_default=True)
    caller = ContactFactory(username="liu.yang", first_name="洋", last_name="刘", phone="13912345678")
    DeviceFactory(organisation=caller.organisation, serial_number="SW-9000-0007")
    agent = log_in(make_staff(Role.AGENT, username="agent", first_name="丽", last_name="李"))
    page = agent.page

    # Focus starts in the phone field: the agent types the number as the caller says it.
    expect(page.get_by_label(agent.t("Caller's phone"))).to_be_focused()
    page.keyboard.type("139-1234-5678")
    expect(page.locator("#caller").get_by_label(str(caller))).to_be_checked()

    # Tab walks the form in reading order and reaches the submit button.
    def focused() -> str:
        return page.evaluate("(el => el.id || el.name || el.tagName)(document.activeElement)")

    seen = [focused()]
    while seen[-1] != "BUTTON" and len(seen) < 40:
        page.keyboard.press("Tab")
        seen.append(focused())
    wanted = [
        "id_phone",
        f"contact-{caller.pk}",
        f"org-{caller.organisation_id}",
        "device-none",  # the device group, entered at its checked radio
        "id_requester_name",
        "id_category",
        "id_priority_0",
        "id_subject",
        "id_description",
        "BUTTON",
    ]
    assert [name for name in seen if name in wanted] == wanted, seen
    expect(page.get_by_role("button", name=re.compile(re.escape(agent.t("Log call"))))).to_be_focused()

    # Back up (Shift+Tab) and fill the call in without the mouse: the arrow keys pick
    # urgent in the priority group, Enter in the description logs the call.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label(agent.t("Description"))).to_be_focused()
    page.keyboard.type("交换机端口全部掉线")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("交换机故障")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label(agent.t("Normal"), exact=True)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label(agent.t("Urgent"))).to_be_checked()
    expect(page.get_by_label(agent.t("Urgent"))).to_have_attribute("accesskey", "u")  # Alt+U, as labelled
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label(agent.t("Description"))).to_be_focused()
    page.keyboard.press("Enter")
    logged = page.locator(".alert-success")
    expect(logged).to_contain_text(REFERENCE)
    screenshot(page, "keyboard-hotline-call-logged")
    reference = REFERENCE.search(logged.inner_text()).group()
    page.get_by_role("link", name=reference).click()
    expect(status_badge(page)).to_have_text(agent.t(Status.NEW.label))
    expect(page.locator("main")).to_contain_text(agent.t("Urgent"))

    # The pages an agent uses, and the customer's: everything comes from the app.
    for path in ("/staff/queue/", "/staff/new/", "/hotline/"):
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
    customer = log_in(caller)
    customer.page.goto("/portal/new/")
    expect(customer.page.locator("main h1")).to_be_visible()
    page.evaluate("document.fonts.ready")
    assert log_in.requests, "no request was recorded"
    outside = [url for url in log_in.requests if not url.startswith(live_server.url)]
    assert outside == [], outside
    assert any(url.endswith(".js") for url in log_in.requests)  # htmx and bootstrap, served by the app
