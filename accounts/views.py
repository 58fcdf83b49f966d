from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .roles import Role


@login_required
def home(request):
    """Send each person to the page their role starts from."""
    user = request.user
    if user.is_supervisor or user.is_engineer:
        return redirect("tickets:queue")
    if user.has_role(Role.AGENT):
        return redirect("tickets:hotline")
    return redirect("tickets:portal")


@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice as the user's preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(request.user._meta.get_field("language").choices):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
