"""Staff screens: keying phone and postal orders, and the actions of each role (they call services)."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import DeliveryOption, Product
from customers.admin import CUSTOMER_PAGE_INLINES
from customers.models import Customer
from mint_shop import clock
from mint_shop.actors import Actor, Channel
from mint_shop.admin_forms import NoDeadLinksAdmin, ReadOnlyAdminMixin
from mint_shop.errors import RuleViolation
from orders import key_order, selectors, services
from orders.models import NonReceiptReport, Order, OrderEvent, OrderLine, PaymentMethod, SentInError, Shipment
from promotions.services import PromotionRequest

# Staff jobs on an order that apps above orders add to the order's page: (label, url name, permission);
# the page links each with `?order=<id>`, and only for a role that holds the permission.
ORDER_PAGE_JOBS: list[tuple[str, str, str]] = []

# Kept by the services for retries; no use to staff, so never shown.
INTERNAL_FIELDS = {"idempotency_key", "request_fingerprint"}


# What the key-an-order page needs for Stripe's card field (script URL, publishable key, and the URL that
# makes a SetupIntent); payments fills it in at start-up, as orders cannot import payments.
KEY_ORDER_CARD_FIELD: dict[str, object] = {}


class KeyOrderForm(forms.Form):
    """O1: what the clerk keys. The page's script fills the hidden fields: the customer found by the
    search box, the lines from the product picker, the card's pm_… id from Stripe's own field."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), widget=forms.HiddenInput,
                                      error_messages={"required": "Find the customer first."})
    channel = forms.ChoiceField(choices=[(Channel.PHONE, "Phone"), (Channel.POST, "Post")])
    lines = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "Add at least one product."})
    address_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    delivery_name = forms.CharField(required=False, max_length=200)
    delivery_address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    delivery_postcode = forms.CharField(required=False, max_length=16)
    delivery_country = forms.CharField(initial="GB", max_length=2)
    delivery_option = forms.ChoiceField(choices=())
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices)
    stripe_payment_method_id = forms.CharField(required=False, widget=forms.HiddenInput)
    number_of_instalments = forms.IntegerField(
        required=False, help_text="Instalments: how many monthly payments (M5); the plan waits for finance's decision"
    )
    promo_code = forms.CharField(required=False, max_length=40)
    referral = forms.CharField(required=False, max_length=40, help_text="Referral reward code or friend's invitation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_option"].choices = [
            (option.code, option.name) for option in DeliveryOption.objects.filter(active=True).order_by("pk")
        ]

    def clean_lines(self) -> list[services.LineRequest]:
        requests = []
        for row in filter(None, (r.strip() for r in self.cleaned_data["lines"].splitlines())):
            item, _, engraving = row.partition("|")
            try:
                sku, quantity = item.split()
                product = Product.objects.get(sku=sku)
                requests.append(services.LineRequest(product.pk, int(quantity), engraving.strip()))
            except (ValueError, Product.DoesNotExist) as exc:
                raise forms.ValidationError(f"Cannot read {row!r}: give a known SKU and a whole quantity.") from exc
        return requests


class OrderActionForm(ActionForm):
    reason = forms.CharField(required=False, help_text="Decline: the reason")
    carrier = forms.CharField(required=False)
    tracking_number = forms.CharField(required=False)


class ReadOnlyInline(admin.TabularInline):
    """What happened, shown on the order; only the services change it."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "product", "quantity", "unit_price_pence", "discount_pence", "engraving_text", "allocated_at",
        "accepted_at", "accepted_via", "paid_at", "funds_cleared_at", "title_passed_at", "shipment", "withdrawn_at",
        "withdrawn_because",
        "proposed_unit_price_pence", "price_answer",
    ]


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["carrier", "tracking_number", "despatched_at", "advised_delivery_date", "delivered_at",
              "delivery_evidence"]


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "kind", "actor", "data"]


def _run(modeladmin, request, queryset, call) -> None:
    """Apply a service to each chosen order; a refusal is reported, the others still go ahead."""
    done = 0
    for order in queryset.order_by("pk"):
        try:
            call(order)
            done += 1
        except RuleViolation as exc:
            modeladmin.message_user(request, f"Order {order.pk}: {exc.detail} ({exc.rule.rule})", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} order(s) done.", messages.SUCCESS)


class AwaitingReviewFilter(admin.SimpleListFilter):
    """C7: the open orders of customers who have died, which wait for customer service's review."""

    title = "deceased customer's review (C7)"
    parameter_name = "awaiting_review"

    def lookups(self, request, model_admin):
        return [("yes", "Awaiting review")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.order_list_awaiting_review().values("pk"))
        return queryset


class ProductWithdrawnFilter(admin.SimpleListFilter):
    """P3: orders with lines stopped because their product was withdrawn from sale."""

    title = "product withdrawn from sale (P3)"
    parameter_name = "product_withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", "Lines stopped by a withdrawal")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.order_lines_stopped_by_withdrawal().values("order_id"))
        return queryset


@admin.register(Order)
class OrderAdmin(NoDeadLinksAdmin, SimpleHistoryAdmin):
    list_display = ["id", "customer", "channel", "stage", "payment_method", "placed_at", "promised_by"]
    list_filter = ["status", "channel", "payment_method", AwaitingReviewFilter, ProductWithdrawnFilter]
    search_fields = ["id"]  # the box; get_search_results does the searching
    search_help_text = "Order number, tracking number, or the customer's name, phone or postcode"
    list_select_related = ["customer"]
    inlines = [OrderLineInline, ShipmentInline, OrderEventInline]
    exclude = sorted(INTERNAL_FIELDS)
    action_form = OrderActionForm
    actions = ["decline", "allocate", "despatch", "put_new_prices", "complete_review"]

    def get_readonly_fields(self, request, obj=None):
        return ["stage", *(field.name for field in Order._meta.fields if field.name not in INTERNAL_FIELDS)]

    def get_queryset(self, request):
        return selectors.order_list_with_stage(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        return selectors.order_filter_by_search(queryset, search_term), False

    @admin.display(description="where it is")
    def stage(self, order):
        return selectors.order_stage(order)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tools = [
            (label, f"{reverse(url_name)}?order={object_id}")
            for label, url_name, permission in ORDER_PAGE_JOBS
            if request.user.has_perm(permission)
        ]
        return super().change_view(request, object_id, form_url, {"page_tools": tools, **(extra_context or {})})

    def has_change_permission(self, request, obj=None):
        return False  # orders change only through the services behind the actions

    def has_delete_permission(self, request, obj=None):
        return False

    def _has(self, request, codename: str) -> bool:
        return request.user.has_perm(f"orders.{codename}")

    def has_decline_permission(self, request):
        return self._has(request, "decline_order")

    def has_allocate_permission(self, request):
        return self._has(request, "allocate_order")

    def has_despatch_permission(self, request):
        return self._has(request, "despatch_order")

    def has_price_permission(self, request):
        return self._has(request, "apply_price_change")

    @admin.action(description="Decline the offer (O4), with the reason given", permissions=["decline"])
    def decline(self, request, queryset):
        reason = request.POST.get("reason", "")
        _run(self, request, queryset,
             lambda o: services.order_decline(order_id=o.pk, reason=reason, actor=Actor.staff(request.user)))

    @admin.action(description="Allocate stock to every open line (O5)", permissions=["allocate"])
    def allocate(self, request, queryset):
        _run(self, request, queryset,
             lambda o: services.order_lines_allocate(order_id=o.pk, actor=Actor.staff(request.user)))

    @admin.action(description="Despatch every allocated line (O8), with carrier and tracking", permissions=["despatch"])
    def despatch(self, request, queryset):
        def go(order):
            line_ids = list(order.lines.filter(withdrawn_at__isnull=True, shipment__isnull=True,
                                               allocated_at__isnull=False).values_list("pk", flat=True))
            services.order_despatch(
                order_id=order.pk,
                line_ids=line_ids,
                carrier=request.POST.get("carrier", ""),
                tracking_number=request.POST.get("tracking_number", ""),
                actor=Actor.staff(request.user),
            )

        _run(self, request, queryset, go)

    @admin.action(description="Put today's prices to the customer (P7)", permissions=["price"])
    def put_new_prices(self, request, queryset):
        _run(self, request, queryset,
             lambda o: services.order_price_change_propose(order_id=o.pk, actor=Actor.staff(request.user)))

    @admin.action(description="Open orders of the deceased customer reviewed (C7)", permissions=["decline"])
    def complete_review(self, request, queryset):
        customer_ids = sorted(set(queryset.values_list("customer_id", flat=True)))
        for customer_id in customer_ids:
            try:
                services.customer_orders_review_complete(customer_id=customer_id, actor=Actor.staff(request.user))
            except RuleViolation as exc:
                self.message_user(request, f"Customer {customer_id}: {exc.detail} ({exc.rule.rule})", messages.ERROR)
            else:
                self.message_user(request, f"Customer {customer_id}: open orders reviewed.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("key/", view(self.key_order_view), name="orders_order_key"),
            path("key/customers/", view(self.key_customers_view), name="orders_order_key_customers"),
            path("key/products/", view(self.key_products_view), name="orders_order_key_products"),
            *super().get_urls(),
        ]

    def key_customers_view(self, request):
        """The key page's customer search: name, phone or postcode (with or without the space)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return JsonResponse({"customers": key_order.customers_found(request.GET.get("q", ""))})

    def key_products_view(self, request):
        """The key page's product search: name or SKU, with price and stock."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return JsonResponse({"products": key_order.products_found(request.GET.get("q", ""))})

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:orders_order_key"))

    def key_order_view(self, request):
        """O1: customer service keys a phone or postal order; it goes through the same service as the web."""
        if not self.has_add_permission(request):
            return redirect(reverse("admin:index"))
        form = KeyOrderForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                order, _ = services.order_place(
                    customer=data["customer"],
                    lines=data["lines"],
                    delivery=services.DeliveryRequest(
                        option_code=data["delivery_option"],
                        name=data["delivery_name"],
                        address=data["delivery_address"],
                        postcode=data["delivery_postcode"],
                        country=data["delivery_country"].upper(),
                        address_id=data["address_id"],
                    ),
                    payment=services.PaymentRequest(
                        method=data["payment_method"],
                        stripe_payment_method_id=data["stripe_payment_method_id"],
                        number_of_instalments=data["number_of_instalments"],
                    ),
                    actor=Actor.staff(request.user, channel=data["channel"]),
                    promotion=PromotionRequest(code=data["promo_code"], referral=data["referral"]),
                )
            except RuleViolation as exc:
                form.add_error(None, f"{exc.detail} ({exc.rule.rule})")
            else:
                self.message_user(request, f"Order {order.pk} placed.", messages.SUCCESS)
                return redirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Key an order",
            "opts": self.opts,
            "delivery_options": key_order.delivery_options(),
            "card_field": {key: value() if callable(value) else value for key, value in KEY_ORDER_CARD_FIELD.items()},
            "customer": key_order.customer_found(form["customer"].value()),
        }
        return TemplateResponse(request, "admin/orders/order/key_order.html", context)


class ShipmentActionForm(ActionForm):
    evidence = forms.ChoiceField(choices=[("", "---"), *Shipment.Evidence.choices], required=False)
    reference = forms.CharField(required=False, help_text="Signatory, GPS fix or photo reference")
    delivered_on = forms.DateField(required=False, help_text="Delivered on (YYYY-MM-DD; empty: now)")


def delivered_at(day: dt.date | None) -> dt.datetime | None:
    """A delivery the courier reports for an earlier day counts from midday London time that day."""
    if day is None or day == clock.today():
        return None
    return clock.start_of_london_day(day) + dt.timedelta(hours=12)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["id", "order", "carrier", "tracking_number", "despatched_at", "delivered_at", "delivery_evidence"]
    list_filter = ["carrier", "delivery_evidence"]
    search_fields = ["tracking_number", "order__id"]
    action_form = ShipmentActionForm
    actions = ["record_delivery"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Shipment._meta.fields]

    def has_deliver_permission(self, request):
        return request.user.has_perm("orders.record_delivery")

    @admin.action(description="Record delivery (O9) with the evidence and date given", permissions=["deliver"])
    def record_delivery(self, request, queryset):
        form = ShipmentActionForm(request.POST)
        form.is_valid()
        day = form.cleaned_data.get("delivered_on")
        if "delivered_on" in form.errors or (day and day > clock.today()):
            self.message_user(request, "Give the delivery date as YYYY-MM-DD, no later than today.", messages.ERROR)
            return
        for shipment in queryset.order_by("pk"):
            try:
                services.shipment_record_delivery(
                    shipment_id=shipment.pk,
                    evidence=request.POST.get("evidence", ""),
                    reference=request.POST.get("reference", ""),
                    delivered_at=delivered_at(day),
                    actor=Actor.staff(request.user),
                )
            except RuleViolation as exc:
                self.message_user(request, f"Shipment {shipment.pk}: {exc.detail} ({exc.rule.rule})", messages.ERROR)
            else:
                self.message_user(request, f"Shipment {shipment.pk}: delivery recorded.", messages.SUCCESS)


@admin.register(NonReceiptReport)
class NonReceiptReportAdmin(admin.ModelAdmin):
    list_display = ["shipment", "order", "reported_at", "report_by", "late"]
    list_filter = ["late"]


@admin.register(SentInError)
class SentInErrorAdmin(admin.ModelAdmin):
    list_display = ["shipment", "remedy", "return_cost_pence", "collection_date", "return_requested_at"]


class CustomerOrderInline(admin.TabularInline):
    """The customer's orders on their page, newest first, each a link to the order."""

    model = Order
    fields = ["placed_at", "channel", "status", "payment_method", "delivery_postcode"]
    readonly_fields = fields
    ordering = ["-placed_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


CUSTOMER_PAGE_INLINES.append(CustomerOrderInline)
