from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/clocks/", views.clock_list, name="clocks"),
    path("notifications/", views.notification_list, name="notifications"),
    path("nav/", views.nav, name="nav"),
]
