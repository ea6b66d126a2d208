"""O1, O2, O13, P3–P5, P8: placing an order, the offer, in one transaction."""

import re
from collections import Counter
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum

from catalogue.models import DeliveryOption, Product
from customers.models import Customer
from customers.selectors import customer_assert_can_order, delivery_address_get_for_customer
from mint_shop import clock
from mint_shop.actors import Actor, ActorKind, Channel
from mint_shop.errors import RuleViolation
from mint_shop.money import format_pence
from mint_shop.rows import row_create, rows_create
from orders import errors, events, hooks
from orders.models import HIGH_VALUE_METHODS, Order, OrderLine, PaymentMethod
from orders.selectors import PlacementReading, order_placement_read
from orders.services._common import stock_lock, stock_take, tell_customer
from promotions.services import PricedLine, PromotionRequest, promotions_apply, promotions_redeem

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
WITHDRAWN_STATUSES = (Order.Status.DECLINED, Order.Status.CANCELLED)


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: int
    engraving_text: str = ""
    seen_unit_price_pence: int | None = None  # the price the customer saw; a different one is refused (P7)


@dataclass(frozen=True)
class PaymentRequest:
    """How the customer will pay (M1), and what the method needs; payments read it when the order is placed."""

    method: str = PaymentMethod.CARD
    stripe_payment_method_id: str = ""  # card (M2): Stripe's id for the card, never its number
    number_of_instalments: int | None = None  # instalments (M5)
    other_fields: tuple[str, ...] = ()  # anything else a client sent (raw card fields are refused, M2)

    @classmethod
    def of(cls, payment: "PaymentRequest | dict") -> "PaymentRequest":
        """Read a request's payment part; keys this object has no field for are kept by name only."""
        if isinstance(payment, cls):
            return payment
        known = {name: payment[name] for name in cls.__dataclass_fields__ if name in payment and name != "other_fields"}
        return cls(**known, other_fields=tuple(sorted(set(payment) - set(known))))


@dataclass(frozen=True)
class DeliveryRequest:
    option_code: str
    name: str = ""
    address: str = ""
    postcode: str = ""
    country: str = "GB"
    confirmation_email: str = ""
    address_id: int | None = None  # one of the customer's saved delivery addresses (C8)


def _resolve_address(*, customer: Customer, request: DeliveryRequest) -> DeliveryRequest:
    """Fill the address from the customer's saved one; another customer's is refused (C8)."""
    if request.address_id is None:
        if not (request.name and request.address):
            raise RuleViolation(errors.DELIVERY_ADDRESS_MISSING, "Give a saved address id, or a name and address.")
        return request
    saved = delivery_address_get_for_customer(customer=customer, address_id=request.address_id)
    if saved is None:
        raise RuleViolation(errors.DELIVERY_ADDRESS_NOT_YOURS, "That delivery address is not one of yours.")
    lines = ", ".join(part for part in (saved.line1, saved.line2, saved.town) if part)
    return replace(
        request, name=saved.recipient_name, address=lines, postcode=saved.postcode, country=str(saved.country)
    )


def idempotency_key_check(key: str | None) -> None:
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise RuleViolation(
            errors.IDEMPOTENCY_KEY_MALFORMED, "An Idempotency-Key is 8 to 64 letters, digits, '-' or '_'."
        )


def _channel_for(actor: Actor) -> str:
    """O1: customers order on the web; staff key phone and postal orders for them."""
    if actor.kind == ActorKind.STAFF:
        if actor.channel not in (Channel.PHONE, Channel.POST):
            raise RuleViolation(errors.CHANNEL_INVALID, "Staff key phone or postal orders only.")
        return actor.channel
    return Channel.WEB


def _check_payment_method(payment: PaymentRequest) -> None:
    """M1: one of the mint's ways to pay."""
    if payment.method not in PaymentMethod.values:
        raise RuleViolation(errors.PAYMENT_METHOD_UNKNOWN, f"Unknown payment method {payment.method!r}.")


def _check_terms(terms_version_id: int | None) -> None:
    """P8: an order is made under terms published long enough before it."""
    if terms_version_id is None:
        raise RuleViolation(errors.NO_TERMS_IN_FORCE, "No terms have been published long enough to order under.")


def _check_quantities(lines: list[LineRequest]) -> None:
    if not lines:
        raise RuleViolation(errors.EMPTY_ORDER, "An order needs at least one line.")
    for line in lines:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= settings.MINT_MAX_LINE_QUANTITY:
            raise RuleViolation(
                errors.QUANTITY_INVALID,
                f"A quantity is a whole number from 1 to {settings.MINT_MAX_LINE_QUANTITY}.",
            )


def _check_known(*, wanted: Counter, products) -> None:
    """P3: every product asked for exists."""
    missing = set(wanted) - set(products)
    if missing:
        raise RuleViolation(errors.PRODUCT_UNKNOWN, f"No such product: {sorted(missing)}.")


def _check_on_sale(product) -> None:
    """P3 (T&C 5.1): a product withdrawn from sale is no longer sold."""
    if product.withdrawn_at is not None:
        raise RuleViolation(errors.PRODUCT_WITHDRAWN, f"{product.sku} has been withdrawn from sale.")


def _check_price_seen(request: LineRequest, product) -> None:
    """P7: the customer buys at the price they saw, or is told the new one."""
    if request.seen_unit_price_pence is not None and request.seen_unit_price_pence != product.price_pence:
        raise RuleViolation(
            errors.PRICE_CHANGED,
            f"The price of {product.sku} is now {format_pence(product.price_pence)} "
            f"(you saw {format_pence(request.seen_unit_price_pence)}).",
        )


def _check_stock_early(product, quantity: int) -> None:
    """P3, early and unlocked, so a sold-out launch refuses cheaply; _take_stock decides under the lock."""
    if product.stock < quantity:
        raise RuleViolation(errors.OUT_OF_STOCK, f"Only {product.stock} left of {product.sku}.")


def _check_engraving(request: LineRequest, product) -> None:
    """P6: only a personalisable product takes an engraving."""
    if request.engraving_text and not product.personalisable:
        raise RuleViolation(errors.ENGRAVING_NOT_ALLOWED, f"{product.sku} cannot be personalised.")


def _check_launched(product, today) -> None:
    """P5: before its launch a product is sold only while its pre-sale is open."""
    if (
        product.launch_date
        and product.launch_date > today
        and not (product.presale_opens_on and product.presale_opens_on <= today)
    ):
        raise RuleViolation(errors.NOT_YET_ON_SALE, f"{product.sku} is not on sale before {product.launch_date}.")


def _check_per_order_limit(product, quantity: int) -> None:
    """P4: at most so many of a product in one order."""
    if product.max_per_order is not None and quantity > product.max_per_order:
        raise RuleViolation(errors.LIMIT_PER_ORDER, f"At most {product.max_per_order} of {product.sku} in one order.")


def _check_products(*, requests, wanted: Counter, products, today) -> None:
    """P3–P7 for each product: what holds whoever the customer is, one named check per rule."""
    _check_known(wanted=wanted, products=products)
    for r in requests:
        product = products[r.product_id]
        _check_on_sale(product)
        _check_price_seen(r, product)
        _check_stock_early(product, wanted[r.product_id])
        _check_engraving(r, product)
        _check_launched(product, today)
    for product_id, quantity in wanted.items():
        _check_per_order_limit(products[product_id], quantity)


def _check_customer_limits(*, customer, wanted: Counter, products) -> None:
    """P4: the per-customer limit, against the customer's earlier orders (under the customer's lock)."""
    limited = [pk for pk in wanted if products[pk].max_per_customer is not None]
    if not limited:
        return
    earlier = dict(
        OrderLine.objects.filter(order__customer=customer, product_id__in=limited, withdrawn_at__isnull=True)
        .exclude(order__status__in=WITHDRAWN_STATUSES)
        .values("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    for product_id in limited:
        product = products[product_id]
        if wanted[product_id] + earlier.get(product_id, 0) > product.max_per_customer:
            raise RuleViolation(
                errors.LIMIT_PER_CUSTOMER,
                f"At most {product.max_per_customer} of {product.sku} per customer; "
                f"{earlier.get(product_id, 0)} already ordered.",
            )


def _earlier_order(*, customer, idempotency_key: str | None) -> Order | None:
    if idempotency_key is None:
        return None
    return Order.objects.filter(customer=customer, idempotency_key=idempotency_key).first()


def _answer_retry(earlier: Order, request_fingerprint: str) -> tuple[Order, bool]:
    """O2: a retry with the same Idempotency-Key answers with the first order; another body is refused."""
    if earlier.request_fingerprint != request_fingerprint:
        raise RuleViolation(errors.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for a different order.")
    return earlier, False


def _region(country: str) -> str:
    return DeliveryOption.Region.UK if country == "GB" else DeliveryOption.Region.OVERSEAS


def _delivery(request: DeliveryRequest, reading: PlacementReading | None = None) -> tuple[int, str, int, int]:
    """P2: the chosen option in the address's region (id, region, charge), and its supplement above
    standard; from the placement's reading when it read them, else from the options."""
    region = _region(request.country)
    if reading is not None and reading.delivery_option_id is not None:
        charge = reading.delivery_charge_pence
        return reading.delivery_option_id, region, charge, charge - reading.standard_charge_pence
    options = list(DeliveryOption.objects.filter(region=region, active=True))
    chosen = next((o for o in options if o.code == request.option_code), None)
    if chosen is None:
        if DeliveryOption.objects.filter(code=request.option_code, active=True).exists():
            raise RuleViolation(errors.DELIVERY_REGION_MISMATCH, f"{request.option_code} does not deliver there.")
        raise RuleViolation(errors.DELIVERY_OPTION_UNKNOWN, f"No delivery option {request.option_code!r}.")
    standard = min(o.charge_pence for o in options)
    return chosen.pk, region, chosen.charge_pence, chosen.charge_pence - standard


def _promised_by(product, today):
    """O6/P5, per line: 21 days from the order, or from launch for pre-sale, or the advertised date."""
    if product.advertised_delivery_date:
        return product.advertised_delivery_date
    start = max(today, product.launch_date) if product.launch_date else today
    return clock.days_after(start, settings.MINT_DELIVERY_PROMISE_DAYS)


def _check_high_value(*, customer, total_pence: int, method: str) -> None:
    """O13: over £5,000, or a first order over the lower threshold, pays by transfer or draft."""
    if method in HIGH_VALUE_METHODS:
        return
    if total_pence > settings.MINT_HIGH_VALUE_PENCE:
        limit = settings.MINT_HIGH_VALUE_PENCE
    elif total_pence > settings.MINT_FIRST_ORDER_HIGH_VALUE_PENCE and not (
        Order.objects.filter(customer=customer).exclude(status__in=WITHDRAWN_STATUSES).exists()
    ):
        limit = settings.MINT_FIRST_ORDER_HIGH_VALUE_PENCE
    else:
        return
    raise RuleViolation(
        errors.HIGH_VALUE_METHOD,
        f"Orders over {format_pence(limit)} are paid by bank transfer or banker's draft.",
    )


def _take_stock(wanted: Counter, *, customer: Customer, products) -> None:
    """P3: take the stock of every product in one conditional UPDATE, last in the transaction.

    Done last so the product rows stay locked only until the commit. What the placement read
    before its transaction is decided again here, under the products' locks: a product sold out,
    withdrawn or repriced since (P3, P7), or a customer restricted or recorded as deceased since
    (C3, C7), is refused and the transaction rolls back (the refusal reads the rows again only to
    say why), so no line of a withdrawn product is placed after the withdrawal stopped the open
    ones, and no order is made at a price or by a customer that no longer holds.
    """
    prices = {pk: products[pk].price_pence for pk in wanted}
    if stock_take(dict(wanted), prices=prices, customer_id=customer.pk):
        return
    now = Customer.objects.filter(pk=customer.pk).values("restricted_at", "deceased_at").get()
    customer.restricted_at, customer.deceased_at = now["restricted_at"], now["deceased_at"]
    customer_assert_can_order(customer=customer)
    rows = stock_lock(list(wanted))
    withdrawn = [product_id for product_id in wanted if rows[product_id] is None]
    if withdrawn:
        raise RuleViolation(errors.PRODUCT_WITHDRAWN, f"Product(s) {withdrawn} have been withdrawn from sale.")
    short = next((pk for pk, quantity in sorted(wanted.items()) if rows[pk] < quantity), None)
    if short is not None:
        raise RuleViolation(
            errors.OUT_OF_STOCK, f"Only {rows[short]} left of product {short}; you asked for {wanted[short]}."
        )
    for product in Product.objects.filter(pk__in=list(wanted)).order_by("pk"):
        if product.price_pence != prices[product.pk]:
            raise RuleViolation(
                errors.PRICE_CHANGED,
                f"The price of {product.sku} is now {format_pence(product.price_pence)} "
                f"(this order was made at {format_pence(prices[product.pk])}).",
            )
    raise RuleViolation(errors.OUT_OF_STOCK, "The stock could not be taken; please try again.")


def _acknowledgment_body(order: Order, lines: list[OrderLine], products, discounts: list[str]) -> str:
    rows = [
        f"{line.quantity} x {products[line.product_id].name} at {format_pence(line.unit_price_pence)}" for line in lines
    ]
    notes = [
        f"{products[line.product_id].name}: {products[line.product_id].not_cancellable_reason}"
        for line in lines
        if products[line.product_id].not_cancellable_reason
    ]
    if order.duties_payable_by_customer:
        notes.append("Duties and import taxes in the destination country are payable by you.")
    return "\n".join(
        [
            f"Thank you: we have received your order {order.pk}.",
            "This acknowledgment does not mean your order has been accepted. It is an offer, accepted "
            "line by line when we take payment or despatch the goods.",
            *rows,
            *discounts,
            f"Delivery: {format_pence(order.delivery_pence)}. We aim to deliver by {order.promised_by:%d %B %Y}.",
            *notes,
        ]
    )


def order_place(
    *,
    customer: Customer,
    lines: list[LineRequest],
    delivery: DeliveryRequest,
    payment: PaymentRequest | dict,
    actor: Actor,
    idempotency_key: str | None = None,
    request_fingerprint: str = "",
    promotion: PromotionRequest | None = None,
) -> tuple[Order, bool]:
    """Place an order (an offer, O2) and reserve its stock. Returns the order and whether it is new.

    With an idempotency key, a retry of the same request returns the first order; the same
    key with a different request is refused and nothing is written.
    """
    idempotency_key_check(idempotency_key)
    _check_quantities(lines)
    channel = _channel_for(actor)
    payment = PaymentRequest.of(payment)
    _check_payment_method(payment)
    now = clock.now()
    today = clock.london_date(now)
    wanted = Counter()
    for r in lines:
        wanted[r.product_id] += r.quantity
    # One statement reads all that the checks need, outside any transaction: most attempts at
    # a sold-out launch are refused here, with no transaction and no lock (bench/README.md).
    reading = order_placement_read(
        customer_id=customer.pk,
        product_ids=list(wanted),
        idempotency_key=idempotency_key,
        placed_at=now,
        delivery=None if delivery.address_id is not None else (_region(delivery.country), delivery.option_code),
    )
    if reading.earlier_order_id is not None:
        return _answer_retry(Order.objects.get(pk=reading.earlier_order_id), request_fingerprint)
    customer.restricted_at, customer.deceased_at = reading.restricted_at, reading.deceased_at  # as it is now
    customer_assert_can_order(customer=customer)
    products = reading.products
    _check_products(requests=lines, wanted=wanted, products=products, today=today)
    delivery = _resolve_address(customer=customer, request=delivery)
    option_id, region, charge, supplement = _delivery(delivery, reading)
    _check_terms(reading.terms_version_id)

    try:
        with transaction.atomic(durable=True):
            if any(products[pk].max_per_customer is not None for pk in wanted) or (
                promotion is not None and promotion.referral.strip()
            ):
                # Serialises one customer's placements of limited products (the per-customer limit stays
                # exact) and their referral claims (X3: a friend takes up one invitation; a second order
                # sent at once is refused with the reason, not failed on the unique friend). First, so
                # every placement takes its locks in one order: customer, promo code, reward, products.
                Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk").get()
                _check_customer_limits(customer=customer, wanted=wanted, products=products)
            goods = [r.quantity * products[r.product_id].price_pence for r in lines]
            # X1–X3: a promo code and a referral reward, checked under their locks (none asked for:
            # no statement); every line carries its share (X2).
            promotions = promotions_apply(
                customer=customer,
                request=promotion,
                channel=channel,
                lines=[
                    PricedLine(r.product_id, products[r.product_id].range_id, g)
                    for r, g in zip(lines, goods, strict=True)
                ],
                delivery_pence=charge,
                standard_delivery_pence=charge - supplement,
            )
            discounts = promotions.line_discounts
            delivery_pence = charge - promotions.delivery_discount_pence
            total = sum(goods) - sum(discounts) + delivery_pence
            _check_high_value(customer=customer, total_pence=total, method=payment.method)
            # One INSERT each for the order, its lines and their history rows, built once (issue 15).
            order = row_create(
                Order(
                    customer=customer,
                    channel=channel,
                    keyed_by=actor.user if actor.kind == ActorKind.STAFF else None,
                    payment_method=payment.method,
                    terms_version_id=reading.terms_version_id,
                    delivery_option_id=option_id,
                    delivery_pence=delivery_pence,
                    delivery_supplement_pence=supplement,
                    duties_payable_by_customer=region == DeliveryOption.Region.OVERSEAS,
                    delivery_name=delivery.name,
                    delivery_address=delivery.address,
                    delivery_postcode=delivery.postcode,
                    delivery_country=delivery.country,
                    confirmation_email=delivery.confirmation_email,
                    promised_by=max(_promised_by(products[r.product_id], today) for r in lines),
                    idempotency_key=idempotency_key or "",
                    request_fingerprint=request_fingerprint,
                )
            )
            order_lines = rows_create(
                [
                    OrderLine(
                        order=order,
                        product_id=r.product_id,
                        quantity=r.quantity,
                        unit_price_pence=products[r.product_id].price_pence,
                        discount_pence=discount,
                        engraving_text=r.engraving_text,
                        promised_by=_promised_by(products[r.product_id], today),
                    )
                    for r, discount in zip(lines, discounts, strict=True)
                ]
            )
            redemptions = promotions_redeem(
                promotions=promotions, order_id=order.pk, line_ids=[line.pk for line in order_lines], actor=actor
            )
            events.order_placed(order=order, actor=actor)
            tell_customer(
                order=order,
                kind="acknowledgment",
                subject=f"We have received your order {order.pk}",
                body=_acknowledgment_body(order, order_lines, products, promotions.acknowledgment_lines()),
                dedupe_key=f"order:{order.pk}:acknowledgment",
                new=True,
            )
            hooks.notify(hooks.ORDER_PLACED, order=order, payment=payment, lines=order_lines, redemptions=redemptions)
            _take_stock(wanted, customer=customer, products=products)
    except IntegrityError:
        # The same Idempotency-Key placed by a concurrent request first (the database's unique
        # constraint decided): answer with that order. Anything else is a fault.
        earlier = _earlier_order(customer=customer, idempotency_key=idempotency_key)
        if earlier is None:
            raise
        return _answer_retry(earlier, request_fingerprint)
    order.placed_lines = order_lines  # the lines just written, so the answer need not read them again
    return order, True
