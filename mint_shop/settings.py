"""Settings for the mint's back office.

Every value comes from the environment (django-environ). When a variable is unset the
embedded default applies, so `make run` works on a bare machine: a SQLite file, Celery on
kombu's filesystem transport, and the Stripe SDK pointed at a local `localstripe` process.
Set DATABASE_URL, REDIS_URL and STRIPE_SECRET_KEY and the same code runs on PostgreSQL,
Redis and Stripe itself.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MINT_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# The embedded defaults keep their files (SQLite, broker folders, media) in one ignored folder.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
# The development key is obviously fake; production refuses to start without a real one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "simple_history",
    "phonenumber_field",
    "django_countries",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
    # The web server, worker and beat share one file: wait for a lock rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mint_shop.api.exceptions.rule_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mint back office API",
    "DESCRIPTION": "Orders, payments, refunds, promotions and personal data for the mint.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Background work --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    # kombu's filesystem transport: a broker that is only a folder, so nothing needs installing.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it for another; tasks are idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Card payments ----------------------------------------------------------------------
# Unset key: the demo/test key and a localstripe process on this machine.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="sk_test_localstripe")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_localstripe")
STRIPE_API_BASE = env.str(
    "STRIPE_API_BASE",
    default="http://127.0.0.1:8420" if STRIPE_SECRET_KEY == "sk_test_localstripe" else "",
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
# D2: the inbound-SMS provider signs each webhook body with this shared secret (HMAC-SHA256).
MINT_SMS_WEBHOOK_SECRET = env.str("MINT_SMS_WEBHOOK_SECRET", default="dev-only-sms-webhook-secret")
# Names for the customers' and consents' choice sets in the OpenAPI schema (several share field names).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
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
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "stripe": {"level": "WARNING"},  # the SDK logs every request at INFO
        # A 4xx is a rule refusing bad input, answered as {"code","rule","detail"}; only 5xx are faults.
        "django.request": {"level": "ERROR"},
    },
}
