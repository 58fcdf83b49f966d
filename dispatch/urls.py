from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("cases/<str:reference>/assign/", views.assign, name="assign"),
    path("bulk-assign/", views.bulk_assign, name="bulk-assign"),
]
