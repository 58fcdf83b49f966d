#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    # Management commands default to development mode (as cookiecutter-django's manage.py uses its
    # local settings); the web and worker processes (wsgi.py, celery.py) do not: production sets
    # DEBUG=false and SECRET_KEY in the environment.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
