"""Settings for the mint's back office.

Every value comes from the environment (django-environ). When a variable is unset the
embedded default applies, so `make run` works on a bare machine: a SQLite file, Celery on
kombu's filesystem transport, and the Stripe SDK pointed at a local `localstripe` process.
Set DATABASE_URL, REDIS_URL and STRIPE_SECRET_KEY and the same code runs on PostgreSQL,
Redis and Stripe itself.
"""

import datetime as dt
import logging
from pathlib import Path

import environ
from django_guid.integrations import CeleryIntegration

from mint_shop.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MINT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# The embedded defaults keep their files (SQLite, broker folders, media) in one ignored folder.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for: `make run` and the test settings (tests/settings.py) turn it on explicitly.
DEBUG = env.bool("DEBUG", default=False)
# The development values are obviously fake; with DEBUG off the end of this file refuses them.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "mint_shop.apps.MintAdminConfig",  # the admin, with the second factor for staff (mint_shop/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, never a CDN
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.usersessions",  # lists each login's signed-in sessions, so they can be revoked (issue 14)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "phonenumber_field",
    "django_countries",
    "django_guid",  # the request id in every log line and in the tasks a request queues (mint_shop/logs.py)
    "mint_shop",
    "customers",
    "catalogue",
    "consents",
    "notifications",
    "promotions",
    "orders",
    "payments",
    "cancellations",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # first, so every later line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its 429
]

ROOT_URLCONF = "mint_shop.urls"
WSGI_APPLICATION = "mint_shop.wsgi.application"
AUTH_USER_MODEL = "customers.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mint_shop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker and beat share one file. Write-ahead logging lets readers go on
    # while one writes; IMMEDIATE takes the write lock when a transaction begins, so a
    # transaction that read first never finds, on its first write, that another wrote
    # meanwhile ("database is locked" at once, which no timeout cures); the busy timeout
    # makes a second writer wait its turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where the API's throttles count (issue 14): shared by every web process only when CACHE_URL names a
# shared cache (redis://…); the default, memory, counts per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "mint_shop.cache.RedisCache"  # Django's, one client object per pool

# --- Signing in (README "Signing in") -----------------------------------------------------
# Axes first, so a locked-out login is refused before any password is checked; the model
# backend serves the admin (username), allauth's the customers (email).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "notifications.account_mail.OutboxAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
# Customers may sign in before confirming their address; the confirmation is emailed at registration.
ACCOUNT_EMAIL_VERIFICATION = "optional"
# The address is changed at /api/v1/me/ (C2 checks it there), so allauth never adds a second one.
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_EMAIL_SUBJECT_PREFIX = "The Mint: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins per account are axes' job (below); allauth still throttles each address.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
HEADLESS_CLIENTS = ("browser", "app")
# allauth's own OpenAPI document is served (as JSON) and shown in /api/docs/ beside ours;
# its HTML page would load Redoc from a CDN, so it is left off.
HEADLESS_SERVE_SPECIFICATION = True
# App session tokens end MINT_API_TOKEN_LIFETIME_HOURS after sign-in (issue 14), like DRF's tokens.
HEADLESS_TOKEN_STRATEGY = "mint_shop.api.authentication.ExpiringSessionTokenStrategy"
MINT_API_TOKEN_LIFETIME_HOURS = env.int("MINT_API_TOKEN_LIFETIME_HOURS", default=7 * 24)
# Issue 14: a signed-in session (the admin, the browser storefront) ends after this long without a
# request: a working day. Every request saves the session and so moves its end on.
MINT_SESSION_IDLE_HOURS = env.int("MINT_SESSION_IDLE_HOURS", default=8)
SESSION_COOKIE_AGE = MINT_SESSION_IDLE_HOURS * 3600
SESSION_SAVE_EVERY_REQUEST = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
# A storefront of its own, when there is one, receives the emailed links; otherwise Django's pages do.
MINT_STOREFRONT_URL = env.str("MINT_STOREFRONT_URL", default="").rstrip("/")
if MINT_STOREFRONT_URL:
    HEADLESS_FRONTEND_URLS = {
        "account_confirm_email": f"{MINT_STOREFRONT_URL}/account/verify-email/{{key}}",
        "account_reset_password_from_key": f"{MINT_STOREFRONT_URL}/account/password/reset/key/{{key}}",
        "account_signup": f"{MINT_STOREFRONT_URL}/register",
    }
MINT_SIGNIN_FAILURE_LIMIT = env.int("MINT_SIGNIN_FAILURE_LIMIT", default=5)
MINT_SIGNIN_LOCKOUT_MINUTES = env.int("MINT_SIGNIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = MINT_SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=MINT_SIGNIN_LOCKOUT_MINUTES)
# Locked per login, wherever the attempts come from. Not per address: many customers share one
# (mobile carriers, the mint's own office), and allauth already throttles each address above.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # the warning that asks for per-address locking
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked for the set time from the last counted failure
AXES_VERBOSE = False  # one log line per lockout, not a banner at every start
AXES_USERNAME_CALLABLE = "customers.signin.signin_name"
AXES_LOCKOUT_CALLABLE = "customers.signin.locked_out_response"
# Staff in these roles (and superusers) need a TOTP code from their enrolled device for the admin.
MINT_STAFF_OTP_ROLES = env.list("MINT_STAFF_OTP_ROLES", default=["finance", "compliance"])
OTP_TOTP_ISSUER = "Mint back office"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # the mint's calendar; datetimes are stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks for it even before collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Issue 14: tokens end after MINT_API_TOKEN_LIFETIME_HOURS (mint_shop/api/authentication.py).
        # First, so a request without credentials is a 401 naming the Token scheme.
        "mint_shop.api.authentication.ExpiringTokenAuthentication",
        # The token a headless (app) sign-in returns, sent as X-Session-Token.
        "mint_shop.api.authentication.ExpiringSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "mint_shop.api.schema.MintAutoSchema",
    "EXCEPTION_HANDLER": "mint_shop.api.exceptions.rule_exception_handler",
    # JSON nested deeper than MINT_JSON_MAX_DEPTH is a 400, not a RecursionError (issue 14).
    "DEFAULT_PARSER_CLASSES": [
        "mint_shop.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Issue 14: writes that are costly or reveal something, per user (or address when anonymous).
    "DEFAULT_THROTTLE_RATES": {
        "register": env.str("MINT_THROTTLE_REGISTER", default="10/hour"),
        "order_placement": env.str("MINT_THROTTLE_ORDER_PLACEMENT", default="30/hour"),
        "data_requests": env.str("MINT_THROTTLE_DATA_REQUESTS", default="10/day"),
        # Webhook requests whose signature fails, per client address; well-signed ones are never counted.
        "webhook_failures": env.str("MINT_THROTTLE_WEBHOOK_FAILURES", default="20/hour"),
    },
    # The anonymous caller's address: with no proxy trusted the socket's, never the client's own
    # X-Forwarded-For (which DRF would otherwise read whole: a new "address" each request).
    "NUM_PROXIES": env.int("MINT_TRUSTED_PROXIES", default=0),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# allauth's per-address sign-in limits read the same address (else, behind a proxy, every customer is one address).
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
MINT_JSON_MAX_DEPTH = env.int("MINT_JSON_MAX_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Mint back office API",
    "DESCRIPTION": "Orders, payments, refunds, promotions and personal data for the mint.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's refusals documented as a 4XX of {"code","rule","detail"} (issue 14).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mint_shop.api.schema.document_refusals",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two documents in one Swagger UI: the mint's API, and signing in (allauth headless).
    "SWAGGER_UI_SETTINGS": {
        "urls": [
            {"url": "/api/schema/", "name": "Mint back office API"},
            {"url": "/_allauth/openapi.json", "name": "Signing in (allauth headless)"},
        ],
        "deepLinking": True,
    },
}

# --- Background work --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT = "mint_shop.broker:Transport"  # kombu's Redis transport, one client per channel
    # A task taken by a worker that then dies (SIGKILL, the host lost) is handed out again after
    # this; each task is idempotent and the sweeps find the work anyway, so it only bounds the wait.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
else:
    # kombu's filesystem transport: a broker that is only a folder, so nothing needs installing.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # Which queues each exchange routes to; kombu's default is `control` in the working directory,
        # so a process started elsewhere would not see the others' bindings (and it littered the checkout).
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it for another; tasks are idempotent
# A pool process killed mid-task (the OOM killer): its message is acknowledged, not put back, so a task
# that kills its process cannot loop; the work is a row a sweep finds (tests/integration/test_worker_killed.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
if REDIS_URL:
    # Exactly one beat (README "Deploying"): RedBeat keeps the schedule in Redis under a lock; a second
    # beat waits for the lock (a standby) and takes over within the lock's timeout if the first dies.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env.str("MINT_BEAT_KEY_PREFIX", default="mint:beat")
    CELERY_BEAT_MAX_LOOP_INTERVAL = 30  # seconds between two looks at the schedule, and lock renewals
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("MINT_BEAT_LOCK_TIMEOUT", default=150)

# --- Card payments ----------------------------------------------------------------------
# Unset key: the demo/test key and a localstripe process on this machine.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_localstripe")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_localstripe")
STRIPE_PORT = env.int("STRIPE_PORT", default=8420)  # where `make run` starts localstripe
STRIPE_API_BASE = env.str(
    "STRIPE_API_BASE",
    default=f"http://127.0.0.1:{STRIPE_PORT}" if STRIPE_SECRET_KEY == "sk_test_localstripe" else "",
)
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=20)
# Stripe.js in staff pages (the card field): the publishable key, and where the script comes from
# (unset: localstripe's stand-in when STRIPE_API_BASE is set, else js.stripe.com).
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="pk_test_localstripe")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="")

# --- Notifications ----------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@mint.example")
SMS_PROVIDER = env.str("SMS_PROVIDER", default="notifications.channels.sms.LogSmsProvider")

# --- The rulebook's numbers (DOMAIN.md), each overridable --------------------------------
MINT_EMAIL_DEEMED_SERVED_HOURS = env.int("MINT_EMAIL_DEEMED_SERVED_HOURS", default=24)  # N3
MINT_LETTER_DEEMED_SERVED_DAYS = env.int("MINT_LETTER_DEEMED_SERVED_DAYS", default=3)  # N3
MINT_OUTBOX_MAX_ATTEMPTS = env.int("MINT_OUTBOX_MAX_ATTEMPTS", default=5)  # N4
MINT_OUTBOX_RETRY_MAX_SECONDS = env.int("MINT_OUTBOX_RETRY_MAX_SECONDS", default=3600)  # N4: backoff cap
# Work written for later and never started (its enqueue lost) is picked up by the sweeps after this.
MINT_SWEEP_GRACE_SECONDS = env.int("MINT_SWEEP_GRACE_SECONDS", default=60)
# A worker that takes a card operation has this long to finish it before a sweep may try it again
# (a worker killed mid-call); longer than STRIPE_TIMEOUT_SECONDS, so two never call at once.
MINT_CARD_CLAIM_LEASE_SECONDS = env.int("MINT_CARD_CLAIM_LEASE_SECONDS", default=300)

# customers and consents (C, D)
PHONENUMBER_DEFAULT_REGION = "GB"  # a number keyed without +44 is a UK one; stored E.164 (C8)
MINT_MINIMUM_AGE_YEARS = env.int("MINT_MINIMUM_AGE_YEARS", default=18)  # C1
MINT_SOURCE_OF_FUNDS_DAYS = env.int("MINT_SOURCE_OF_FUNDS_DAYS", default=14)  # C5: default due date
MINT_EVIDENCE_MAX_BYTES = env.int("MINT_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)  # C4
MINT_CALL_RECORDING_MAX_BYTES = env.int("MINT_CALL_RECORDING_MAX_BYTES", default=200 * 1024 * 1024)  # C10
MINT_CALL_RECORDING_RETENTION_MONTHS = env.int("MINT_CALL_RECORDING_RETENTION_MONTHS", default=6)  # C10, D8
MINT_TRANSCRIPT_PROCESSOR = env.str("MINT_TRANSCRIPT_PROCESSOR", default="US transcription processor")  # C10
MINT_TRANSCRIPT_TRANSFER_SAFEGUARD = env.str(
    "MINT_TRANSCRIPT_TRANSFER_SAFEGUARD", default="Standard contractual clauses"
)  # C10, D9
# D6: data subject requests. Bank holidays are England's, from the `holidays` library, plus any listed here
# (ISO dates, comma-separated) for a one-off the library does not know yet.
MINT_EXTRA_BANK_HOLIDAYS = env.list("MINT_EXTRA_BANK_HOLIDAYS", default=[])
MINT_DATA_REQUEST_MONTHS = env.int("MINT_DATA_REQUEST_MONTHS", default=1)  # D6: UK GDPR art. 12(3)
MINT_DATA_REQUEST_EXTENSION_MONTHS = env.int("MINT_DATA_REQUEST_EXTENSION_MONTHS", default=2)  # D6: art. 12(3)
MINT_DATA_EXPORT_LINK_HOURS = env.int("MINT_DATA_EXPORT_LINK_HOURS", default=72)  # D6: the download link's life
MINT_MAILING_HOUSE = env.str("MINT_MAILING_HOUSE", default="Mailing house")  # D9: who prints postal runs
# D7: the key of the hash that remembers an erased email (never the email itself).
MINT_ERASURE_HASH_KEY = env.str("MINT_ERASURE_HASH_KEY", default="dev-only-erasure-hash-key")
# D8: retention periods in months per record type; compliance may change them (never below the law's minimum).
MINT_RETENTION_MONTHS = {
    "dormant_customers": env.int("MINT_RETENTION_DORMANT_CUSTOMER_MONTHS", default=36),  # D8, notice 004
    "financial_records": env.int("MINT_RETENTION_FINANCIAL_MONTHS", default=72),  # D5/D7: HMRC 6 years
    "due_diligence": env.int("MINT_RETENTION_DUE_DILIGENCE_MONTHS", default=60),  # MLR 2017 reg. 40
    "data_exports": env.int("MINT_RETENTION_DATA_EXPORT_MONTHS", default=1),  # D6: an answer's copy
}
# D2: the inbound-SMS provider signs each webhook body with this shared secret (HMAC-SHA256).
MINT_SMS_WEBHOOK_SECRET = env.str("MINT_SMS_WEBHOOK_SECRET", default="dev-only-sms-webhook-secret")
# Names for the customers' and consents' choice sets in the OpenAPI schema (several share field names).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "DataRequestKindEnum": "consents.models.DataRequest.Kind",  # D6
        "ActorKindEnum": "mint_shop.actors.ActorKind",  # who acted (issue 14: who revoked API access)
        "CallPurposeEnum": "customers.models.CallRecording.Purpose",
        "ContactKindEnum": "customers.models.ContactLogEntry.Kind",
        "CheckKindEnum": "customers.models.DueDiligenceCheck.Kind",
        "CheckStatusEnum": "customers.models.DueDiligenceCheck.Status",
        "RepresentativeKindEnum": "customers.models.Representative.Kind",
        "RepresentativeStatusEnum": "customers.models.Representative.Status",
        # Preferred contact and marketing channels are the same four: email, SMS, phone, post.
        "ContactChannelEnum": "customers.models.PreferredContact",
        "KeyedChannelEnum": "customers.api.serializers.KEYED_CHANNELS",
        "ConsentSourceEnum": "consents.models.MarketingConsent.Source",
        "StaffConsentSourceEnum": "consents.api.serializers.STAFF_SOURCES",
        "ContactDirectionEnum": "customers.models.ContactLogEntry.Direction",
        "LedgerDirectionEnum": "payments.models.LedgerEntry.Direction",
        "FaultRemedyEnum": "cancellations.models.FaultClaim.Remedy",  # R7: wanted and given
        "InstalmentPlanStatusEnum": "payments.models.InstalmentPlan.Status",
    }
)


# catalogue and orders (P, O)
MINT_TERMS_NOTICE_HOURS = env.int("MINT_TERMS_NOTICE_HOURS", default=24)  # P8
MINT_MAX_LINE_QUANTITY = env.int("MINT_MAX_LINE_QUANTITY", default=1000)  # P4: beyond this a quantity is absurd
MINT_DELIVERY_PROMISE_DAYS = env.int("MINT_DELIVERY_PROMISE_DAYS", default=21)  # O6
MINT_DELAY_WARNING_DAYS = env.int("MINT_DELAY_WARNING_DAYS", default=2)  # O6: warn this many days ahead
MINT_NON_RECEIPT_REPORT_DAYS = env.int("MINT_NON_RECEIPT_REPORT_DAYS", default=30)  # O11
MINT_HIGH_VALUE_PENCE = env.int("MINT_HIGH_VALUE_PENCE", default=500_000)  # O13: over £5,000
MINT_FIRST_ORDER_HIGH_VALUE_PENCE = env.int("MINT_FIRST_ORDER_HIGH_VALUE_PENCE", default=200_000)  # O13


# payments (M)
MINT_AUTHORISATION_RELEASE_DAYS = env.int("MINT_AUTHORISATION_RELEASE_DAYS", default=10)  # M3
# M3: when Stripe does not say how long it holds a card, assume its shortest online hold.
MINT_CARD_HOLD_ASSUMED_DAYS = env.int("MINT_CARD_HOLD_ASSUMED_DAYS", default=7)
MINT_STRIPE_RETRY_MAX_SECONDS = env.int("MINT_STRIPE_RETRY_MAX_SECONDS", default=3600)  # backoff cap
MINT_INSTALMENT_REMINDER_DAYS = env.int("MINT_INSTALMENT_REMINDER_DAYS", default=5)  # M5: remind before due
MINT_INSTALMENT_MAX_COUNT = env.int("MINT_INSTALMENT_MAX_COUNT", default=24)  # M5


# cancellations and refunds (R)
MINT_COOLING_OFF_DAYS = env.int("MINT_COOLING_OFF_DAYS", default=14)  # R1: from the day after delivery
MINT_REFUND_LEGAL_DAYS = env.int("MINT_REFUND_LEGAL_DAYS", default=14)  # R5: CCR 2013 reg. 34; R7: CRA s.20
MINT_REFUND_TERMS_DAYS = env.int("MINT_REFUND_TERMS_DAYS", default=30)  # R5: T&C 10.1(a)
MINT_REFUND_WARNING_DAYS = env.int("MINT_REFUND_WARNING_DAYS", default=3)  # R5: flag refunds due this soon
MINT_SHORT_TERM_REJECT_DAYS = env.int("MINT_SHORT_TERM_REJECT_DAYS", default=30)  # R7: CRA 2015 s.22
MINT_FINANCE_EMAIL = env.str("MINT_FINANCE_EMAIL", default="finance@mint.example")  # R5: where refund flags go


# promotions (X)
MINT_REFERRAL_RANGE = env.str("MINT_REFERRAL_RANGE", default="gifts")  # X3: the scheme's one range (P1)
# X3: sanctioned countries (ISO codes) whose residents cannot be referred friends.
MINT_SANCTIONED_COUNTRIES = env.list("MINT_SANCTIONED_COUNTRIES", default=["BY", "CU", "IR", "KP", "RU", "SY"])
# X3: defaults of the scheme's row (promotions.ReferralScheme), which staff change in the admin.
MINT_REFERRAL_FRIEND_REWARD_PENCE = env.int("MINT_REFERRAL_FRIEND_REWARD_PENCE", default=1000)
MINT_REFERRAL_FRIEND_MIN_SPEND_PENCE = env.int("MINT_REFERRAL_FRIEND_MIN_SPEND_PENCE", default=5000)
MINT_REFERRAL_FRIEND_REWARD_VALID_DAYS = env.int("MINT_REFERRAL_FRIEND_REWARD_VALID_DAYS", default=14)
MINT_REFERRAL_REFERRER_REWARD_PENCE = env.int("MINT_REFERRAL_REFERRER_REWARD_PENCE", default=1000)
MINT_REFERRAL_REFERRER_MIN_SPEND_PENCE = env.int("MINT_REFERRAL_REFERRER_MIN_SPEND_PENCE", default=5000)
MINT_REFERRAL_REFERRER_REWARD_VALID_MONTHS = env.int("MINT_REFERRAL_REFERRER_REWARD_VALID_MONTHS", default=3)
MINT_REFERRAL_INVITATION_VALID_MONTHS = env.int("MINT_REFERRAL_INVITATION_VALID_MONTHS", default=3)
MINT_REFERRAL_EARN_AFTER_DAYS = env.int("MINT_REFERRAL_EARN_AFTER_DAYS", default=10)
MINT_REFERRAL_MAX_REWARDS_PER_24_HOURS = env.int("MINT_REFERRAL_MAX_REWARDS_PER_24_HOURS", default=5)
MINT_REFERRAL_MAX_REWARDS_PER_12_MONTHS = env.int("MINT_REFERRAL_MAX_REWARDS_PER_12_MONTHS", default=25)
MINT_REFERRAL_MAX_REWARD_VALUE_PER_12_MONTHS_PENCE = env.int(
    "MINT_REFERRAL_MAX_REWARD_VALUE_PER_12_MONTHS_PENCE", default=150_000
)
# X3: how long after the friend's purchase a cancellation is still looked for (clawback).
MINT_REFERRAL_CLAWBACK_WATCH_DAYS = env.int("MINT_REFERRAL_CLAWBACK_WATCH_DAYS", default=120)


# --- Security (production) --------------------------------------------------------------
# HTTPS only with DEBUG off (what `manage.py check --deploy` asks for); plain http for `make run`
# and the tests (DEBUG=1). Each can be set in the environment, e.g. SECURE_HSTS_SECONDS=300 while
# trying HTTPS out, or SECURE_SSL_REDIRECT=0 where the proxy redirects already.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check may come over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The TLS-terminating proxy in front says the request came over HTTPS; off where there is none,
# or anyone could claim HTTPS with the header.
if env.bool("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _unsafe_for_production() -> list[str]:
    """What a production start would be left with from the development defaults (issue 14)."""
    development = {
        "SECRET_KEY": "dev-only-insecure-key",
        "STRIPE_WEBHOOK_SECRET": "whsec_localstripe",
        "MINT_SMS_WEBHOOK_SECRET": "dev-only-sms-webhook-secret",
        "MINT_ERASURE_HASH_KEY": "dev-only-erasure-hash-key",
    }
    # Blank, or the published value in other case or with padding, is no secret either.
    problems = [
        f"{name} is missing or left at its development value"
        for name, value in development.items()
        if globals()[name].strip().lower() in ("", value.lower())
    ]
    if len(SECRET_KEY.strip()) < 50:  # what `check --deploy` asks of a key that signs sessions and tokens
        problems.append("SECRET_KEY is shorter than 50 characters")
    # Throttles count in the cache: a per-process one grants each gunicorn worker the whole rate again.
    if CACHES["default"]["BACKEND"].rsplit(".", 2)[-2] in ("locmem", "dummy"):
        problems.append("CACHE_URL is missing or names a cache each process keeps to itself (name a shared one, redis://…)")
    # These mark an email "sent" (starting N3's deemed-served clock) while nothing is delivered.
    email_backend = globals()["EMAIL_BACKEND"]
    if email_backend.rsplit(".", 2)[-2] in ("console", "locmem", "dummy", "filebased"):
        problems.append(f"EMAIL_URL is missing or names a backend that delivers nothing ({email_backend})")
    def too_wide(pattern: str) -> bool:  # blank, a wildcard, or a whole top-level domain (".com")
        pattern = pattern.strip()
        return not pattern or "*" in pattern or (pattern.startswith(".") and "." not in pattern[1:])

    if "ALLOWED_HOSTS" not in env.ENVIRON or not ALLOWED_HOSTS or any(map(too_wide, ALLOWED_HOSTS)):
        problems.append("ALLOWED_HOSTS is missing or a wildcard: list the host names this site answers to")
    return problems


if not DEBUG and (_problems := _unsafe_for_production()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Refusing to start with DEBUG off: " + "; ".join(_problems)
        + ". Set them in the environment (README \"Configuration\"), or DEBUG=1 for development."
    )

# --- Logs (README "Deploying") --------------------------------------------------------
# One JSON object a line in production, each with the request id; plain lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = logging_config(json=LOG_FORMAT == "json", level=env.str("LOG_LEVEL", default="INFO"))
logging.captureWarnings(True)  # a library's warning is a log line like any other, not loose text
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",  # read from the load balancer, or made here; answered in the response
    "VALIDATE_GUID": True,  # an id that is not a UUID is replaced, so nothing odd reaches the logs
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],  # tasks a request queues carry its id
}
