"""Settings for the Readout Archive, configured from the environment.

SECRET_KEY, DEBUG, ALLOWED_HOSTS and DATABASE_URL are read from the environment. Without
DATABASE_URL the project's own embedded PostgreSQL cluster is used (archive/pgcluster.py).
The defaults are for development on one's own machine; a deployment sets all four.
"""

import datetime
import hashlib
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-deployment"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

# HTTPS, on by default when DEBUG is off; each setting can be set by an environment variable of
# its own name (SECURE_SSL_REDIRECT=false behind a proxy that redirects itself, say).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):  # "HTTP_X_FORWARDED_PROTO,https" behind a TLS proxy
    SECURE_PROXY_SSL_HEADER = tuple(os.environ["SECURE_PROXY_SSL_HEADER"].split(",", 1))
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Django's own Content Security Policy: the pages load only the archive's own scripts, styles,
# images and fonts, and run no inline script or style.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if "test" in sys.argv or "pytest" in sys.modules:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "axes",
    "meetings",
]

# Sign-in attempts are counted by django-axes: after AXES_FAILURE_LIMIT wrong passwords from one
# address, it waits AXES_COOLOFF_MINUTES before it may sign in again (AXES_IPWARE_* settings name
# the header to read the address from behind a proxy).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]  # the source: many user names tried from one address count together
AXES_RESET_ON_SUCCESS = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "archive.replicas.ReplicaMiddleware",
]

ROOT_URLCONF = "archive.urls"

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
                "meetings.context_processors.site_urls",
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
else:
    from archive import pgcluster

    try:
        DATABASES = {"default": pgcluster.django_database()}
    except pgcluster.ClusterError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
# A server process keeps its connection for as long as it lives, checked before each request's
# first query: a new connection costs a request ~40 ms at 100,000 readouts (the connection,
# Django's type lookups, and a new PostgreSQL backend's empty caches), which closing it every
# minute made some reader pay each minute in each process. The development server starts a
# thread per request, so with DEBUG on each request has its own connection, as Django advises.
DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Read-only replicas of the primary (streaming replication), comma-separated: a reader's public
# pages read from them (archive.replicas); the admin, imports and staff use the primary.
for n, url in enumerate(u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()):
    replica = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    if not replica["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS must point at PostgreSQL (postgres://...).")
    replica["TEST"] = {"MIRROR": "default"}  # in tests, the test database itself
    DATABASES[f"replica{n + 1}"] = replica
DATABASE_ROUTERS = ["archive.replicas.ReplicaRouter"]

# What the public pages keep (meetings.caching): a file-based cache, which the server processes
# of one machine share, unless CACHE_URL names a shared cache for several app servers
# (redis://host:6379/0, Django's Redis backend).
# Meetings' cards ("cards": the list's card partial in {% cache %}, meetings.caching.card_parts)
# are many and small: in each process's memory, the most recently read kept, unless CACHE_URL
# names a shared cache. A file-based cache lists its whole folder on each write once it holds
# many entries, and a card is written for each meeting a page shows.
# The archive's version has a cache of its own ("archive"), which nothing else fills: a full
# cache letting entries go never lets the version go (with Redis, under maxmemory-policy
# volatile-lru, the version, which has no expiry, is never evicted).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    CACHES = {"default": redis, "archive": {**redis, "KEY_PREFIX": "archive"}, "cards": {**redis}}
elif CACHE_URL.startswith("locmem://"):
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    CACHES = {"default": {**locmem, "LOCATION": "pages"}, "archive": {**locmem, "LOCATION": "archive"}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// address (or locmem:// for one process).")
else:
    cache_dir = Path(os.environ.get("CACHE_DIR", BASE_DIR / ".cache"))
    files = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    CACHES = {
        "default": {**files, "LOCATION": str(cache_dir / "pages"), "OPTIONS": {"MAX_ENTRIES": 5000}},
        "archive": {**files, "LOCATION": str(cache_dir / "archive")},
    }
CACHES.setdefault(
    "cards",
    {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cards",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
)
# What is kept belongs to one database: two archives sharing a cache (the one `make run` serves
# and the benchmark's, in one checkout; two sites on one Redis) never read each other's entries,
# whose versions alone do not tell them apart. HTML kept by {% cache %} is never read by a
# release whose templates differ.
_database = DATABASES["default"]
_archive = hashlib.blake2b(
    f"{_database.get('HOST')}:{_database.get('PORT')}/{_database['NAME']}".encode(), digest_size=6
).hexdigest()
CACHES["archive"]["KEY_PREFIX"] = f"archive-{_archive}"
CACHES["default"]["KEY_PREFIX"] = CACHES["cards"]["KEY_PREFIX"] = (
    _archive
    + hashlib.blake2b(
        b"".join(path.read_bytes() for path in sorted((BASE_DIR / "templates").rglob("*.html"))), digest_size=6
    ).hexdigest()
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False  # English only: Django then skips its translation machinery on every request
USE_TZ = True

STATIC_URL = "static/"
# The archive keeps no uploaded media; the address is set so that nothing else is taken for it
# (Django's live test server serves MEDIA_URL, the site root when it is empty).
MEDIA_URL = "media/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

READOUT_FIXTURES = BASE_DIR / "fixtures"
# The largest readout file the importer and the admin's upload take.
READOUT_MAX_BYTES = 5 * 1024 * 1024
# The upload's confirm step posts the text back: percent-encoded, a byte of UTF-8 may take three.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * READOUT_MAX_BYTES + 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# OAI-PMH (meetings.oai): the repository's identifier (a domain name the archive's owners hold:
# records are named oai:<it>:<public id>, for good), the address harvesters may write to, and
# how many records a list gives before its resumption token.
OAI_REPOSITORY_IDENTIFIER = os.environ.get("OAI_REPOSITORY_IDENTIFIER", "readout-archive.org")
OAI_ADMIN_EMAIL = os.environ.get("OAI_ADMIN_EMAIL", "archive@readout-archive.org")
OAI_PAGE_SIZE = int(os.environ.get("OAI_PAGE_SIZE", "100"))

# The site's public address, for what is written outside a request (the dataset's permalinks).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Where manage.py export_dataset writes the datasets that /data/ offers.
DATASET_DIR = Path(
    os.environ.get("DATASET_DIR", Path(os.environ.get("READOUT_DATA_DIR", BASE_DIR / ".data")) / "datasets")
)

# The JSON API (meetings.api): read-only, JSON only, an OpenAPI 3 schema by drf-spectacular, its
# documentation's assets from the project's own static files (drf-spectacular-sidecar), and a
# limit on anonymous clients (API_ANON_RATE: requests per second, minute, hour or day).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Readout Archive API",
    "DESCRIPTION": "Official readouts of diplomatic meetings, as data: meetings, readouts, statements,"
    " people, topics and office holders, with the site's filters and search syntax. Read-only; anonymous"
    " clients are limited (429 with Retry-After beyond the limit).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
