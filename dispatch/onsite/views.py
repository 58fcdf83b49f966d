"""On-site support from the pages: deciding a visit, the engineer's phone-sized visit page (check-in,
photos, parts, major operations, times, the signed application, finish), and the signing link."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tickets.access import can_see
from tickets.lifecycle import Status
from tickets.selectors import ticket_get_for_user
from tickets.services import ticket_comment
from tickets.views._common import add_service_errors, staff_required

from .. import links
from ..selectors import case_object_for_user
from ..views._common import REFUSALS, case_url, form_page, reason, run, stored_file
from .access import ensure_works_visit
from .forms import (
    ApplicationForm,
    ArriveForm,
    FinishForm,
    OperationApproveForm,
    OperationForm,
    PartForm,
    PhotosForm,
    SignForm,
    TimeForm,
    VisitDecideForm,
)
from .models import MajorOperation, PartLine, ServiceApplication
from .selectors import device_history, visit_get_for_user
from .services import (
    major_operation_approve,
    major_operation_done,
    major_operation_request,
    part_add,
    service_application_prepare,
    service_application_sign,
    service_application_sign_by_link,
    service_application_token,
    visit_arrive,
    visit_decide,
    visit_depart,
    visit_finish,
    visit_record_fixed,
    visit_record_restored,
)


@staff_required
def decide(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = VisitDecideForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form=form,
        call=lambda d: visit_decide(
            ticket_id=ticket.pk,
            actor=request.user,
            reason=d["reason"],
            engineer=d["engineer"],
            planned_at=d["planned_at"],
        ),
        success=gettext("On-site visit decided; the on-site clock is running."),
        back=lambda visit: reverse("dispatch:visit", args=[visit.pk]),
        context={
            "ticket": ticket,
            "title": gettext("Decide on an on-site visit"),
            "submit": gettext("Decide on the visit"),
            "cancel_url": case_url(request, ticket),
        },
    )


def _signing_url(request, application) -> str:
    token = service_application_token(application)
    return request.build_absolute_uri(reverse("dispatch:sign-link", args=[token]))


def _qr_svg(url: str) -> str:
    # segno draws the QR code as inline SVG on the server: nothing is fetched from anywhere.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff"))  # noqa: S308


def _render_visit(request, visit, **forms):
    ticket = visit.ticket
    application = ServiceApplication.objects.filter(visit=visit).first()
    signing_url = _signing_url(request, application) if application and not application.is_signed else ""
    blank = {
        "arrive_form": ArriveForm(),
        "photos_form": PhotosForm(),
        "part_form": PartForm(),
        "operation_form": OperationForm(),
        "restored_form": TimeForm(prefix="restored"),
        "fixed_form": TimeForm(prefix="fixed"),
        "application_form": ApplicationForm(),
        "sign_form": SignForm(),
        "finish_form": FinishForm(),
    }
    operations = list(MajorOperation.objects.filter(visit=visit))
    for op in operations:
        op.approve_form = forms.pop(f"approve_{op.pk}", None) or OperationApproveForm(prefix=f"op-{op.pk}")
    return render(
        request,
        "dispatch/visit.html",
        {
            "visit": visit,
            "ticket": ticket,
            "device": ticket.device,
            "site": ticket.device.site if ticket.device_id else None,
            "history": device_history(ticket),
            "parts": PartLine.objects.filter(visit=visit),
            "operations": operations,
            "application": application,
            "signing_url": signing_url,
            "signing_qr": _qr_svg(signing_url) if signing_url else "",
            "can_accept": ticket.status == Status.ASSIGNED and ticket.assignee_id == request.user.pk,
            **{**blank, **forms},
        },
    )


@staff_required
def visit(request, pk):
    return _render_visit(request, visit_get_for_user(request.user, pk))


def _visit_form(request, pk, form_key: str, form, call, success: str):
    """A form on the visit page: bad input re-renders the page with the errors next to the fields."""
    visit = visit_get_for_user(request.user, pk)
    back = reverse("dispatch:visit", args=[visit.pk])
    if request.method != "POST":
        return redirect(back)
    if form.is_valid():
        try:
            call(visit, form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        except REFUSALS as e:
            messages.error(request, reason(e))
            return redirect(back)
        else:
            messages.success(request, success)
            return redirect(back)
    return _render_visit(request, visit, **{form_key: form})


def _post(request):
    return request.POST if request.method == "POST" else None


@staff_required
@require_POST
def depart(request, pk):
    visit = visit_get_for_user(request.user, pk)
    return run(
        request,
        lambda: visit_depart(visit_id=visit.pk, actor=request.user),
        success=gettext("On the way."),
        back=reverse("dispatch:visit", args=[visit.pk]),
    )


@staff_required
def arrive(request, pk):
    return _visit_form(
        request,
        pk,
        "arrive_form",
        ArriveForm(_post(request)),
        lambda v, d: visit_arrive(
            visit_id=v.pk,
            actor=request.user,
            latitude=d["latitude"],
            longitude=d["longitude"],
            accuracy_m=d["accuracy_m"],
        ),
        gettext("Checked in on site."),
    )


@staff_required
def restored(request, pk):
    return _visit_form(
        request,
        pk,
        "restored_form",
        TimeForm(_post(request), prefix="restored"),
        lambda v, d: visit_record_restored(visit_id=v.pk, actor=request.user, at=d["at"]),
        gettext("Service restoration recorded."),
    )


@staff_required
def fixed(request, pk):
    return _visit_form(
        request,
        pk,
        "fixed_form",
        TimeForm(_post(request), prefix="fixed"),
        lambda v, d: visit_record_fixed(visit_id=v.pk, actor=request.user, at=d["at"]),
        gettext("Root-cause fix recorded."),
    )


@staff_required
def finish(request, pk):
    return _visit_form(
        request,
        pk,
        "finish_form",
        FinishForm(_post(request)),
        lambda v, d: visit_finish(visit_id=v.pk, actor=request.user, summary=d["summary"]),
        gettext("Visit finished."),
    )


@staff_required
def photos(request, pk):
    def call(v, d):
        ensure_works_visit(request.user, v)
        ticket_comment(
            ticket_id=v.ticket_id,
            actor=request.user,
            body=d["note"] or gettext("On-site photos."),
            is_public=False,
            files=d["photos"],
        )

    form = PhotosForm(_post(request), request.FILES if request.method == "POST" else None)
    return _visit_form(request, pk, "photos_form", form, call, gettext("Photos added to the case."))


@staff_required
def part(request, pk):
    return _visit_form(
        request,
        pk,
        "part_form",
        PartForm(_post(request)),
        lambda v, d: part_add(
            ticket_id=v.ticket_id,
            actor=request.user,
            description=d["description"],
            quantity=d["quantity"],
            unit_price=d["unit_price"],
            visit=v,
        ),
        gettext("Part recorded."),
    )


@staff_required
def operation(request, pk):
    return _visit_form(
        request,
        pk,
        "operation_form",
        OperationForm(_post(request)),
        lambda v, d: major_operation_request(
            visit_id=v.pk, actor=request.user, kind=d["kind"], description=d["description"]
        ),
        gettext("The customer's approval is asked for."),
    )


@login_required
def operation_approve(request, pk):
    """Staff write down who approved on site; a customer contact approves in the portal."""
    op = case_object_for_user(request.user, MajorOperation, pk, ticket_path="visit__ticket")
    if request.user.is_customer:
        if request.method != "POST":
            return redirect(case_url(request, op.visit.ticket))
        return run(
            request,
            lambda: major_operation_approve(operation_id=op.pk, actor=request.user),
            success=gettext("Thank you: your approval has been recorded."),
            back=case_url(request, op.visit.ticket),
        )
    if not request.user.is_staff_member:
        raise PermissionDenied
    return _visit_form(
        request,
        op.visit_id,
        f"approve_{op.pk}",
        OperationApproveForm(_post(request), prefix=f"op-{op.pk}"),
        lambda v, d: major_operation_approve(operation_id=op.pk, actor=request.user, approver_name=d["approver_name"]),
        gettext("The customer's approval is recorded."),
    )


@staff_required
@require_POST
def operation_done(request, pk):
    op = case_object_for_user(request.user, MajorOperation, pk, ticket_path="visit__ticket")
    return run(
        request,
        lambda: major_operation_done(operation_id=op.pk, actor=request.user),
        success=gettext("Marked done."),
        back=reverse("dispatch:visit", args=[op.visit_id]),
    )


@staff_required
def application(request, pk):
    return _visit_form(
        request,
        pk,
        "application_form",
        ApplicationForm(_post(request)),
        lambda v, d: service_application_prepare(
            visit_id=v.pk, actor=request.user, work_description=d["work_description"]
        ),
        gettext("Application ready to sign."),
    )


@staff_required
def sign(request, pk):
    """The customer's responsible person signs on the engineer's phone: a PNG data URL and a name."""

    def call(v, d):
        app = ServiceApplication.objects.filter(visit=v).first()
        if app is None:
            raise ValidationError({"signature": [gettext("Prepare the application first.")]})
        service_application_sign(
            application_id=app.pk, actor=request.user, signer_name=d["signer_name"], data_url=d["signature"]
        )

    return _visit_form(
        request, pk, "sign_form", SignForm(_post(request)), call, gettext("Application signed and kept as a PDF.")
    )


@login_required
def application_pdf(request, pk):
    app = case_object_for_user(request.user, ServiceApplication, pk)
    return stored_file(app.pdf, content_type="application/pdf")


def sign_by_link(request, token):
    """The signing link (no login), emailed or scanned from the engineer's QR code."""
    try:
        application_id, _contact = links.read_token(links.APPLICATION_SIGNING, token)
        app = ServiceApplication.objects.select_related("ticket__device__site", "visit__engineer").get(
            pk=application_id
        )
    except (ValidationError, ServiceApplication.DoesNotExist) as e:
        message = " ".join(e.messages) if isinstance(e, ValidationError) else gettext("This link is not valid.")
        return render(request, "dispatch/link_invalid.html", {"message": message}, status=404)
    form = SignForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            app = service_application_sign_by_link(
                token=token, signer_name=form.cleaned_data["signer_name"], data_url=form.cleaned_data["signature"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
    return render(
        request,
        "dispatch/sign_link.html",
        {"application": app, "ticket": app.ticket, "form": form, "can_see": can_see(request.user, app.ticket)},
    )
