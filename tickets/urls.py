from django.urls import path

from .views import files, hotline, portal, public, staff

app_name = "tickets"
urlpatterns = [
    # Customers
    path("portal/", portal.portal, name="portal"),
    path("portal/new/", portal.portal_new, name="portal-new"),
    path("portal/cases/<str:reference>/", portal.portal_case, name="portal-case"),
    # Staff
    path("staff/queue/", staff.queue, name="queue"),
    path("staff/new/", staff.staff_new, name="staff-new"),
    path("staff/cases/<str:reference>/", staff.case, name="case"),
    path("staff/cases/<str:reference>/comment/", staff.comment, name="comment"),
    path("staff/cases/<str:reference>/edit/", staff.edit, name="edit"),
    path("cases/<str:reference>/transition/", staff.transition, name="transition"),
    path("hotline/", hotline.hotline, name="hotline"),
    path("hotline/lookup/", hotline.hotline_lookup, name="hotline-lookup"),
    # Everyone
    path("attachments/<int:pk>/", files.attachment, name="attachment"),
    path("request/", public.public_request, name="public-request"),
    path("request/sent/", public.public_sent, name="public-sent"),
    path("request/confirm/<str:token>/", public.public_confirm, name="public-confirm"),
]
