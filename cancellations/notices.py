"""R2 and N3: a cancellation notice's dates: sent, received, and deemed served.

A notice is in time if it was sent within the period (the 2013 regulations' model cancellation
instructions), so the period is judged by the date sent; the terms' deadlines that run from the
notice (T&C 10.1(a)) run from when it is deemed served (T&C 16), which is never earlier than sent.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from cancellations import errors
from mint_shop import clock
from mint_shop.actors import Channel
from mint_shop.errors import RuleViolation

NOTICE_CHANNELS = (Channel.WEB, Channel.EMAIL, Channel.POST, Channel.PHONE)


@dataclass(frozen=True)
class Notice:
    channel: str
    sent_on: dt.date
    received_on: dt.date
    deemed_on: dt.date
    sent_at: dt.datetime | None = None

    def as_fields(self) -> dict:
        return {
            "notice_channel": self.channel,
            "notice_sent_on": self.sent_on,
            "notice_sent_at": self.sent_at,
            "notice_received_on": self.received_on,
            "notice_deemed_on": self.deemed_on,
        }


def instant_notice(channel: str) -> Notice:
    """Online (or by us, C5): sent, received and served at once, today."""
    today = clock.today()
    return Notice(channel=channel, sent_on=today, received_on=today, deemed_on=today)


def notice_from(
    *,
    channel: str,
    received_on: dt.date | None = None,
    sent_on: dt.date | None = None,
    sent_at: dt.datetime | None = None,
) -> Notice:
    """The notice as staff record it: a letter with its postmark, an email with its time of sending."""
    if channel not in NOTICE_CHANNELS:
        raise RuleViolation(errors.NOTICE_DATE_INVALID, "A notice is online, by email or letter.")
    if channel == Channel.WEB:
        return instant_notice(channel)
    today = clock.today()
    received_on = received_on or today
    if channel == Channel.EMAIL:
        _require(sent_at is not None, "An email notice needs the time it was sent.")
        sent_on = clock.london_date(sent_at)
    elif channel == Channel.POST:
        _require(sent_on is not None, "A letter needs the date of its postmark.")
    else:
        sent_on = sent_on or received_on  # a call is heard when it is made
    # Checked before the deemed day is counted, which could not be for a date at the calendar's end.
    _require(sent_on <= received_on <= today, "A notice is sent no later than it arrives, and arrives by today.")
    if channel == Channel.EMAIL:
        deemed = clock.london_date(sent_at + dt.timedelta(hours=settings.MINT_EMAIL_DEEMED_SERVED_HOURS))
    elif channel == Channel.POST:
        deemed = clock.days_after(sent_on, settings.MINT_LETTER_DEEMED_SERVED_DAYS)
    else:
        deemed = received_on
    return Notice(channel=channel, sent_on=sent_on, received_on=received_on, deemed_on=deemed, sent_at=sent_at)


def _require(condition: bool, detail: str) -> None:
    if not condition:
        raise RuleViolation(errors.NOTICE_DATE_INVALID, detail)
