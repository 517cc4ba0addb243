"""One settings module, read from the environment (the README's Configuration table lists every variable; docs/security.md the production ones)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ZICHTBAAR_DATA_DIR", Path.cwd() / "var"))


def env(name: str, default: str = "") -> str:
    """A setting from the environment; `NAME_FILE` (a path) wins, for secrets in files."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


# Under pytest the suite runs without any environment set up (see docs/decisions.md).
TESTING = "pytest" in sys.modules
DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING or envbool("ZICHTBAAR_OFFLINE", False)):
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "allauth",
    "allauth.account",
    # Single sign-on per organisation (zichtbaar.sso) and Sign in with LinkedIn.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "zichtbaar.orgs",
    "zichtbaar.moments",
    "zichtbaar.compose",
    "zichtbaar.sharing",
    "zichtbaar.guideline",
    "zichtbaar.impact",
    "zichtbaar.surveys",
    "zichtbaar.nudges",
    "zichtbaar.home",
    "zichtbaar.privacy",
    "zichtbaar.demo",
    "zichtbaar.workshops",
    "zichtbaar.integrations",
    "zichtbaar.sso",
    "ninja",  # its static files: the API docs page (Swagger UI) without any CDN
    "zichtbaar.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "zichtbaar.sharing.middleware.TrackedLinkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "zichtbaar.orgs.middleware.TenantMiddleware",
    "zichtbaar.sso.middleware.SingleSignOnRequiredMiddleware",
]

ROOT_URLCONF = "zichtbaar.urls"
WSGI_APPLICATION = "zichtbaar.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "zichtbaar.orgs.context_processors.tenant",
                "zichtbaar.sharing.context_processors.linkedin_connection",
            ],
        },
    },
    # E-mail nudges only (nudges/jinja2/): see nudges/emails.py and docs/decisions.md.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "zichtbaar.nudges.emails.environment"},
    },
]

# SQLite (WAL mode) by default; PostgreSQL through DATABASE_URL=postgres://...
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zichtbaar.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections: opening one costs PRAGMAs and, on close, a WAL checkpoint with an
    # fsync, which would dominate the tracked-link redirect (bench/clicks.py).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

# One cache that every worker process shares: rate limits, consent and link destinations must
# agree across gunicorn workers (docs/security.md). The database by default (its table is made by
# `migrate`, see orgs/migrations), Redis when REDIS_URL is set.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zichtbaar_cache",
    }
}
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
# Tracked-link destinations are cached only in a fast cache: in the database cache a hit costs
# the same indexed lookup as the link itself, and reading the link is always current.
ZICHTBAAR_LINK_CACHE = envbool("ZICHTBAAR_LINK_CACHE", bool(REDIS_URL))

# Background work through Django's Tasks API: the database by default, RQ on Redis to scale out
# (worker: `zichtbaar rqworker default --job-class django_tasks_rq.Job`), immediate in tests.
TASKS_BACKEND = env("TASKS_BACKEND", "immediate" if TESTING else "database")
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}")
TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# An e-mail address counts only once its owner proved it (a code or link sent to it, an
# invitation accepted from it); changing it keeps the old one until the new one is confirmed.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # subjects say "Zichtbaar" themselves (account/email/)
ACCOUNT_PREVENT_ENUMERATION = True
# Counted in the shared cache above, so every worker agrees; the admin signs in through the
# same page (zichtbaar/urls.py), so it has the same limits.
# Failed logins: 10 a minute from one address, 5 in 5 minutes for one account (allauth's format).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("ZICHTBAAR_LOGIN_FAILED_LIMIT", "10/m/ip,5/300s/key"),
}
# People join through an invitation or an import; open sign-up is an operator's choice.
ACCOUNT_ADAPTER = "zichtbaar.sso.adapters.AccountAdapter"  # orgs' adapter + SSO required
# Single sign-on (zichtbaar.sso): an organisation's provider is configured in the app and only
# signs in addresses of its own domains; accounts are matched by sso/adapters.py, never by
# allauth's e-mail authentication (which could open another organisation's account).
SOCIALACCOUNT_ADAPTER = "zichtbaar.sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the organisation's provider vouches for its domain
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
ZICHTBAAR_OPEN_SIGNUP = envbool("ZICHTBAAR_OPEN_SIGNUP", False)
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"

# Every e-mail (invitations, login codes, password resets, nudges) is stored in the outbox first
# and sent by a worker with retries, exactly once; EMAIL_DELIVERY_BACKEND is how it goes out.
# Without a configured mail server, development prints e-mails (login codes!) to the console.
EMAIL_BACKEND = env("EMAIL_BACKEND", "zichtbaar.nudges.channels.outbox.OutboxBackend")
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not env("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Zichtbaar <zichtbaar@localhost>")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
NODE_MODULES = Path(env("ZICHTBAAR_NODE_MODULES", str(Path.cwd() / "node_modules")))
if (NODE_MODULES / "htmx.org" / "dist").is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"))
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # Served over HTTPS (behind a proxy that sets X-Forwarded-Proto): say so to browsers.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): no inline script anywhere, htmx from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline styles only (never script): matplotlib's inline SVG charts carry style
        # attributes, and htmx adds its indicator style (docs/decisions.md).
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", "https://www.linkedin.com"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    name: []
    for name in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
}

# Request size caps (also set them in the proxy, see docs/security.md): a form or JSON body of
# at most 2.5 MB, uploads of at most 10 MB (bigger files are refused before they are read).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("ZICHTBAAR_MAX_BODY_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ZICHTBAAR_MAX_UPLOAD_BYTES = envint("ZICHTBAAR_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Zichtbaar's own settings.
ANONYMITY_THRESHOLD = max(3, envint("ZICHTBAAR_ANONYMITY_THRESHOLD", 5))
# A typical organic post is seen by a single-digit percentage of one's connections (unverified
# blog figures, shown as an assumption next to every estimate). Issue #4 makes this a full model.
ORGANIC_REACH_RANGE = (
    float(env("ZICHTBAAR_ORGANIC_REACH_LOW", "0.05")),
    float(env("ZICHTBAAR_ORGANIC_REACH_HIGH", "0.08")),
)
FORMS_URLFIELD_ASSUME_HTTPS = True  # Django 6 behaviour today
if TESTING:
    # Fast hashing keeps the suite quick; production keeps Django's PBKDF2 default.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# AGPL section 13: people using a modified Zichtbaar over a network may get its source.
SOURCE_URL = env("ZICHTBAAR_SOURCE_URL")
INVITATION_DAYS = envint("ZICHTBAAR_INVITATION_DAYS", 14)

# The optional language-model writer for drafts (compose/llm.py, docs/drafts.md): off unless
# ZICHTBAAR_LLM_BASE_URL names an OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1).
# Then it is the writer, unless ZICHTBAAR_WRITER names another; drafts wait at most 5 seconds.
ZICHTBAAR_LLM_BASE_URL = env("ZICHTBAAR_LLM_BASE_URL").strip().rstrip("/")
ZICHTBAAR_LLM_MODEL = env("ZICHTBAAR_LLM_MODEL").strip()
ZICHTBAAR_LLM_API_KEY_FILE = env("ZICHTBAAR_LLM_API_KEY_FILE").strip()  # read once
try:
    ZICHTBAAR_LLM_TIMEOUT = float(env("ZICHTBAAR_LLM_TIMEOUT", "5"))
except ValueError as exc:
    raise ImproperlyConfigured("ZICHTBAAR_LLM_TIMEOUT must be a number of seconds") from exc
ZICHTBAAR_WRITER = env("ZICHTBAAR_WRITER").strip() or (
    "zichtbaar.compose.llm.LanguageModelWriter" if ZICHTBAAR_LLM_BASE_URL else ""
)

# Direct posting to LinkedIn for people who connect their account (docs/linkedin.md). Hidden
# unless the operator registered a LinkedIn app: its client id, a file with its secret, the
# redirect URL registered there, and a Fernet key for the tokens at rest (first key encrypts,
# all decrypt: rotation in docs/linkedin.md).
ZICHTBAAR_LINKEDIN_CLIENT_ID = env("ZICHTBAAR_LINKEDIN_CLIENT_ID").strip()
ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE = env("ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE").strip()
ZICHTBAAR_LINKEDIN_REDIRECT_URL = env(
    "ZICHTBAAR_LINKEDIN_REDIRECT_URL", f"{SITE_URL}/linkedin/callback/"
).strip()
ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [
    key.strip() for key in env("ZICHTBAAR_LINKEDIN_TOKEN_KEYS").split(",") if key.strip()
]
ZICHTBAAR_LINKEDIN_OAUTH_URL = env(
    "ZICHTBAAR_LINKEDIN_OAUTH_URL", "https://www.linkedin.com/oauth/v2"
).rstrip("/")
ZICHTBAAR_LINKEDIN_API_URL = env("ZICHTBAAR_LINKEDIN_API_URL", "https://api.linkedin.com").rstrip(
    "/"
)
# LinkedIn retires a version about a year after its release and then answers 426
# NONEXISTENT_VERSION: 202603 sunsets on 2027-03-16 (LinkedIn's migrations table). Move to a
# newer one before then, and set its sunset date too (a system check warns 30 days ahead).
ZICHTBAAR_LINKEDIN_VERSION = env("ZICHTBAAR_LINKEDIN_VERSION", "202603").strip()
ZICHTBAAR_LINKEDIN_VERSION_SUNSET = env("ZICHTBAAR_LINKEDIN_VERSION_SUNSET", "2027-03-16").strip()
# Only once LinkedIn approved the app for r_member_postAnalytics (Community Management API).
ZICHTBAAR_LINKEDIN_ANALYTICS = envbool("ZICHTBAAR_LINKEDIN_ANALYTICS", False)
# Sign in with LinkedIn (the same app, its OpenID Connect product) for people whose LinkedIn
# account is known to Zichtbaar; on whenever the app is set up, unless switched off here.
ZICHTBAAR_LINKEDIN_SIGN_IN = envbool("ZICHTBAAR_LINKEDIN_SIGN_IN", True)
try:
    ZICHTBAAR_LINKEDIN_TIMEOUT = float(env("ZICHTBAAR_LINKEDIN_TIMEOUT", "15"))
except ValueError as exc:
    raise ImproperlyConfigured("ZICHTBAAR_LINKEDIN_TIMEOUT must be a number of seconds") from exc
