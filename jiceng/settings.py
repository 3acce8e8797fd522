"""Jiceng settings. Every value comes from the environment; see the README table."""

from pathlib import Path

import dj_database_url

from jiceng.core.env import env_bool, env_int, env_list, env_secret, env_str, env_weights

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JICENG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("JICENG_DEBUG", False)
SECRET_KEY = env_secret("JICENG_SECRET_KEY", str(VAR_DIR / "secret.key"))
# AES-256-GCM key (base64, 32 bytes) for identity and phone numbers; HMAC key derived from it.
JICENG_DATA_KEY = env_secret("JICENG_DATA_KEY", str(VAR_DIR / "data.key"))
# HMAC-SHA256 key (base64, 32 bytes) of the audit log's hash chain; keep it away from the database.
JICENG_AUDIT_KEY = env_secret("JICENG_AUDIT_KEY", str(VAR_DIR / "audit.key"))
ALLOWED_HOSTS = env_list("JICENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("JICENG_CSRF_TRUSTED_ORIGINS", [])
# Demo logins (demo-admin / demo-admin …) exist only in a database built by `demo_city`.
JICENG_DEMO = env_bool("JICENG_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    # Jiceng domains, one app each (docs/architecture.md).
    "jiceng.core",
    "jiceng.accounts",
    "jiceng.orgs",
    "jiceng.people",
    "jiceng.network",
    "jiceng.neworgs",
    "jiceng.cases",
    "jiceng.mobilize",
    "jiceng.consult",
    "jiceng.meetings",
    "jiceng.projects",
    "jiceng.workforce",
    "jiceng.stations",
    "jiceng.funds",
    "jiceng.cockpit",
    "jiceng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jiceng.core.replica.ReplicaReadsMiddleware",
    "jiceng.core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "jiceng.core.limits.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiceng.core.exports.ExportAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
# Measurement only (bench/pages.py): X-Query-Count / X-Server-Ms headers on every response.
JICENG_QUERY_COUNT_HEADER = env_bool("JICENG_QUERY_COUNT_HEADER", False)
if JICENG_QUERY_COUNT_HEADER:
    MIDDLEWARE.insert(0, "jiceng.core.middleware.QueryCountMiddleware")

ROOT_URLCONF = "jiceng.urls"
WSGI_APPLICATION = "jiceng.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "orgs:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiceng.core.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiceng.sqlite3'}"),
        conn_max_age=env_int("JICENG_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
# A PostgreSQL streaming replica for heavy reads (jiceng/core/replica.py); unset = everything on the primary.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(env_str("DATABASE_REPLICA_URL"),
                                                 conn_max_age=env_int("JICENG_DB_CONN_MAX_AGE", 60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["jiceng.core.replica.ReplicaRouter"]
# GET requests whose path matches one of these regular expressions may read from the replica (the cockpit,
# the boards, the API's and Open311's reads, Excel exports), unless pinned to the primary after a write.
JICENG_REPLICA_READ_PATHS = env_list("JICENG_REPLICA_READ_PATHS", [
    r"^/cockpit/", r"^/cases/board/", r"^/api/v1/", r"^/open311/", r"\.xlsx$"])
JICENG_REPLICA_MAX_LAG_SECONDS = env_int("JICENG_REPLICA_MAX_LAG_SECONDS", 5)
JICENG_REPLICA_PIN_SECONDS = env_int("JICENG_REPLICA_PIN_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": env_str("JICENG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A task still RUNNING this long after a worker claimed it belongs to a dead worker (SIGKILL, lost
# machine): `manage.py sweep` puts it back in the queue (jiceng/core/sweeps.py). Longer than any task.
JICENG_TASK_LEASE_SECONDS = env_int("JICENG_TASK_LEASE_SECONDS", 600)
# How long the cockpit keeps a unit's figures (jiceng/cockpit/registry.py); 0 = computed on every request.
JICENG_COCKPIT_CACHE_SECONDS = env_int("JICENG_COCKPIT_CACHE_SECONDS", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Failed logins, per (username, client address) pair: this many are free, then each further one doubles
# the wait (from JICENG_LOGIN_BASE_DELAY_SECONDS up to JICENG_LOGIN_WINDOW_SECONDS); one address gets
# four times as many over all usernames. Failures are forgotten after JICENG_LOGIN_MEMORY_SECONDS.
JICENG_LOGIN_MAX_FAILURES = env_int("JICENG_LOGIN_MAX_FAILURES", 5)
JICENG_LOGIN_BASE_DELAY_SECONDS = env_int("JICENG_LOGIN_BASE_DELAY_SECONDS", 30)
JICENG_LOGIN_WINDOW_SECONDS = env_int("JICENG_LOGIN_WINDOW_SECONDS", 900)
JICENG_LOGIN_MEMORY_SECONDS = env_int("JICENG_LOGIN_MEMORY_SECONDS", 86400)
JICENG_TOKEN_TTL_DAYS = env_int("JICENG_TOKEN_TTL_DAYS", 30)
# Reverse proxies in front of the application (client addresses from X-Forwarded-For); 0 = none.
JICENG_TRUSTED_PROXIES = env_int("JICENG_TRUSTED_PROXIES", 0)

# Cases (issue 4): public intake throttle, unit score weights, notification channels.
JICENG_INTAKE_MAX_PER_HOUR = env_int("JICENG_INTAKE_MAX_PER_HOUR", 20)
# Reports one staff or API user may file an hour (a grid worker on patrol, a hotline desk: about one a minute).
JICENG_INTAKE_MAX_PER_USER_HOUR = env_int("JICENG_INTAKE_MAX_PER_USER_HOUR", 60)
# Public reports need a mobile number confirmed by an SMS code (sent through JICENG_SMS_BACKEND).
JICENG_INTAKE_SMS_CHECK = env_bool("JICENG_INTAKE_SMS_CHECK", False)
JICENG_CASE_SCORE_WEIGHTS = env_weights("JICENG_CASE_SCORE_WEIGHTS",
                                        {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4})
JICENG_NOTIFY_CHANNELS = env_list("JICENG_NOTIFY_CHANNELS", ["inapp", "email", "sms", "webhook"])
JICENG_SMS_BACKEND = env_str("JICENG_SMS_BACKEND", "jiceng.core.notify.ConsoleSmsGateway")
JICENG_NOTIFY_WEBHOOK_URL = env_str("JICENG_NOTIFY_WEBHOOK_URL", "")
JICENG_NOTIFY_WEBHOOK_SECRET = env_str("JICENG_NOTIFY_WEBHOOK_SECRET", "")
JICENG_NOTIFY_WEBHOOK_ATTEMPTS = env_int("JICENG_NOTIFY_WEBHOOK_ATTEMPTS", 3)
EMAIL_BACKEND = env_str("JICENG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiceng" / "locale"]
TIME_ZONE = env_str("JICENG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _package_dir(package: str, *parts: str) -> str:
    import importlib.util

    spec = importlib.util.find_spec(package)
    return str(Path(spec.submodule_search_locations[0], *parts))


# Leaflet (from django-leaflet) and plotly.js (from plotly) served locally: intranets have no internet.
STATICFILES_DIRS = [
    ("leaflet", _package_dir("leaflet", "static", "leaflet")),
    ("plotly", _package_dir("plotly", "package_data")),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("JICENG_MEDIA_ROOT", str(VAR_DIR / "media")))
# Request sizes (issue 10, item 9). The whole body of any request is capped by RequestSizeMiddleware
# (413 before a byte is read); form fields without files by Django; files go to disk past 2.5 MB.
# Each upload route caps its own files further (jiceng.core.uploads, jiceng.core.excel, jiceng.core.limits).
JICENG_MAX_REQUEST_BYTES = env_int("JICENG_MAX_REQUEST_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Server-side sessions: logging out, a password change or a deactivation ends them (issue 10, item 7).
SESSION_ENGINE = env_str("JICENG_SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("JICENG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LEAFLET_CONFIG = {
    "TILES": env_str("JICENG_MAP_TILES", ""),
    "DEFAULT_CENTER": (36.08, 111.52),
    "DEFAULT_ZOOM": 11,
    "RESET_VIEW": False,
}

# Content-Security-Policy (django-csp, issue 10 item 3): only the platform's own scripts and styles,
# no inline script anywhere (templates pass data with json_script and data-* attributes to static
# files). Style attributes are allowed (`style-src-attr 'unsafe-inline'`): Leaflet, plotly and the
# server-computed colours of legends set them, and a style attribute cannot run script; <style>
# elements stay refused (`style-src-elem 'self'`). Uploads get their own `default-src 'none'`.
def _tile_origins(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("a.", "*.", 1) if "{s}." in url else parts.netloc
    return [f"{parts.scheme}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_origins(LEAFLET_CONFIG["TILES"])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JICENG_LOG_LEVEL", "WARNING")},
}
