from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from core.api import server_error

from . import manage_site

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/", account_views.two_factor_setup, name="two-factor"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("manage/", manage_site.site.urls),  # managers' settings, scoped by role
    path("", include("tickets.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("survey/", include("surveys.urls")),
    path("notices/", include("notices.urls")),
    path("sla/", include("sla.urls")),
    path("api/v1/sla/", include("sla.api.urls")),
    path("api/v1/", include("servicedesk.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]


def handler404(request, exception):
    """API clients get JSON for an unknown path; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)


# API paths answer an unexpected error in JSON (503 + Retry-After when the database or Redis failed).
handler500 = server_error
