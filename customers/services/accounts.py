"""The account: registration (C1, C2), contact details (C8), restriction (C3), death (C7)."""

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from customers import errors
from customers.audit import stamp
from customers.models import Customer, DeliveryAddress, Representative, Restriction, User
from customers.selectors import customer_list_likely_duplicates, normalise_email, normalise_postcode
from mint_shop import clock
from mint_shop.actors import Actor, ActorKind
from mint_shop.errors import RuleViolation

# What a customer (or their representative) may change on their own record; the birth date
# is fixed at registration because eligibility was judged on it (C1).
DETAIL_FIELDS = frozenset(
    {
        "first_name", "last_name", "email", "phone", "mobile_phone", "address_line1", "address_line2",
        "town", "postcode", "country", "preferred_contact",
    }
)
ADDRESS_FIELDS = frozenset({"label", "recipient_name", "line1", "line2", "town", "postcode", "country"})


# Nobody living was born earlier: an earlier date is a slip of the keyboard, not a customer.
EARLIEST_DATE_OF_BIRTH = dt.date(1900, 1, 1)


def _assert_eligible(*, date_of_birth: dt.date, capacity_declared: bool, checks_agreed: bool) -> None:
    """C1: 18 or over today (London), legal capacity declared, checks agreed (T&C 2(1)–(3))."""
    today = clock.today()
    if date_of_birth > today:
        raise RuleViolation(errors.DATE_OF_BIRTH_IN_FUTURE, "The date of birth is in the future.")
    if date_of_birth < EARLIEST_DATE_OF_BIRTH:
        raise RuleViolation(errors.DATE_OF_BIRTH_TOO_EARLY, "A date of birth before 1900 is a typing error.")
    minimum = settings.MINT_MINIMUM_AGE_YEARS
    if clock.age_on(date_of_birth, today) < minimum:
        raise RuleViolation(errors.UNDER_AGE, f"A customer account needs the holder to be {minimum} or over.")
    if not capacity_declared:
        raise RuleViolation(
            errors.CAPACITY_NOT_DECLARED, "The customer must declare they can enter into a binding contract."
        )
    if not checks_agreed:
        raise RuleViolation(
            errors.CHECKS_NOT_AGREED, "The customer must agree to credit, identity and residency checks."
        )


def _serialise_registrations() -> None:
    """Two registrations for one person at once must not both pass the duplicate check (C2)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('customers.register'))")


def _assert_not_duplicate(*, actor: Actor, exclude_id: int | None = None, **person) -> None:
    """C2: refuse a second account for the same person; staff are shown which account it is."""
    duplicates = list(customer_list_likely_duplicates(exclude_id=exclude_id, **person)[:3])
    logins = User.objects.filter(username=normalise_email(person["email"]))
    if exclude_id is not None:
        logins = logins.exclude(customer__pk=exclude_id)
    login_taken = logins.exists()
    if not duplicates and not login_taken:
        return
    if actor.kind == ActorKind.STAFF and duplicates:
        named = ", ".join(f"customer {c.pk} ({c.full_name}, {c.email}, {c.postcode})" for c in duplicates)
        raise RuleViolation(errors.DUPLICATE_ACCOUNT, f"This person seems to have an account already: {named}.")
    raise RuleViolation(
        errors.DUPLICATE_ACCOUNT,
        "An account already exists for this person: please log in, or contact customer care.",
    )


def customer_register(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    email: str,
    date_of_birth: dt.date,
    capacity_declared: bool,
    checks_agreed: bool,
    password: str | None = None,
    **details,
) -> Customer:
    """Open an account online (with a login) or keyed by staff from a call or a letter (C1, C2, C8).

    Staff registrations record the channel and who keyed them; online ones create the login.
    """
    unknown = set(details) - DETAIL_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    _assert_eligible(date_of_birth=date_of_birth, capacity_declared=capacity_declared, checks_agreed=checks_agreed)
    email = normalise_email(email)
    details["postcode"] = normalise_postcode(details.get("postcode", ""))
    keyed = actor.kind == ActorKind.STAFF
    with transaction.atomic(durable=True):
        _serialise_registrations()
        _assert_not_duplicate(
            actor=actor, email=email, first_name=first_name, last_name=last_name,
            date_of_birth=date_of_birth, postcode=details["postcode"],
        )
        user = None
        if not keyed:
            user = User(username=email, email=email, first_name=first_name, last_name=last_name)
            user.set_password(password)
            stamp(user, Actor(kind=actor.kind, channel=actor.channel, user=user)).save()
        now = clock.now()
        customer = Customer(
            user=user,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email,
            date_of_birth=date_of_birth,
            registered_via=actor.channel,
            keyed_by=actor.user if keyed else None,
            capacity_declared_at=now,
            checks_agreed_at=now,
            **details,
        )
        stamp(customer, Actor(kind=actor.kind, channel=actor.channel, user=actor.user or user))
        customer.save()
    return customer


@dataclass(frozen=True)
class OnlineRegistration:
    """An online registration's outcome (C2). Which of the two it was is never told to the caller."""

    customer: Customer | None  # the new account
    existing_email: str = ""  # or the address of the account this person already has


def customer_register_online(*, actor: Actor, password: str, **fields) -> OnlineRegistration:
    """C1, C2 online: a second account is never opened, and the anonymous caller cannot tell that one
    exists (the view answers both alike); the existing account's holder is emailed instead."""
    try:
        return OnlineRegistration(customer=customer_register(actor=actor, password=password, **fields))
    except RuleViolation as refusal:
        if refusal.rule != errors.DUPLICATE_ACCOUNT:
            raise
    # A new login's password hash is most of a registration's time: made here too, and thrown
    # away, so the time taken does not tell a known person from a new one (issue 14).
    make_password(password)
    email = normalise_email(fields["email"])
    if User.objects.filter(username=email).exists():
        return OnlineRegistration(customer=None, existing_email=email)
    person = {name: fields.get(name, "") for name in ("first_name", "last_name", "date_of_birth", "postcode")}
    existing = customer_list_likely_duplicates(email=email, **person).first()
    return OnlineRegistration(customer=None, existing_email=existing.email)


def customer_update_details(*, customer_id: int, actor: Actor, changes: dict) -> Customer:
    """C8: change contact details; a new email, name or postcode must not collide with another account (C2)."""
    with transaction.atomic(durable=True):
        return customer_details_change_locked(customer_id=customer_id, actor=actor, changes=changes)


def customer_details_change_locked(*, customer_id: int, actor: Actor, changes: dict) -> Customer:
    """C8 inside the caller's transaction (a D6 rectification answered with its request): the same checks."""
    unknown = set(changes) - DETAIL_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    _serialise_registrations()
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
    if "postcode" in changes:
        changes["postcode"] = normalise_postcode(changes["postcode"])
    for field, value in changes.items():
        setattr(customer, field, value)
    _assert_not_duplicate(
        actor=actor, exclude_id=customer.pk, email=customer.email, first_name=customer.first_name,
        last_name=customer.last_name, date_of_birth=customer.date_of_birth, postcode=customer.postcode,
    )
    stamp(customer, actor).save()
    if customer.user_id and "email" in changes:
        # The login name is the email: it follows the new address.
        user = User.objects.select_for_update().get(pk=customer.user_id)
        if user.email != customer.email:
            # allauth's record of the old address would still sign in and count as confirmed:
            # it is made again from the new one, unconfirmed, when next needed.
            EmailAddress.objects.filter(user=user).delete()
        user.username = user.email = customer.email
        stamp(user, actor).save(update_fields=["username", "email"])
    return customer


def delivery_address_add(*, customer_id: int, actor: Actor, **fields) -> DeliveryAddress:
    with transaction.atomic(durable=True):
        address = DeliveryAddress(customer_id=customer_id, **_address_fields(fields))
        stamp(address, actor).save()
    return address


def delivery_address_update(*, customer_id: int, address_id: int, actor: Actor, changes: dict) -> DeliveryAddress:
    with transaction.atomic(durable=True):
        address = DeliveryAddress.objects.select_for_update().get(pk=address_id, customer_id=customer_id)
        for field, value in _address_fields(changes).items():
            setattr(address, field, value)
        stamp(address, actor).save()
    return address


def delivery_address_remove(*, customer_id: int, address_id: int, actor: Actor) -> None:
    with transaction.atomic(durable=True):
        address = DeliveryAddress.objects.select_for_update().get(pk=address_id, customer_id=customer_id)
        stamp(address, actor).delete()


def _address_fields(fields: dict) -> dict:
    unknown = set(fields) - ADDRESS_FIELDS
    if unknown:
        raise TypeError(f"unknown address fields: {sorted(unknown)}")
    if "postcode" in fields:
        fields = fields | {"postcode": normalise_postcode(fields["postcode"])}
    return fields


def customer_restrict(*, customer_id: int, reason: str, actor: Actor) -> Customer:
    """C3: the mint refuses to supply this customer; orders are refused until it is lifted."""
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if customer.restricted_at is not None:
            raise RuleViolation(errors.ALREADY_RESTRICTED, "This customer is already restricted.")
        now = clock.now()
        stamp(Restriction(customer=customer, reason=reason, restricted_at=now, restricted_by=actor.user), actor).save()
        customer.restricted_at = now
        customer.restriction_reason = reason
        stamp(customer, actor).save(update_fields=["restricted_at", "restriction_reason"])
    return customer


def customer_restriction_lift(*, customer_id: int, reason: str, actor: Actor) -> Customer:
    """C3: lift the restriction; who lifted it, when and why is kept."""
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        restriction = Restriction.objects.select_for_update().filter(customer=customer, lifted_at__isnull=True).first()
        if restriction is None:
            raise RuleViolation(errors.NOT_RESTRICTED, "This customer is not restricted.")
        restriction.lifted_at = clock.now()
        restriction.lifted_by = actor.user
        restriction.lift_reason = reason
        stamp(restriction, actor).save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        customer.restricted_at = None
        customer.restriction_reason = ""
        stamp(customer, actor).save(update_fields=["restricted_at", "restriction_reason"])
    return customer


def mark_deceased_locked(*, customer: Customer, actor: Actor, died_on: dt.date | None) -> None:
    """C7, inside the caller's transaction with the customer row locked.

    Marketing stops at once (consents refuse every channel for a deceased customer), open
    orders wait for staff review, and any authority other than a personal representative's
    ends with the death.
    """
    customer.deceased_at = clock.start_of_london_day(died_on) if died_on else clock.now()
    customer.open_orders_review_required = True
    stamp(customer, actor).save(update_fields=["deceased_at", "open_orders_review_required"])
    ended = Representative.objects.select_for_update().filter(
        customer=customer,
        status__in=[Representative.Status.PENDING, Representative.Status.VERIFIED],
    ).exclude(kind=Representative.Kind.PERSONAL_REPRESENTATIVE).order_by("pk")
    now = clock.now()
    for representative in ended:
        representative.status = Representative.Status.REVOKED
        representative.ended_at = now
        representative.end_reason = "The customer has died."
        stamp(representative, actor).save(update_fields=["status", "ended_at", "end_reason"])


def customer_mark_deceased(*, customer_id: int, actor: Actor, died_on: dt.date | None = None) -> Customer:
    """C7: record a customer's death."""
    if died_on is not None and died_on > clock.today():
        raise RuleViolation(errors.DATE_OF_DEATH_IN_FUTURE, "The date of death is in the future.")
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if customer.deceased_at is not None:
            raise RuleViolation(errors.ALREADY_DECEASED, "This customer's death is already recorded.")
        if died_on is not None and died_on < customer.date_of_birth:
            raise RuleViolation(errors.DATE_OF_DEATH_BEFORE_BIRTH, "The date of death is before the date of birth.")
        mark_deceased_locked(customer=customer, actor=actor, died_on=died_on)
    return customer


def customer_open_orders_review_complete(*, customer_id: int, actor: Actor) -> Customer:
    """C7: orders call this once staff have reviewed a deceased customer's open orders."""
    with transaction.atomic(durable=True):
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        customer.open_orders_review_required = False
        stamp(customer, actor).save(update_fields=["open_orders_review_required"])
    return customer
