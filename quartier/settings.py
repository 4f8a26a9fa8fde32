"""Django settings for Quartier.

Every setting comes from the environment (QUARTIER_* and DATABASE_URL); the README lists them all.
Local defaults are safe for development; with QUARTIER_DEBUG=false the site fails closed without a secret key.
"""

import ipaddress
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from quartier.site.rooms import ROOMS

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or env_bool("QUARTIER_TESTING", False)
DEBUG = env_bool("QUARTIER_DEBUG", True)

SECRET_KEY = env("QUARTIER_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("QUARTIER_SECRET_KEY must be set when QUARTIER_DEBUG is false.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list("QUARTIER_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("QUARTIER_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "quartier.accounts.twofactor_admin.QuartierAdminConfig",  # django.contrib.admin behind the site's login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "quartier.core",
    *ROOMS,
    "quartier.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quartier.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "quartier.core.middleware.InvalidEncodingMiddleware",  # before anything reads the form (the page's language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "quartier.accounts.middleware.StaffSessionExpiryMiddleware",
    "quartier.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quartier.places.middleware.CityMiddleware",
]

# Widgets drawn with KERN UX markup (templates/django/forms/widgets/, core/formrendering.py).
FORM_RENDERER = "quartier.core.formrendering.KernFormRenderer"

ROOT_URLCONF = "quartier.site.urls"
WSGI_APPLICATION = "quartier.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "quartier.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, PostgreSQL via DATABASE_URL.
VAR_DIR = Path(env("QUARTIER_VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'quartier.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("QUARTIER_DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default; Redis when QUARTIER_CACHE_URL is set (needed for more than one worker). Redis
# fails open (core/cache.py): short timeouts, a circuit breaker, and misses instead of errors while it is down.
CACHE_URL = env("QUARTIER_CACHE_URL")


def redis_url_for_test_worker(url: str, worker: str) -> str:
    """The Redis database of one pytest-xdist worker: the URL's database number plus the worker's (gw0 keeps it,
    gw1 takes the next, ...), since the tests empty their cache before each test (tests/conftest.py)."""
    parts = urlparse(url)
    base = int(parts.path.strip("/") or 0)
    number = base + int(worker.removeprefix("gw"))
    if number > 15:
        raise ImproperlyConfigured(
            f"pytest-xdist worker {worker} would use Redis database {number} of QUARTIER_CACHE_URL, beyond "
            "Redis's default 16 (0-15): use a lower database number in the URL or fewer workers."
        )
    return parts._replace(path=f"/{number}").geturl()


if CACHE_URL and TESTING and env("PYTEST_XDIST_WORKER"):
    CACHE_URL = redis_url_for_test_worker(CACHE_URL, env("PYTEST_XDIST_WORKER"))
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "quartier.core.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("QUARTIER_CACHE_PREFIX", "quartier"),
            "OPTIONS": {
                "TIMEOUT_MS": env_int("QUARTIER_CACHE_TIMEOUT_MS", 100),
                "RETRY_SECONDS": env_int("QUARTIER_CACHE_RETRY_SECONDS", 5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "quartier"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quartier.accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "public:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Login throttling: failures per account and per client within a window, counted in the cache.
LOGIN_MAX_FAILURES = env_int("QUARTIER_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("QUARTIER_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Password reset (accounts/throttling.py): every request counts, per account and (four times as many) per client;
# over the limit the page answers as always but sends no mail.
PASSWORD_RESET_LIMIT = env_int("QUARTIER_PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_WINDOW_SECONDS = env_int("QUARTIER_PASSWORD_RESET_WINDOW_SECONDS", 60 * 60)
# Two-factor authentication (accounts/twofactor.py, docs/two-factor.md): the roles whose accounts must confirm
# their login with a code ("superuser": platform administrators); "none" requires it of nobody. Accounts with a
# confirmed authenticator are always asked. Empty under tests, so that force_login keeps working.
TWO_FACTOR_ROLE_NAMES = {
    "coordinator",
    "fallback",
    "competence_member",
    "organisation_member",
    "central_steering",
    "city_admin",
    "superuser",
}
_two_factor_roles = env("QUARTIER_TWO_FACTOR_ROLES").strip() or (
    "none" if TESTING else "coordinator,fallback,competence_member,central_steering,city_admin,superuser"
)
TWO_FACTOR_ROLES = (
    frozenset()
    if _two_factor_roles.lower() == "none"
    else frozenset(item.strip() for item in _two_factor_roles.split(",") if item.strip())
)
if TWO_FACTOR_ROLES - TWO_FACTOR_ROLE_NAMES:
    raise ImproperlyConfigured(
        "QUARTIER_TWO_FACTOR_ROLES names unknown roles: "
        + ", ".join(sorted(TWO_FACTOR_ROLES - TWO_FACTOR_ROLE_NAMES))
    )
OTP_TOTP_ISSUER = env("QUARTIER_TWO_FACTOR_ISSUER", "Quartier")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows an authenticator's key
# Staff sessions end after this much inactivity and at the latest after the absolute age.
STAFF_SESSION_IDLE_SECONDS = env_int("QUARTIER_STAFF_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("QUARTIER_SESSION_MAX_AGE_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch")), ("ar", _("Arabisch"))]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["quartier.formats"]  # dates and numbers per page language
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("QUARTIER_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("QUARTIER_MEDIA_ROOT", str(BASE_DIR / "media")))

# Mail: every message goes through the durable outbox; `send_outbox` delivers with the backend below.
EMAIL_BACKEND = "quartier.core.mail.OutboxBackend"
EMAIL_URL = env("QUARTIER_EMAIL_URL", "console://")


def _email_delivery(url: str) -> dict:
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"backend": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {"backend": "django.core.mail.backends.filebased.EmailBackend", "file_path": parsed.path}
    if scheme == "locmem":
        return {"backend": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps", "submission"}:
        options = parse_qs(parsed.query)
        return {
            "backend": "django.core.mail.backends.smtp.EmailBackend",
            "host": parsed.hostname or "localhost",
            "port": parsed.port or {"smtp": 25, "smtps": 465, "submission": 587}[scheme],
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": scheme == "smtps",
            "use_tls": scheme == "submission" or options.get("tls", ["false"])[0] == "true",
            "timeout": 20,
        }
    raise ImproperlyConfigured(f"QUARTIER_EMAIL_URL has an unknown scheme: {scheme!r}")


EMAIL_DELIVERY = _email_delivery(EMAIL_URL)
DEFAULT_FROM_EMAIL = env("QUARTIER_DEFAULT_FROM_EMAIL", "Quartier <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env_int("QUARTIER_OUTBOX_MAX_ATTEMPTS", 8)

# Reference data for `load_city`: one folder per city slug.
REFERENCE_DATA_DIR = Path(env("QUARTIER_REFERENCE_DATA_DIR", str(BASE_DIR / "data" / "cities")))

# Security. Behind a TLS-terminating proxy set QUARTIER_SECURE=true (the production default).
SECURE = env_bool("QUARTIER_SECURE", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("QUARTIER_BEHIND_PROXY", SECURE) else None
)
# Client addresses (core/clientaddr.py, docs/client-addresses.md): X-Forwarded-For is read only from these proxies
# (addresses or networks; `unix` for a UNIX socket), or the hop that many places from the right. Behind a proxy
# the default trusts a proxy on the same host; without one the header is ignored.
TRUSTED_PROXIES = env_list("QUARTIER_TRUSTED_PROXIES", "127.0.0.1,::1" if SECURE_PROXY_SSL_HEADER else "")
TRUSTED_PROXY_COUNT = env_int("QUARTIER_TRUSTED_PROXY_COUNT", 0)
for _proxy in TRUSTED_PROXIES:
    try:
        if _proxy != "unix":
            ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"QUARTIER_TRUSTED_PROXIES: {_proxy!r} is no address or network") from _exc
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("QUARTIER_TRUSTED_PROXY_COUNT must not be negative.")
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env_int("QUARTIER_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = env_bool("QUARTIER_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = (
    [] if SECURE else ["security.W004", "security.W008", "security.W012", "security.W016"]
) + [
    # The inbox indexes INCLUDE their filter columns for index-only scans on PostgreSQL; SQLite, which has no
    # covering indexes, simply builds them without (suggestions/models.py).
    "models.W040",
]

# Logging: what failed, never who (no request bodies, addresses or e-mail).
LOG_LEVEL = env("QUARTIER_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "quartier.core.logging.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

NINJA_PAGINATION_MAX_LIMIT = 100
ADMIN_PATH = env("QUARTIER_ADMIN_PATH", "verwaltung/")
CSRF_FAILURE_VIEW = "quartier.core.views.csrf_failure"
# Shows the demo banner on every page (set by `make run`, never in production).
DEMO = env_bool("QUARTIER_DEMO", False)
# How often (seconds) a process checks whether place data changed before answering from its in-memory index.
# How long public list answers (the event list, its API) may be served from the cache; 0 turns it off. Any
# change to the data retires them at once (quartier/core/listcache.py).
LIST_CACHE_SECONDS = int(env("QUARTIER_LIST_CACHE_SECONDS", "0" if TESTING else "60"))
# Suggestions (quartier/suggestions): retention of contact data (decision 0016), spam defence, and
# when an open suggestion counts as overdue in the inbox.
SUGGESTION_KEEP_CLOSED_DAYS = int(env("QUARTIER_SUGGESTION_KEEP_CLOSED_DAYS", "183"))
SUGGESTION_KEEP_INACTIVE_DAYS = int(env("QUARTIER_SUGGESTION_KEEP_INACTIVE_DAYS", "730"))
SUGGESTION_RATE_LIMIT = int(env("QUARTIER_SUGGESTION_RATE_LIMIT", "5"))
SUGGESTION_RATE_WINDOW = int(env("QUARTIER_SUGGESTION_RATE_WINDOW", "3600"))
# Sends of the form or the API per address and window, accepted or not: a flood stops here, people who need
# several tries never reach it (the limit above counts accepted suggestions only).
SUGGESTION_ATTEMPT_LIMIT = int(env("QUARTIER_SUGGESTION_ATTEMPT_LIMIT", "100"))
SUGGESTION_MIN_FILL_SECONDS = float(env("QUARTIER_SUGGESTION_MIN_FILL_SECONDS", "0" if TESTING else "3"))
SUGGESTION_OVERDUE_DAYS = int(env("QUARTIER_SUGGESTION_OVERDUE_DAYS", "14"))
# Offers: an offer not confirmed by its organisation for this many days is flagged (and its organisation asked
# to confirm by a link); it is hidden from the public this many days later.
# Links in mails sent by timers (no request to take the host from), for a city without its own domain.
SITE_URL = env("QUARTIER_SITE_URL", "http://127.0.0.1:8000")
# Comparisons of project ideas per address and hour (the comparison is the most expensive public request).
FUNDING_SIMILAR_RATE_LIMIT = int(env("QUARTIER_FUNDING_SIMILAR_RATE_LIMIT", "600"))
OFFER_CONFIRM_DAYS = int(env("QUARTIER_OFFER_CONFIRM_DAYS", "365"))
OFFER_HIDE_AFTER_DAYS = int(env("QUARTIER_OFFER_HIDE_AFTER_DAYS", "92"))
PLACES_RECHECK_SECONDS = float(env("QUARTIER_PLACES_RECHECK_SECONDS", "0" if TESTING else "5"))


# /.well-known/security.txt (RFC 9116): where to report a vulnerability of this installation, comma-separated
# mailto:, https:// or tel: addresses (a bare e-mail address becomes mailto:), and the address of the
# disclosure policy. Without a contact the file is not served: the RFC requires one.
def _security_contact(value: str) -> str:
    if "@" in value and ":" not in value:
        value = f"mailto:{value}"
    if not value.startswith(("mailto:", "https://", "tel:")) or any(c in value for c in " \r\n"):
        raise ImproperlyConfigured(
            f"QUARTIER_SECURITY_CONTACT: {value!r} is no mailto:, https:// or tel: address"
        )
    return value


SECURITY_CONTACTS = [_security_contact(v) for v in env_list("QUARTIER_SECURITY_CONTACT")]
SECURITY_POLICY_URL = env("QUARTIER_SECURITY_POLICY_URL")
if SECURITY_POLICY_URL and (
    not SECURITY_POLICY_URL.startswith("https://") or any(c in SECURITY_POLICY_URL for c in " \r\n")
):
    raise ImproperlyConfigured("QUARTIER_SECURITY_POLICY_URL must be an https:// address.")

if TESTING:
    # Hashing strength is not under test; PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
