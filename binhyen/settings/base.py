"""Settings, all read from the environment (see .env.example) with safe defaults.

SQLite in ./var is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import csp_source, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BINHYEN_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "leaflet",
    "binhyen.core",
    "binhyen.geo",
    "binhyen.accounts",
    "binhyen.schemes",
    "binhyen.tips",
    "binhyen.outcomes",
    "binhyen.reports",
    "binhyen.certification",
    "binhyen.awards",
    "binhyen.api",
    "binhyen.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "binhyen.core.middleware.NullCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # outside the session and auth middleware: their database errors answer 503 too
    "binhyen.core.faults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "binhyen.core.locale.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "binhyen.core.middleware.AuditContextMiddleware",
    "binhyen.accounts.middleware.JurisdictionGuardMiddleware",
]

ROOT_URLCONF = "binhyen.urls"
WSGI_APPLICATION = "binhyen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'binhyen.sqlite3'}"
DATABASES = {
    # persistent connections are checked before reuse: after a database restart the
    # first request reconnects instead of failing (binhyen/core/faults.py)
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction begins and wait for it up to 20 s,
    # instead of failing with "database is locked" when two requests write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# A streaming replica of the PostgreSQL primary: reports and dashboards read from it
# (ADR 0010, binhyen/core/db_router.py). Tests mirror it onto default.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["binhyen.core.db_router.ReplicaRouter"]
# After a write, a browser's scoped reads stay on the primary this long (replication lag).
READ_YOUR_WRITES_SECONDS = env_int("DATABASE_READ_YOUR_WRITES_SECONDS", 10)
MIDDLEWARE = [*MIDDLEWARE, "binhyen.core.db_router.ReadYourWritesMiddleware"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Long work (imports) in a background thread with a progress page (core/jobs.py). Off on
# SQLite: a long write transaction there would lock every other request out.
BACKGROUND_JOBS = env_bool("BACKGROUND_JOBS", not DATABASE_URL.startswith("sqlite"))

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Without Redis, counters live in each process: fine for one process (make run),
    # not for a multi-process deployment. django-ratelimit warns about it; we say it here.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_RATE = env_str("LOGIN_RATE", "10/5m")
# The anonymous tip channel: submissions per address, wrong code/passphrase tries per
# address and per code, messages per address (counters live in the cache only).
PUBLIC_TIP_SUBMIT_RATE = env_str("PUBLIC_TIP_SUBMIT_RATE", "10/h")
PUBLIC_TIP_TRY_RATE = env_str("PUBLIC_TIP_TRY_RATE", "5/15m")
PUBLIC_TIP_CODE_RATE = env_str("PUBLIC_TIP_CODE_RATE", "10/h")
PUBLIC_TIP_MESSAGE_RATE = env_str("PUBLIC_TIP_MESSAGE_RATE", "20/h")
# checks of a certificate's verification code on the public page, per address
CERTIFICATE_CHECK_RATE = env_str("CERTIFICATE_CHECK_RATE", "30/h")
# rate limits count the client address as the audit log sees it (TRUSTED_PROXY aware)
RATELIMIT_IP_META_KEY = "binhyen.core.middleware.ratelimit_ip"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: idle sessions expire
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind TLS (docs/deployment.md): HSTS for a year, http:// redirected to https://. The
# proxy in front says which scheme the browser used (only trusted with TRUSTED_PROXY).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# preload is a commitment of the whole domain to browsers' lists: the operator opts in
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# /healthz/ answers load balancers over plain HTTP inside the network
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["binhyen.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "binhyen.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["binhyen.accounts.permissions.DeclaredScoping"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "binhyen.api.pagination.Pagination",
    "EXCEPTION_HANDLER": "binhyen.api.errors.exception_handler",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bình Yên API",
    "DESCRIPTION": "API of Bình Yên, the grassroots security movement information system.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "fontTools")
    },
}
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Serve static files straight from the apps (no collectstatic) in development and tests;
# production runs `binhyen collectstatic` and WhiteNoise serves the collected files.
WHITENOISE_USE_FINDERS = env_bool("STATIC_FROM_APPS", DEBUG)

# Fernet keys encrypting informants' and managed persons' data (first encrypts, all
# decrypt). Rotation: put a new key first, run `binhyen rotate_keys`, drop the old key.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
# Key of the blind indexes that find the same protected person without decrypting. Set it
# once and never change it (default: derived from SECRET_KEY, which then must not change).
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY", "")

# Map tiles for the maps of points: a tile server reachable from the police network,
# e.g. https://tiles.example.vn/{z}/{x}/{y}.png. Empty: markers on a plain background.
MAP_TILES_URL = env_str("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION", "")

# Content-Security-Policy (django-csp): scripts only from the app's own files, so no inline
# script or handler runs, whatever a record's text carries. Inline style attributes stay
# allowed (widths of bars and table columns); user text is escaped, never markup.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *csp_source(MAP_TILES_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
