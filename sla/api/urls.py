from django.urls import path

from . import views

app_name = "sla-api"
urlpatterns = [
    path("tickets/<str:reference>/clocks/", views.TicketClockList.as_view(), name="ticket-clocks"),
    path("at-risk/", views.AtRiskList.as_view(), name="at-risk"),
    path("breached/", views.BreachedList.as_view(), name="breached"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
]
