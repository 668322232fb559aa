"""Django settings for Custodian, read from the environment in one place (see README: Configuration).

Development defaults work with nothing set. With DEBUG off (production) the app refuses to start when a
secret or a key file is missing, naming what is missing.

One module (over 400 lines) on purpose: Django reads its settings from one module, and every variable the
README's Configuration table names is read here beside its default and the check that refuses to start
without it.
"""

import tomllib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from custodian.env import (
    SMTP_BACKEND,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
    smtp_options,
)
from custodian.netaddr import parse_trusted_proxies, validate_proxy_header
from custodian.web import cookies as _cookies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("CUSTODIAN_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-never-used-with-debug-off-0123456789abcdef"
SECRET_KEY = env_secret("SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])


def _utility_time_zone(path: Path) -> str:
    """The policy file's [utility] time_zone. The policy loader checks the whole file when the app starts and
    refuses to start without a valid one; until then a file this can't read leaves UTC."""
    try:
        with path.open("rb") as fh:
            zone = tomllib.load(fh)["utility"]["time_zone"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return "UTC"
    return zone if isinstance(zone, str) else "UTC"


# The policy file: the single source of truth for purposes, categories, services, vendors and retention.
CUSTODIAN_POLICY_FILE = env_path("CUSTODIAN_POLICY_FILE", BASE_DIR / "policy" / "owatonna.toml")
# The payment processor's webhook signing secret (shared with it; the simulated processor in development).
# Anyone who knows it can post payments to the ledger, so production with a processor refuses to start
# without a real one; with none, no webhook is taken at all (payments.processor.verify).
_DEV_WEBHOOK_SECRET = "development-only-payment-webhook-secret-not-for-production"
CUSTODIAN_PAYMENT_WEBHOOK_SECRET = env_secret("CUSTODIAN_PAYMENT_WEBHOOK_SECRET") or (
    _DEV_WEBHOOK_SECRET if DEBUG else ""
)
# Which payment processor takes card payments on its hosted page (custodian/payments/processor.py): none
# ("": the portal offers no card payment and says how else to pay; `manage.py check --deploy` and /readyz
# warn), or "simulated", Custodian's own stand-in whose page Custodian serves: development and tests, and a
# demonstration with DEBUG off only when CUSTODIAN_DEMO=1 says it is one (never a real installation).
CUSTODIAN_DEMO = env_bool("CUSTODIAN_DEMO", False)
CUSTODIAN_PAYMENT_PROCESSOR = env_str("CUSTODIAN_PAYMENT_PROCESSOR", "simulated" if DEBUG else "").strip()
PAYMENT_PROCESSORS = ("", "simulated")
if CUSTODIAN_PAYMENT_PROCESSOR not in PAYMENT_PROCESSORS:
    raise ImproperlyConfigured(
        f"CUSTODIAN_PAYMENT_PROCESSOR={CUSTODIAN_PAYMENT_PROCESSOR!r}: one of "
        + ", ".join(repr(p) for p in PAYMENT_PROCESSORS)
    )
if CUSTODIAN_PAYMENT_PROCESSOR == "simulated" and not (DEBUG or CUSTODIAN_DEMO):
    raise ImproperlyConfigured(
        "CUSTODIAN_PAYMENT_PROCESSOR=simulated with DEBUG off: the simulated processor takes no real "
        "payment; set CUSTODIAN_DEMO=1 for a demonstration, or leave it empty until a processor is integrated"
    )
# The tariff beside it: rates as code, versioned by effective date, checked at start-up.
# The utility's bank for automatic payments (from the ACH origination agreement). Development and tests use
# placeholders no bank has (routing 000000000: the 00 prefix is no bank's); production refuses to write a
# debit file until they are set.
CUSTODIAN_ACH_BANK_ROUTING = env_str("CUSTODIAN_ACH_BANK_ROUTING", "000000000" if DEBUG else "")
CUSTODIAN_ACH_BANK_NAME = env_str("CUSTODIAN_ACH_BANK_NAME", "PLACEHOLDER BANK" if DEBUG else "")
CUSTODIAN_ACH_COMPANY_ID = env_str("CUSTODIAN_ACH_COMPANY_ID", "0000000000" if DEBUG else "")
CUSTODIAN_TARIFF_FILE = env_path("CUSTODIAN_TARIFF_FILE", BASE_DIR / "policy" / "owatonna-tariff.toml")
# Key files. In development they are created under var/keys on first use; in production they must exist.
CUSTODIAN_MASTER_KEYRING = env_path("CUSTODIAN_MASTER_KEYRING", VAR_DIR / "keys" / "master-keyring.json")
CUSTODIAN_BLIND_INDEX_KEY = env_path("CUSTODIAN_BLIND_INDEX_KEY", VAR_DIR / "keys" / "blind-index.key")
CUSTODIAN_INTERVAL_DIR = env_path("CUSTODIAN_INTERVAL_DIR", VAR_DIR / "intervals")
CUSTODIAN_CREATE_MISSING_KEYS = DEBUG
# Emergency (break-glass) access lasts this long: an hour at most, as the policy file and the privacy page
# promise; a longer (or no) length stops the app at start-up. The console's pages say the length in force.
CUSTODIAN_BREAK_GLASS_MAX_MINUTES = 60
CUSTODIAN_BREAK_GLASS_MINUTES = env_int("CUSTODIAN_BREAK_GLASS_MINUTES", 60)
if not 1 <= CUSTODIAN_BREAK_GLASS_MINUTES <= CUSTODIAN_BREAK_GLASS_MAX_MINUTES:
    raise ImproperlyConfigured(
        f"CUSTODIAN_BREAK_GLASS_MINUTES={CUSTODIAN_BREAK_GLASS_MINUTES}: emergency access lasts between 1 "
        f"and {CUSTODIAN_BREAK_GLASS_MAX_MINUTES} minutes (at most an hour, as the privacy policy says)"
    )
# API tokens expire after this many days unless made with another lifetime (at most a year).
CUSTODIAN_API_TOKEN_DAYS = env_int("CUSTODIAN_API_TOKEN_DAYS", 90)
if not 1 <= CUSTODIAN_API_TOKEN_DAYS <= 366:
    raise ImproperlyConfigured(f"CUSTODIAN_API_TOKEN_DAYS={CUSTODIAN_API_TOKEN_DAYS}: between 1 and 366 days")
# The access log's signing key (Ed25519, kept with the keyring, never in the database), the log's name in
# its signed heads, where signed heads and tiles are published, and who is mailed the latest head.
CUSTODIAN_LOG_SIGNING_KEYS = env_path(
    "CUSTODIAN_LOG_SIGNING_KEYS", VAR_DIR / "keys" / "log-signing-keys.json"
)
CUSTODIAN_LOG_ORIGIN = env_str("CUSTODIAN_LOG_ORIGIN")  # default: <utility website host>/access-log
CUSTODIAN_TRANSPARENCY_DIR = env_path("CUSTODIAN_TRANSPARENCY_DIR", VAR_DIR / "transparency")
CUSTODIAN_LOG_AUDITOR_EMAILS = env_list("CUSTODIAN_LOG_AUDITOR_EMAILS", [])
# A second directory the scheduled signing publishes every head to (an auditor's write-once mirror).
CUSTODIAN_LOG_MIRROR_DIR = env_str("CUSTODIAN_LOG_MIRROR_DIR", "")
# Scheduled jobs' times (custodian/operations/jobs.py): `job=CRON;job=off` changes or stops one.
CUSTODIAN_SCHEDULE = env_str("CUSTODIAN_SCHEDULE", "")

if not DEBUG:
    missing = []
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        missing.append("SECRET_KEY (at least 50 random characters)")
    if not ALLOWED_HOSTS:
        missing.append("ALLOWED_HOSTS (comma-separated host names)")
    webhook = CUSTODIAN_PAYMENT_WEBHOOK_SECRET
    if CUSTODIAN_PAYMENT_PROCESSOR and (webhook == _DEV_WEBHOOK_SECRET or len(webhook) < 32):
        missing.append("CUSTODIAN_PAYMENT_WEBHOOK_SECRET (the payment processor's signing secret, 32+ chars)")
    for name, path in (
        ("CUSTODIAN_MASTER_KEYRING", CUSTODIAN_MASTER_KEYRING),
        ("CUSTODIAN_BLIND_INDEX_KEY", CUSTODIAN_BLIND_INDEX_KEY),
        ("CUSTODIAN_LOG_SIGNING_KEYS", CUSTODIAN_LOG_SIGNING_KEYS),
    ):
        if not path.is_file():
            missing.append(f"{name} (key file not found at {path})")
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DEBUG off) refuses to start; set: "
            + "; ".join(missing)
            + ". Run `manage.py keys init --dir DIR` to create key files."
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its Swagger UI from our own static files (no CDN, fits the CSP)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "oauth2_provider",
    "custodian.policy",
    "custodian.customers",
    "custodian.staff",
    "custodian.casework",
    "custodian.audit",
    "custodian.vault",
    "custodian.disclosures",
    "custodian.console",
    "custodian.analytics",
    "custodian.portal",
    "custodian.outbox",
    "custodian.usage",
    "custodian.billing",
    "custodian.collecting",
    "custodian.payments",
    "custodian.retention",
    "custodian.incidents",
    "custodian.transparency",
    "custodian.connect",
    "custodian.api",
    "custodian.operations",
    "custodian.web",
    "custodian.demo",
]

MIDDLEWARE = [
    "custodian.web.proxy.TrustedProxyMiddleware",  # first: X-Forwarded-Proto only from a trusted proxy
    "custodian.operations.health.HealthMiddleware",  # /healthz and /readyz, before host checks and redirects
    "custodian.operations.middleware.RequestLogMiddleware",  # one JSON line per request, nothing personal
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from the app server (compressed, cached)
    "custodian.web.middleware.NoStoreMiddleware",  # outermost but one: covers every answer, errors included
    "custodian.web.methods.MethodsMiddleware",  # OPTIONS answered without a view, TRACE refused
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "custodian.web.languages.LanguageMiddleware",  # after sign-in: a portal customer's language is kept
    "django.contrib.messages.middleware.MessageMiddleware",
    "custodian.web.post_only.MethodNotAllowedPageMiddleware",  # an empty 405 drawn as a page, in the language
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "custodian.analytics.middleware.PageViewMiddleware",
]

# Staff sign-in: password (Argon2id), then a TOTP code (django-otp); lockout after repeated failures (axes).
# The user of each request is read with their portal sign-in and second-factor choice in one query
# (custodian/staff/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "custodian.staff.backends.UserWithSignInBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# Lock the account after repeated failures, and lock one machine that sprays many user names; store no
# typed value and no customer's whole address (custodian/staff/lockout.py).
AXES_HANDLER = "custodian.staff.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = "custodian.staff.lockout.lockout_parameters"
AXES_USERNAME_CALLABLE = "custodian.staff.lockout.stored_username"
# The same client address as everything else (trusted proxies only, custodian.netaddr), a customer's masked.
AXES_CLIENT_IP_CALLABLE = "custodian.staff.lockout.stored_address"
AXES_CLIENT_STR_CALLABLE = "custodian.staff.lockout.client_str"
AXES_SENSITIVE_PARAMETERS = ["username", "email", "password", "code", "ip_address", "user_agent"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "custodian.staff.lockout.locked_out"  # customers and staff each read their own page
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Custodian"
# E-mail intake from an IMAP inbox (off unless a host is set).
CUSTODIAN_IMAP_HOST = env_str("CUSTODIAN_IMAP_HOST", "")
CUSTODIAN_IMAP_PORT = env_int("CUSTODIAN_IMAP_PORT", 993)
CUSTODIAN_IMAP_USER = env_str("CUSTODIAN_IMAP_USER", "")
CUSTODIAN_IMAP_PASSWORD = env_secret("CUSTODIAN_IMAP_PASSWORD", "")
CUSTODIAN_IMAP_FOLDER = env_str("CUSTODIAN_IMAP_FOLDER", "INBOX")
# First-party web analytics: on by default.
CUSTODIAN_ANALYTICS_ENABLED = env_bool("CUSTODIAN_ANALYTICS_ENABLED", True)
# Proxies whose forwarding header is believed (comma-separated addresses or CIDRs), checked here so a bad
# entry stops the app at start-up, naming it; and which header they write (auto: the one present).
CUSTODIAN_TRUSTED_PROXIES = env_list("CUSTODIAN_TRUSTED_PROXIES", [])
parse_trusted_proxies(CUSTODIAN_TRUSTED_PROXIES)
CUSTODIAN_PROXY_HEADER = validate_proxy_header(env_str("CUSTODIAN_PROXY_HEADER", "auto"))
# Outgoing e-mail (portal confirmations): printed to the console in development, SMTP in production.
_MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "custodian.mail.ReadableConsoleBackend"  # links printed whole, copyable
    if DEBUG
    else SMTP_BACKEND,
)
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND}}
if _MAIL_BACKEND == SMTP_BACKEND:
    # Host, port, STARTTLS or implicit TLS, user and password (or EMAIL_HOST_PASSWORD_FILE): custodian/env.py.
    MAILERS["default"]["OPTIONS"] = smtp_options()
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
# An e-mail that failed for a temporary reason is sent again: after 15 minutes, then twice as long each time.
CUSTODIAN_OUTBOX_MAX_ATTEMPTS = env_int("CUSTODIAN_OUTBOX_MAX_ATTEMPTS", 5)
# Neighbour comparisons: embedded DuckDB, or Apache Spark for utilities that outgrow one machine.
CUSTODIAN_COMPARISON_ENGINE = env_str("CUSTODIAN_COMPARISON_ENGINE", "duckdb")
# Where the Spark engine runs: a cluster's master URL (spark://host:7077), or local[*] on this machine.
CUSTODIAN_SPARK_MASTER = env_str("CUSTODIAN_SPARK_MASTER", "local[*]")

# Background work (django.tasks): queued in the database (django-tasks-db) and run by `manage.py db_worker`
# (`make run` starts one). CUSTODIAN_TASKS_IMMEDIATE=1 runs a task in the process that queues it instead.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("CUSTODIAN_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend"
    }
}
# Rate-limit counters and the cache are shared by every server process and survive a restart: in Redis when
# REDIS_URL is set (redis://host:6379/0), otherwise in the database (custodian.web.counters).
REDIS_URL = env_secret("REDIS_URL", "")
CUSTODIAN_COUNTERS = "redis" if REDIS_URL else "database"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CUSTODIAN_CACHE_PREFIX", "custodian"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "custodian_cache"},
    # The parts of the layout that are the same for every visitor (header, navigation, footer: no personal
    # data, nothing of a request's own), rendered once per process and language and kept in its memory:
    # Django's {% cache %} tag uses this cache by its name. Rendering them cost about as much as the rest of
    # a portal page's template; a shared cache would cost a round trip each.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template-fragments",
        "TIMEOUT": None,
    },
}
# Messages the public contact form accepts from one address per 10 minutes.
CUSTODIAN_CONTACT_RATE_LIMIT = env_int("CUSTODIAN_CONTACT_RATE_LIMIT", 5)
# Re-entering password and code is required before emergency access, and lasts this long.
CUSTODIAN_REAUTH_SECONDS = env_int("CUSTODIAN_REAUTH_SECONDS", 300)

# Uploaded files, never on disk in clear: a small one in memory, a larger one sealed into a nameless scratch
# file; only a page that takes a file is sent one (custodian.vault.uploads, docs/decisions.md).
FILE_UPLOAD_HANDLERS = ["custodian.vault.uploads.UploadNeverInClear"]
# The one size limit of uploads: what a request's files hold together, and the largest file a form takes (a
# Green Button file: a year of 15-minute ESPI data for one meter is about 25 MB). Past it nothing more of the
# request's files is kept and the form refuses the file by name (custodian.bounds.FileField).
CUSTODIAN_UPLOAD_MAX_BYTES = 100 * 2**20
# The largest form takes one file.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# A request's other fields together (a form's, a JSON body of the API): the largest is the API's mailing
# list, 100,000 customer numbers (about 2 MB). Django's own default, said here because the proxy's follows.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**19  # 2.5 MB
# The body the proxy in front lets through (nginx's client_max_body_size, docs/operations.md): the files,
# the other fields and room for the parts' headers, so a file over the limit reaches the form, which says so.
CUSTODIAN_PROXY_BODY_MAX_BYTES = CUSTODIAN_UPLOAD_MAX_BYTES + 3 * 2**20

ROOT_URLCONF = "custodian.urls"
WSGI_APPLICATION = "custodian.wsgi.application"

FORM_RENDERER = "custodian.web.forms_renderer.DesignSystemRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "custodian.web.context_processors.utility",
                "custodian.web.context_processors.area",
            ],
            # Django's cached loader (its default), the templates it keeps with their fixed translations, URLs
            # and static files kept rendered per language (custodian.web.kept_tags).
            "loaders": [
                (
                    "custodian.web.kept_tags.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    },
]

DATABASE_URL = env_secret("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'custodian.sqlite3'}"
# Health checks: a connection kept open (DB_CONN_MAX_AGE, docs/operations.md) is tested before reuse.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when their transaction starts: no lock-upgrade deadlocks; WAL lets readers
        # go on meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # Recursive triggers: without them `INSERT OR REPLACE` deletes a record's row without firing the
        # append-only DELETE triggers.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA recursive_triggers=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    # Server-side binding lets psycopg prepare the statements the gate runs on every read (planned once
    # per connection, not per read). Turn off behind a transaction-pooling proxy such as PgBouncer.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"

# Green Button Connect My Data (custodian.connect): OAuth 2.0, authorization code with PKCE (S256) for every
# client, only third parties the privacy officer approved, only the scopes approved with them.
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only, never "plain"
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # bearer tokens in the header, never the URL
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207: the answer names its issuer
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # tokens kept as digests, never in clear
    # Redirect URIs over https only; plain http (on localhost) in development.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
    "OAUTH2_VALIDATOR_CLASS": "custodian.connect.oauth.ApprovedThirdPartiesOnly",
    "SCOPES_BACKEND_CLASS": "custodian.connect.scopes.ApprovedScopes",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("CUSTODIAN_CONNECT_ACCESS_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("CUSTODIAN_CONNECT_REFRESH_DAYS", 90) * 86_400,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
}
# The site's root as people reach it, for links written where no request gives the host (a staff member's
# set-up link e-mailed on another administrator's approval, a job's messages).
CUSTODIAN_SITE_URL = env_str(
    "CUSTODIAN_SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""),
)
# Where third parties reach the resource server: the root of the resource URIs in the notifications of new
# data, which the background worker writes without a request to take the host from (the site's root unless
# the resource server has a host of its own).
CUSTODIAN_CONNECT_BASE_URL = env_str("CUSTODIAN_CONNECT_BASE_URL", CUSTODIAN_SITE_URL)
# The toolkit's own models (named here so that migrations referring to them resolve).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
LOGIN_REDIRECT_URL = "staff:home"

LANGUAGE_CODE = "en"
# The public site, the notices at collection and the portal in English and Spanish (Owatonna's largest
# language community after English). The Spanish text awaits a qualified translator's review; Somali waits
# for a reviewed translation (docs/decisions.md).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "custodian" / "locale"]
# Spanish numbers as US Spanish writes them (decimal point, comma grouping); dates stay Spanish.
FORMAT_MODULE_PATH = ["custodian.formats"]
# The utility's time zone is written once, in the policy file's [utility] table.
TIME_ZONE = _utility_time_zone(CUSTODIAN_POLICY_FILE)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
# With DEBUG off, whitenoise serves the files `collectstatic` gathered, with hashed names cached for a year;
# in development it serves them from the apps' directories as they change.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Security headers. Django's built-in Content Security Policy: no inline script anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The cookies' names come from the one registry of cookies the cookies page lists (custodian/web/cookies.py);
# messages live in the session, not in a cookie of their own.
SESSION_COOKIE_NAME = _cookies.SESSION.name
CSRF_COOKIE_NAME = _cookies.CSRF.name
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: the age counts from the last request
SESSION_ENGINE = "custodian.web.sessions"  # database sessions, the expiry pushed forward once a minute
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    # The HSTS header reaches the host's subdomains by default (what the site's own host names need); a
    # utility serving Custodian on a domain whose other subdomains are not all HTTPS turns it off. Asking
    # browsers to preload the domain is the domain owner's deliberate step, slow to undo and binding every
    # subdomain: off unless set (docs/operations.md).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Django's deployment check asks for preload (security.W021); left off on purpose, as above.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HTTPS as the TLS proxy saw it, only when the proxies are named (custodian.web.proxy drops the header
    # from anyone else); without trusted proxies the server must be reached over TLS directly.
    if CUSTODIAN_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs never carry personal data: request bodies and SQL parameters are not logged, and every record is
# scrubbed (custodian.operations.logs). JSON lines on stdout in production (LOG_FORMAT=json), one line per
# request (LOG_REQUESTS: method, route pattern, status, time; never the path, query or address).
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
LOG_REQUESTS = env_bool("LOG_REQUESTS", not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "custodian.operations.logs.PersonalDataFilter"},
        "refusal_line": {"()": "custodian.operations.logs.RefusalLine"},
    },
    "formatters": {
        "json": {"()": "custodian.operations.logs.JsonLinesFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.db.backends": {"level": "WARNING", "propagate": True},
        # A 4xx refusal is one line without a traceback (custodian.operations.logs.RefusalLine).
        "django.request": {"filters": ["refusal_line"]},
        "custodian.request": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
        "custodian.operations": {"level": "INFO"},
    },
}
