"""Issue 14: the authorisation matrix, generated from the URL conf.

Every API endpoint and method (drf-spectacular's enumerator walks the URL conf, schema-excluded views
included) is requested once by each identity: anonymous, customer A (who owns the objects in the
URLs), customer B (another customer, naming A's objects) and one member of staff per role in
mint_shop/roles.py. Each answer is sorted into an outcome, by the error shape's code:

    "401"  not signed in
    "403"  signed in but refused (permission_denied)
    "404"  the object is not theirs (or not found)
    "ok"   anything past authorisation: a success, or a 4xx about the input or a business rule
           (a 403 naming a rule, such as a webhook's bad signature, is a rule's answer)

and compared with EXPECTED below, kept by hand. An endpoint or method missing from EXPECTED fails
the test, so a new endpoint is added here with who may call it. Objects are made once; one request
per cell; writes carry an empty body, so most stop at validation.
"""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

from mint_shop.roles import ROLES

pytestmark = pytest.mark.django_db

IDENTITIES = ("anonymous", "customer_b", *ROLES, "customer_a")  # A last: A's own writes change A's objects


def outcome(response) -> str:
    if response.status_code in (401, 404):
        return str(response.status_code)
    if response.status_code == 403:
        return "403" if response.json()["code"] == "permission_denied" else "ok"
    return "ok"


# Which object a path parameter names: the model of the URL segment before it, A's row when A has one.
SEGMENT_MODELS = {
    "addresses": "customers.DeliveryAddress", "data-requests": "consents.DataRequest", "orders": "orders.Order",
    "shipments": "orders.Shipment", "cancellations": "cancellations.Cancellation", "cheques": "payments.Cheque",
    "customers": "customers.Customer", "represented": "customers.Customer", "calls": "customers.CallRecording",
    "checks": "customers.DueDiligenceCheck", "documents": "customers.EvidenceDocument",
    "representatives": "customers.Representative", "source-of-funds": "customers.SourceOfFundsRequest",
    "fault-claims": "cancellations.FaultClaim", "finance-applications": "payments.FinanceApplication",
    "instalment-plans": "payments.InstalmentPlan", "instalments": "payments.Instalment",
    "outbox": "notifications.Message", "print-runs": "consents.PrintRun", "products": "catalogue.Product",
    "refunds": "payments.Refund",
}
WORDS = {("cheques", "action"): "clear", ("data-requests", "action"): "extend", ("retention", "record_type"):
         "data_exports", ("unmatched", "side"): "statement"}
# Bodies that pass validation where a view validates before it looks the object up, so that the
# owner check is what answers; every other write is sent `{}`.
BODIES = {
    ("POST", "/api/v1/orders/{pk}/cancel-lines/"): lambda a: {"line_ids": [a.orders.first().lines.first().pk]},
    ("POST", "/api/v1/orders/{pk}/price-answer/"): lambda a: {"agree": True},
}
OWNER_LOOKUPS = ("customer", "order__customer", "contact__customer", "customer__orders")


def _row_of(label: str, customer) -> int:
    from django.apps import apps

    rows = apps.get_model(label).objects.order_by("pk")
    for lookup in OWNER_LOOKUPS:
        try:
            found = rows.filter(**{lookup: customer}).first()
        except Exception:  # noqa: BLE001 (no such relation on this model)
            continue
        if found is not None:
            return found.pk
    first = rows.first()
    return first.pk if first else 0


def url_for(template: str, customer_a) -> str:
    """The template with each {parameter} filled with A's object (or a word the route accepts)."""
    import re

    from consents.unsubscribe import unsubscribe_token_make

    def fill(match) -> str:
        before = [part for part in template[: match.start()].split("/") if part and "{" not in part][-1]
        name = match.group(1)
        if name == "token":
            return unsubscribe_token_make(customer=customer_a)
        if (before, name) in WORDS:
            return WORDS[(before, name)]
        return str(_row_of(SEGMENT_MODELS[before], customer_a))

    return re.sub(r"\{(\w+)\}", fill, template)


def endpoints() -> list[tuple[str, str]]:
    """(METHOD, path template) for every DRF view in the URL conf under /api/ and /webhooks/; deletions last,
    so the object a DELETE removes is still there for the other methods."""
    found = {(method, path) for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints()}
    return sorted(((m, p) for m, p in found if p.startswith(("/api/v1/", "/webhooks/"))),
                  key=lambda cell: (cell[0] == "DELETE", cell[1], cell[0]))


def world():
    """A's shop (tests/mint_shop/admin_world.py: a delivered, cancelled and refunded order, a cheque, people,
    messages) plus a data request; B is another customer with a login."""
    from consents.data_requests import data_request_make
    from customers.models import Customer
    from customers.services import evidence_document_add
    from mint_shop import clock
    from mint_shop.actors import Actor
    from tests.customers.factories import StaffUserFactory
    from tests.customers.services.test_contacts import record_call
    from tests.factories import CustomerFactory
    from tests.mint_shop.admin_world import admin_world

    admin_world()
    customer_a = Customer.objects.get()
    system = Actor.system()
    with TestCase.captureOnCommitCallbacks(execute=True):
        data_request_make(customer_id=customer_a.pk, kind="access", actor=Actor.customer(customer_a.user))
    record_call(customer_a, system, started_at=clock.now() - dt.timedelta(hours=1))
    check = customer_a.checks.first()
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    officer = Actor.staff(StaffUserFactory())
    evidence_document_add(customer_id=customer_a.pk, check_id=check.pk, upload=pdf, actor=officer)
    return customer_a, CustomerFactory()


def clients(staff_user, customer_a, customer_b) -> dict[str, APIClient]:
    made = {"anonymous": APIClient()}
    for name, user in [("customer_a", customer_a.user), ("customer_b", customer_b.user)] + [
        (role, staff_user(role)) for role in ROLES
    ]:
        made[name] = APIClient()
        made[name].force_authenticate(user)
    return made


def observe(staff_user) -> dict[tuple[str, str], dict[str, str]]:
    customer_a, customer_b = world()
    by_identity = clients(staff_user, customer_a, customer_b)
    seen = {}
    for method, template in endpoints():
        url = url_for(template, customer_a)
        row = {}
        for identity in IDENTITIES:
            body = BODIES.get((method, template), lambda a: {})(customer_a)
            response = by_identity[identity].generic(method, url, json.dumps(body), content_type="application/json")
            row[identity] = outcome(response)
        seen[(method, template)] = row
    return seen


# --- The expected table ------------------------------------------------------------------------
def _row(anonymous: str, a: str, b: str, allowed_roles: tuple[str, ...] = (), other_roles: str = "403") -> dict:
    row = {"anonymous": anonymous, "customer_a": a, "customer_b": b}
    row.update({role: "ok" if role in allowed_roles else other_roles for role in ROLES})
    return row


EVERYONE = _row("ok", "ok", "ok", ROLES)  # public: the catalogue, registration, links, webhooks
SIGNED_IN = _row("401", "ok", "ok", ROLES)  # any login (what it returns is the caller's own)
CUSTOMER = _row("401", "ok", "ok")  # a customer's own things, no id in the URL; staff have no customer record
OWNER = _row("401", "ok", "404")  # A's object named in the URL: B is told it does not exist
NOBODY_ACTS_FOR_A = _row("401", "404", "404", other_roles="404")  # C6: only A's verified representative


CS, WAREHOUSE, FINANCE, COMPLIANCE = "customer_service", "warehouse", "finance", "compliance"  # marketing: no staff API


def staff(*roles: str) -> dict:
    """Staff in these roles (mint_shop/roles.py); customers and the other roles are refused."""
    return _row("401", "403", "403", roles)


EXPECTED: dict[tuple[str, str], dict] = {
    ("GET", "/api/v1/"): EVERYONE,
    ("GET", "/api/v1/delivery-options/"): EVERYONE,
    ("GET", "/api/v1/me/"): CUSTOMER,
    ("PATCH", "/api/v1/me/"): CUSTOMER,
    ("GET", "/api/v1/me/addresses/"): CUSTOMER,
    ("POST", "/api/v1/me/addresses/"): CUSTOMER,
    ("PATCH", "/api/v1/me/addresses/{pk}/"): OWNER,
    ("GET", "/api/v1/me/cancellable-lines/"): CUSTOMER,
    ("GET", "/api/v1/me/cancellations/"): CUSTOMER,
    ("POST", "/api/v1/me/cancellations/"): CUSTOMER,
    ("GET", "/api/v1/me/consents/"): CUSTOMER,
    ("POST", "/api/v1/me/consents/"): CUSTOMER,
    ("GET", "/api/v1/me/data-requests/"): CUSTOMER,
    ("POST", "/api/v1/me/data-requests/"): CUSTOMER,
    ("GET", "/api/v1/me/data-requests/{pk}/"): OWNER,
    ("GET", "/api/v1/me/data-requests/{pk}/export/"): OWNER,
    ("POST", "/api/v1/me/fault-claims/"): CUSTOMER,
    ("GET", "/api/v1/me/instalment-plans/"): CUSTOMER,
    ("GET", "/api/v1/me/payments/"): CUSTOMER,
    ("GET", "/api/v1/me/referral/"): CUSTOMER,
    ("POST", "/api/v1/me/referral/claim/"): CUSTOMER,
    ("POST", "/api/v1/me/referral/join/"): CUSTOMER,
    ("GET", "/api/v1/me/representatives/"): CUSTOMER,
    ("POST", "/api/v1/me/representatives/"): CUSTOMER,
    ("GET", "/api/v1/orders/"): CUSTOMER,
    ("POST", "/api/v1/orders/"): CUSTOMER,
    ("GET", "/api/v1/orders/{pk}/"): OWNER,
    ("POST", "/api/v1/orders/{pk}/cancel-lines/"): OWNER,
    ("POST", "/api/v1/orders/{pk}/part-despatch/"): OWNER,
    ("POST", "/api/v1/orders/{pk}/price-answer/"): OWNER,
    ("POST", "/api/v1/orders/{pk}/shipments/{shipment_pk}/non-receipt/"): OWNER,
    ("GET", "/api/v1/products/"): EVERYONE,
    ("POST", "/api/v1/register/"): EVERYONE,
    ("GET", "/api/v1/represented/"): SIGNED_IN,
    ("GET", "/api/v1/represented/{customer_id}/"): NOBODY_ACTS_FOR_A,
    ("PATCH", "/api/v1/represented/{customer_id}/"): NOBODY_ACTS_FOR_A,
    ("GET", "/api/v1/represented/{customer_id}/consents/"): NOBODY_ACTS_FOR_A,
    ("POST", "/api/v1/represented/{customer_id}/consents/"): NOBODY_ACTS_FOR_A,
    ("POST", "/api/v1/staff/bank-receipts/"): staff(FINANCE),
    ("POST", "/api/v1/staff/cancellation-notices/"): staff(CS),
    ("POST", "/api/v1/staff/cancellations/{pk}/refund/"): staff(FINANCE),
    ("POST", "/api/v1/staff/cancellations/{pk}/return/"): staff(CS, WAREHOUSE),
    ("POST", "/api/v1/staff/cheques/"): staff(CS, FINANCE),
    ("POST", "/api/v1/staff/cheques/{pk}/{action}/"): staff(FINANCE),
    ("GET", "/api/v1/staff/customers/"): staff(CS, FINANCE, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/"): staff(CS),
    ("POST", "/api/v1/staff/customers/calls/{pk}/pauses/"): staff(CS),
    ("POST", "/api/v1/staff/customers/calls/{pk}/transcript-transfer/"): staff(CS),
    ("PATCH", "/api/v1/staff/customers/checks/{pk}/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/checks/{pk}/documents/"): staff(CS, COMPLIANCE),
    ("GET", "/api/v1/staff/customers/documents/{pk}/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/representatives/{pk}/documents/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/representatives/{pk}/revoke/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/representatives/{pk}/verify/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/customers/source-of-funds/for-cancellation/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/source-of-funds/{pk}/decide/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/source-of-funds/{pk}/documents/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{customer_id}/open-orders-review/complete/"): staff(CS),
    ("GET", "/api/v1/staff/customers/{pk}/"): staff(CS, FINANCE, COMPLIANCE),
    ("PATCH", "/api/v1/staff/customers/{pk}/"): staff(CS),
    ("GET", "/api/v1/staff/customers/{pk}/calls/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/calls/"): staff(CS),
    ("GET", "/api/v1/staff/customers/{pk}/checks/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/checks/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/customers/{pk}/consents/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/consents/"): staff(CS),
    ("GET", "/api/v1/staff/customers/{pk}/consents/history/"): staff(CS, COMPLIANCE),
    ("GET", "/api/v1/staff/customers/{pk}/contact-log/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/contact-log/"): staff(CS),
    ("POST", "/api/v1/staff/customers/{pk}/deceased/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/lift-restriction/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/customers/{pk}/representatives/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/representatives/"): staff(CS),
    ("POST", "/api/v1/staff/customers/{pk}/restrict/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/revoke-api-access/"): staff(CS, COMPLIANCE),
    ("GET", "/api/v1/staff/customers/{pk}/source-of-funds/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/source-of-funds/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/customers/{pk}/special-category/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/customers/{pk}/special-category/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/data-requests/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/data-requests/"): staff(CS, COMPLIANCE),
    ("POST", "/api/v1/staff/data-requests/{pk}/{action}/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/fault-claims/{pk}/decision/"): staff(CS),
    ("POST", "/api/v1/staff/finance-applications/"): staff(FINANCE),
    ("POST", "/api/v1/staff/finance-applications/{pk}/decision/"): staff(FINANCE),
    ("POST", "/api/v1/staff/finance-applications/{pk}/settlement/"): staff(FINANCE),
    ("GET", "/api/v1/staff/instalment-plans/"): staff(CS, FINANCE),
    ("POST", "/api/v1/staff/instalment-plans/{pk}/decision/"): staff(FINANCE),
    ("POST", "/api/v1/staff/instalments/{pk}/paid/"): staff(FINANCE),
    ("GET", "/api/v1/staff/ledger/"): staff(FINANCE),
    ("GET", "/api/v1/staff/orders/"): staff(CS, WAREHOUSE, FINANCE, COMPLIANCE),
    ("POST", "/api/v1/staff/orders/"): staff(CS),
    ("GET", "/api/v1/staff/orders/awaiting-review/"): staff(CS, WAREHOUSE, FINANCE, COMPLIANCE),
    ("GET", "/api/v1/staff/orders/withdrawn-product-lines/"): staff(CS, WAREHOUSE, FINANCE, COMPLIANCE),
    ("GET", "/api/v1/staff/orders/{pk}/"): staff(CS, WAREHOUSE, FINANCE, COMPLIANCE),
    ("POST", "/api/v1/staff/orders/{pk}/allocate/"): staff(WAREHOUSE),
    ("POST", "/api/v1/staff/orders/{pk}/decline/"): staff(CS),
    ("POST", "/api/v1/staff/orders/{pk}/despatch/"): staff(WAREHOUSE),
    ("POST", "/api/v1/staff/orders/{pk}/price-change/"): staff(CS),
    ("GET", "/api/v1/staff/outbox/"): staff(CS, WAREHOUSE, COMPLIANCE),
    ("POST", "/api/v1/staff/outbox/print-queue/export/"): staff(WAREHOUSE),
    ("POST", "/api/v1/staff/outbox/{pk}/call-done/"): staff(CS),
    ("GET", "/api/v1/staff/payments/held/"): staff(CS, FINANCE),
    ("GET", "/api/v1/staff/payments/orders/{order_id}/"): staff(FINANCE),
    ("POST", "/api/v1/staff/payments/orders/{order_id}/capture/"): staff(FINANCE),
    ("POST", "/api/v1/staff/payments/orders/{order_id}/charge-for-despatch/"): staff(WAREHOUSE, FINANCE),
    ("POST", "/api/v1/staff/payments/orders/{order_id}/resolve-hold/"): staff(FINANCE),
    ("GET", "/api/v1/staff/print-runs/"): staff(CS),
    ("POST", "/api/v1/staff/print-runs/"): staff(CS),
    ("POST", "/api/v1/staff/print-runs/{pk}/print/"): staff(CS),
    ("GET", "/api/v1/staff/print-runs/{pk}/recipients/"): staff(CS),
    ("GET", "/api/v1/staff/processing-purposes/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/products/{pk}/withdraw/"): staff(WAREHOUSE),
    ("POST", "/api/v1/staff/reconciliation/bank-import/"): staff(FINANCE),
    ("POST", "/api/v1/staff/reconciliation/stripe-import/"): staff(FINANCE),
    ("GET", "/api/v1/staff/reconciliation/unmatched/"): staff(FINANCE),
    ("GET", "/api/v1/staff/reconciliation/unmatched/{side}.csv"): staff(FINANCE),
    ("GET", "/api/v1/staff/refund-queue.csv"): staff(FINANCE),
    ("GET", "/api/v1/staff/refund-queue/"): staff(FINANCE),
    ("POST", "/api/v1/staff/refunds/"): staff(FINANCE),
    ("GET", "/api/v1/staff/refunds/due/"): staff(FINANCE),
    ("POST", "/api/v1/staff/refunds/{pk}/paid/"): staff(FINANCE),
    ("GET", "/api/v1/staff/retention/"): staff(COMPLIANCE),
    ("PUT", "/api/v1/staff/retention/{record_type}/"): staff(COMPLIANCE),
    ("GET", "/api/v1/staff/sharing-register/"): staff(COMPLIANCE),
    ("POST", "/api/v1/staff/shipments/{pk}/delivery/"): staff(WAREHOUSE),
    ("POST", "/api/v1/staff/shipments/{pk}/sent-in-error/"): staff(WAREHOUSE),
    ("GET", "/api/v1/staff/stripe-events/flagged/"): staff(FINANCE),
    ("GET", "/api/v1/unsubscribe/{token}/"): EVERYONE,
    ("POST", "/api/v1/unsubscribe/{token}/"): EVERYONE,
    ("POST", "/webhooks/sms/inbound/"): EVERYONE,
    ("POST", "/webhooks/stripe/"): EVERYONE,
    ("DELETE", "/api/v1/me/addresses/{pk}/"): OWNER,
    ("DELETE", "/api/v1/me/api-access/"): CUSTOMER,
}


def test_every_api_endpoint_and_identity_meets_the_authorisation_matrix(staff_user, localstripe):
    listed = endpoints()
    unlisted = [cell for cell in listed if cell not in EXPECTED]
    assert unlisted == [], f"endpoints with no row in EXPECTED (say who may call them): {unlisted}"
    assert sorted(set(EXPECTED) - set(listed)) == [], "rows in EXPECTED for endpoints that no longer exist"

    seen = observe(staff_user)

    violations = [
        f"{method} {template} as {identity}: expected {EXPECTED[(method, template)][identity]}, got {got}"
        for (method, template), row in seen.items()
        for identity, got in row.items()
        if got != EXPECTED[(method, template)][identity]
    ]
    assert len(seen) * len(IDENTITIES) == len(listed) * len(IDENTITIES) > 1000  # every cell was asked
    assert violations == [], "\n".join(violations)
