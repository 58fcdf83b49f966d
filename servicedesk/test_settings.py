"""Test overrides: fast hashing, in-memory mail, eager-free Celery (tests set eager per fixture)."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("RATELIMIT_ENABLE", "false")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Tasks run inline unless a test starts a real worker: nothing leaks into a real queue.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
