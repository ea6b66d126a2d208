"""Logs as one JSON object a line, each carrying the request id (issue 14, "Running it for real").

django-guid reads the request id from `X-Request-ID` (or makes one), answers it in the response header
and hands it to the Celery tasks the request queues; its log filter puts it on every record as
`request_id`. python-json-logger writes each record as one JSON object. gunicorn's access log
(`gunicorn.conf.py`) goes through the same formatter, its fields taken from gunicorn's own atoms.

Nothing here imports Django, so gunicorn's master can load it before the application.
"""

from pythonjsonlogger.json import JsonFormatter

# The record's fields every line has; anything a filter or `extra=` adds follows (request_id), and the
# time last, in ISO 8601 and UTC.
JSON_FIELDS = ["levelname", "name", "message"]
RENAMED = {"levelname": "level", "name": "logger"}


class MintJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, which also spells out a gunicorn access line as fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs.setdefault("timestamp", "time")
        super().__init__(JSON_FIELDS, *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        atoms = record.args
        if record.name == "gunicorn.access" and isinstance(atoms, dict):
            # gunicorn logs an access line with its atoms as the arguments (gunicorn.glogging).
            log_data.update(
                method=atoms["m"],
                path=atoms["U"],
                status=int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
                duration_ms=int(atoms["M"]),
                remote=atoms["h"],
                request_id=atoms["{x-request-id}o"],
            )


def logging_config(*, json: bool, level: str) -> dict:
    """Django's LOGGING (also applied by Celery's worker and beat, mint_shop/celery.py)."""
    formatter = (
        {"()": "mint_shop.logs.MintJsonFormatter"}
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"}
        },
        "formatters": {"mint": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "mint", "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "stripe": {"level": "WARNING"},  # the SDK logs every request at INFO
            "axes": {"level": "WARNING"},  # every sign-in at INFO; lockouts are warnings
            # A 4xx is a rule refusing bad input, answered as {"code","rule","detail"}; only 5xx are faults.
            "django.request": {"level": "ERROR"},
            # django-guid logs a line per request and per task saying it set the id (INFO), and a refused
            # X-Request-ID in full (WARNING): up to 8 KB of a caller's text a request. The id is replaced
            # either way, so neither is worth a line.
            "django_guid": {"level": "ERROR"},
            # billiard (Celery's pool) logs here with propagation off: without a handler, bare text on stderr.
            "multiprocessing": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }


def gunicorn_logging_config() -> dict:
    """gunicorn's own loggers (its start, stop and access lines) as JSON, for `logconfig_dict`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "mint_shop.logs.MintJsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            name: {"level": "INFO", "handlers": ["stderr"], "propagate": False, "qualname": name}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }
