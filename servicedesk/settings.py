"""Settings, read from the environment with safe defaults.

A fresh checkout runs on SQLite under ``var/`` and a filesystem Celery broker (no
Redis). ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis. With
``DEBUG`` off, ``SECRET_KEY`` must be set.
"""

from datetime import timedelta
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # fails loudly when missing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "servicedesk.apps.DeskAdminConfig",  # django.contrib.admin, its site refusing sessions that owe a code
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from the package, no CDN
    "django_celery_beat",
    "django_htmx",
    "axes",  # login protection: failures counted per account and address, lockout with a cool-off
    "django_otp",  # optional TOTP two-factor login for staff (accounts/two_factor.py)
    "django_otp.plugins.otp_totp",
    "simple_history",  # who changed which setting, when, from what to what (the /manage/ pages)
    # The service desk, bottom to top: a lower app never imports a higher one.
    "core",
    "notices",  # the one notification outbox, just above the ground floor
    "accounts",
    "customers",
    "tickets",
    "warranty",
    "sla",
    "dispatch",
    "surveys",
    "servicedesk",  # top of the tree: demo data and project-wide commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # user.is_verified(): this session gave its code
    "accounts.middleware.UserPreferencesMiddleware",
    # A session that owes a code (or an administrator's enrolment) is sent to that step first.
    "accounts.middleware.TwoFactorMiddleware",
    # Gives history records their user for rows saved alongside the form (inlines, receivers).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records every 403 in the security audit log (accounts.SecurityEvent).
    "accounts.middleware.PermissionRefusedMiddleware",
    # Last, as axes asks; its lockout answer is the wrong-password answer (accounts.security.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "sla.context_processors.sla",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (web, worker, beat) queue up instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # List pages join a case to six small tables. With PostgreSQL's default (8) the planner tries
    # every join order: 5 ms of planning for a 0.3 ms query. In groups of 4 it plans in under 1 ms
    # and still picks the same plan (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c join_collapse_limit={env.int('PG_JOIN_COLLAPSE_LIMIT', default=4)}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# LockoutBackend checks the password and refuses while locked out (accounts/backends.py); ModelBackend
# stays listed so sessions opened before it keep working.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Settings history is a record, not an undo: a manager changes a setting again through its form
# (a revert would restore a policy but not its targets).
SIMPLE_HISTORY_REVERT_DISABLED = True
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese by default, English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["servicedesk.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
# Front-end libraries come from installed packages, never a CDN (intranet deployments).
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded files are never served directly: every download goes through a permission check.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"

# Uploads: what a case attachment may be.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_EXTENSIONS = env.list(
    "ATTACHMENT_EXTENSIONS",
    default=["pdf", "png", "jpg", "jpeg", "gif", "txt", "log", "csv", "zip", "doc", "docx", "xls", "xlsx"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")

# Cache: Redis when configured (shared by all processes), otherwise per-process memory. The cache
# only speeds things up (core.cache): short timeouts and no retries, so a Redis that is down costs
# a request milliseconds, not seconds, and the database answers instead.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": None},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit (the public form) lets requests through while the cache is down rather than
# refusing everyone.
RATELIMIT_FAIL_OPEN = True

# Celery. The broker is CELERY_BROKER_URL (RabbitMQ, amqp://…, is the production choice for several
# machines), else REDIS_URL, else kombu's filesystem transport, which still lets a separate worker
# and beat process run real tasks without any server.
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# A message a worker took but did not acknowledge (it died: acks are late) goes back to the queue
# after this on Redis; every task here finishes in seconds. RabbitMQ redelivers when the
# connection drops and ignores it.
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=300)
# Publishing from a request tries a dead broker once more, at once, then gives up (kombu's default
# backoff cost each request two seconds): the database holds the work and a sweep queues it again.
_PUBLISH_RETRIES = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **_PUBLISH_RETRIES,
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 0.5,
        "socket_timeout": 2,
    }
elif CELERY_BROKER_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**_PUBLISH_RETRIES}
else:
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # a host, only so kombu does not warn about its absence
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_PUBLISH_RETRY = False  # one attempt (core.tasks.enqueue logs a failure; sweeps recover)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "surveys-expire-unanswered": {
        "task": "surveys.tasks.expire_unanswered_surveys",
        "schedule": timedelta(minutes=15),
    },
    "tickets-purge-kept-uploads": {
        "task": "tickets.tasks.purge_kept_uploads",
        "schedule": timedelta(hours=1),
    },
    # A pending survey without its notice (opened before the outbox) gets one; never a second.
    "surveys-send-unsent": {
        "task": "surveys.tasks.send_unsent_surveys",
        "schedule": timedelta(minutes=5),
    },
    # The outbox: queues again the notices that are due (a retry, a lost message, a worker killed mid-send).
    "notices-requeue": {
        "task": "notices.tasks.notices_sweep",
        "schedule": timedelta(minutes=1),
    },
    # The SLA sweep: records the warnings and breaches that fell due (reads only what is due).
    "sla-check-due": {
        "task": "sla.tasks.sla_sweep",
        "schedule": timedelta(seconds=env.int("SLA_SWEEP_SECONDS", default=60)),
    },
    # Cases not accepted in time go back to the pool, the manager or automatic dispatch.
    "dispatch-sweep-unaccepted": {
        "task": "dispatch.tasks.dispatch_sweep",
        "schedule": timedelta(seconds=env.int("DISPATCH_SWEEP_SECONDS", default=60)),
    },
}
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"  # printed output (the console email backend) is not a warning
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# The notification outbox (notices): how a notice leaves (dotted paths to transport classes) and
# how many tries it gets before it shows as failed in the staff outbox.
NOTICE_TRANSPORTS = env.list("NOTICE_TRANSPORTS", default=["notices.transports.EmailTransport"])
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=5)

# The satisfaction loop: a survey after each resolution.
SURVEY_SATISFIED_SCORE = env.int("SURVEY_SATISFIED_SCORE", default=4)
SURVEY_NO_ANSWER_DAYS = env.int("SURVEY_NO_ANSWER_DAYS", default=7)

# Dispatch (which engineer takes a case) and incident handling (chasing, remote and on-site work);
# DISPATCH_SWEEP_SECONDS is read by the beat schedule above.
DISPATCH_CHASE_MIN_MINUTES = env.int("DISPATCH_CHASE_MIN_MINUTES", default=10)  # one person's chases, at most
DISPATCH_LINK_MAX_AGE_HOURS = env.int("DISPATCH_LINK_MAX_AGE_HOURS", default=72)  # signed approval/signing links
DISPATCH_SIGNATURE_MAX_BYTES = env.int("DISPATCH_SIGNATURE_MAX_BYTES", default=512 * 1024)
DISPATCH_PDF_FONT = env.str("DISPATCH_PDF_FONT", default="")  # a TrueType font to embed; default: built-in CJK

# The public request form for people without an account (off unless the administrator enables it).
PUBLIC_REQUEST_FORM_ENABLED = env.bool("PUBLIC_REQUEST_FORM_ENABLED", default=False)
PUBLIC_REQUEST_RATE = env.str("PUBLIC_REQUEST_RATE", default="5/h")
PUBLIC_REQUEST_CONFIRM_HOURS = env.int("PUBLIC_REQUEST_CONFIRM_HOURS", default=48)
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

# Login protection (django-axes, accounts/security.py): after LOGIN_FAILURE_LIMIT failures within the
# cool-off, the account and the address are refused for LOGIN_COOLOFF_MINUTES after the last attempt,
# with the answer a wrong password gets. Behind reverse proxies, LOGIN_TRUSTED_PROXIES says how many
# (the client's address is then read from X-Forwarded-For, counted from the right).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
LOGIN_TRUSTED_PROXIES = env.int("LOGIN_TRUSTED_PROXIES", default=0)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_COOLOFF_MINUTES < 1 or LOGIN_TRUSTED_PROXIES < 0:
    raise ValueError(
        "LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be at least 1, LOGIN_TRUSTED_PROXIES at least 0"
    )
# Two-factor login (accounts/two_factor.py): staff may enrol a TOTP device at /accounts/two-factor/;
# with this on, administrators must, and cannot use any page (nor /admin/, /manage/) until they have.
TWO_FACTOR_REQUIRED_FOR_ADMINS = env.bool("TWO_FACTOR_REQUIRED_FOR_ADMINS", default=False)
OTP_TOTP_ISSUER = "Service desk"  # the name authenticator apps show next to the code

AXES_ENABLED = True
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account, and an address
AXES_RESET_ON_SUCCESS = False  # a guesser's own successful login must not wipe its address's failures
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
# axes keeps the failed requests' form data for the admin: mask the CSRF token as well as the password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Queue filters: an unset choice reads "Any" rather than dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenWithOrganisationAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.NoCountPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="60/min")},
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service desk API",
    "DESCRIPTION": "Technical support and after-sales service: requests, dispatch, handling, surveys.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI would otherwise load a badge from validator.swagger.io on any non-localhost address.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The docs page loads its assets from drf-spectacular-sidecar, never a CDN (intranet deployments).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The case status appears under several field names (status, from_status, to_status): one enum.
    "ENUM_NAME_OVERRIDES": {"TicketStatusEnum": "tickets.lifecycle.Status"},
}

# Security: strict by default once DEBUG is off (`manage.py check --deploy` is clean).
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
