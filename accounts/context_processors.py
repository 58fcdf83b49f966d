from .roles import Role


def roles(request):
    """Expose the role names to templates, so menus show only what a role may use."""
    return {"Role": Role}
