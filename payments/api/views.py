"""Payments API: thin views over payments' services and selectors."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.selectors import customer_get_for_user
from mint_shop.actors import Actor
from mint_shop.api.permissions import HasStaffPermissions, IsCustomer
from mint_shop.api.query import query_id, query_text
from mint_shop.api.throttles import ThrottledSignatureFailures
from payments import errors, selectors
from payments.api import serializers as s
from payments.services import (
    card,
    despatch_charge,
    finance,
    instalments,
    receipts,
    reconciliation,
    refunds,
    webhooks,
)


def _staff(request) -> Actor:
    return Actor.staff(request.user)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Ledger and per-order money ---------------------------------------------------------


class StaffLedgerListView(generics.ListAPIView):
    """The ledger (M9), newest first; `?order=` for one order."""

    serializer_class = s.LedgerEntrySerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.view_ledgerentry",)

    @extend_schema(parameters=[OpenApiParameter("order", int, description="Only this order's entries")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.ledger_list(order_id=query_id(self.request, "order"))


class StaffOrderMoneyView(APIView):
    """What an order had authorised, taken, refunded and outstanding, from the ledger."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.view_ledgerentry",)

    @extend_schema(responses=s.OrderMoneySerializer)
    def get(self, request, order_id: int):
        return Response(s.OrderMoneySerializer(selectors.order_money(order_id=order_id)).data)


class StaffCaptureView(APIView):
    """Capture lines from a live card hold by hand (M4); refused once the hold has ended."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.capture_payment",)

    @extend_schema(request=s.CaptureSerializer, responses={202: None})
    def post(self, request, order_id: int):
        data = _valid(s.CaptureSerializer, request)
        card.authorisation_capture(order_id=order_id, line_ids=data["line_ids"], actor=_staff(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class StaffChargeForDespatchView(APIView):
    """Charge the saved card for lines with no live hold behind them, so they may be despatched (M3, M4).

    A decline or an authentication demand answers 409 (M3): the order is held and the customer told.
    """

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.charge_for_despatch",)

    @extend_schema(request=s.CaptureSerializer, responses={200: s.CardOperationSerializer(many=True)})
    def post(self, request, order_id: int):
        data = _valid(s.CaptureSerializer, request)
        operations = despatch_charge.card_charge_for_despatch(
            order_id=order_id, line_ids=data["line_ids"], actor=_staff(request)
        )
        return Response(s.CardOperationSerializer(operations, many=True).data)


# --- The held-payment queue (M3) ----------------------------------------------------------


class StaffHeldPaymentListView(generics.ListAPIView):
    serializer_class = s.HeldPaymentSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.view_orderpayment",)

    def get_queryset(self):
        return selectors.order_payments_held()


class StaffHoldResolveView(APIView):
    """Despatch on invoice, or charge a new saved card."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.resolve_held_payment",)

    @extend_schema(request=s.HoldResolveSerializer, responses=s.OrderPaymentSerializer)
    def post(self, request, order_id: int):
        data = _valid(s.HoldResolveSerializer, request)
        order_payment = card.order_payment_hold_resolve(order_id=order_id, actor=_staff(request), **data)
        return Response(s.OrderPaymentSerializer(order_payment).data)


# --- Refunds (M8) -------------------------------------------------------------------------


class StaffRefundCreateView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.grant_refund",)

    @extend_schema(request=s.RefundRequestSerializer, responses={201: s.RefundSerializer})
    def post(self, request):
        refund = refunds.refund_grant(actor=_staff(request), **_valid(s.RefundRequestSerializer, request))
        return Response(s.RefundSerializer(refund).data, status=status.HTTP_201_CREATED)


class StaffFlaggedStripeEventListView(generics.ListAPIView):
    """Stripe events finance must look at (M10): contradicted by Stripe, disputes, failed refunds."""

    serializer_class = s.FlaggedStripeEventSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.view_stripeevent",)

    def get_queryset(self):
        return selectors.stripe_events_flagged()


class StaffRefundsDueView(generics.ListAPIView):
    """Payout refunds finance still has to pay."""

    serializer_class = s.RefundSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.grant_refund",)

    def get_queryset(self):
        return selectors.refunds_due()


class StaffRefundPaidView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.grant_refund",)

    @extend_schema(request=s.PayoutPaidSerializer, responses=s.RefundSerializer)
    def post(self, request, pk: int):
        data = _valid(s.PayoutPaidSerializer, request)
        refund = refunds.refund_payout_mark_paid(refund_id=pk, actor=_staff(request), **data)
        return Response(s.RefundSerializer(refund).data)


# --- Cheques and transfers (M7) -----------------------------------------------------------


class StaffChequeReceivedView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.add_cheque",)

    @extend_schema(request=s.ChequeReceivedSerializer, responses={201: s.ChequeSerializer})
    def post(self, request):
        cheque = receipts.cheque_record_received(actor=_staff(request), **_valid(s.ChequeReceivedSerializer, request))
        return Response(s.ChequeSerializer(cheque).data, status=status.HTTP_201_CREATED)


class StaffChequeActionView(APIView):
    """Bank, clear or bounce a cheque."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.change_cheque",)
    actions = {"bank": receipts.cheque_bank, "clear": receipts.cheque_clear, "bounce": receipts.cheque_bounce}

    @extend_schema(
        operation_id="staff_cheque_action",
        request=None,
        responses=s.ChequeSerializer,
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=["bank", "clear", "bounce"])],
    )
    def post(self, request, pk: int, action: str):
        cheque = self.actions[action](cheque_id=pk, actor=_staff(request))
        return Response(s.ChequeSerializer(cheque).data)


class StaffBankReceiptView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.add_bankreceipt",)

    @extend_schema(request=s.BankReceiptInSerializer, responses={201: s.BankReceiptSerializer})
    def post(self, request):
        receipt = receipts.bank_receipt_record(actor=_staff(request), **_valid(s.BankReceiptInSerializer, request))
        return Response(s.BankReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


# --- Instalments (M5) and third-party finance (M6) ----------------------------------------


class StaffInstalmentPlanListView(generics.ListAPIView):
    """Instalment plans for finance (M5); `?status=applied` lists those waiting for a decision."""

    serializer_class = s.StaffInstalmentPlanSerializer
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.view_instalmentplan",)

    @extend_schema(parameters=[OpenApiParameter("status", str, description="applied, declined, active, …")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.instalment_plans_for_staff(status=query_text(self.request, "status") or None)


class StaffInstalmentDecisionView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.decide_instalment_plan",)

    @extend_schema(request=s.InstalmentDecisionSerializer, responses=s.StaffInstalmentPlanSerializer)
    def post(self, request, pk: int):
        data = _valid(s.InstalmentDecisionSerializer, request)
        plan = instalments.instalment_plan_decide(plan_id=pk, actor=_staff(request), **data)
        return Response(s.StaffInstalmentPlanSerializer(plan).data)


class StaffInstalmentPaidView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.decide_instalment_plan",)

    @extend_schema(request=s.InstalmentPaidSerializer, responses=s.InstalmentSerializer)
    def post(self, request, pk: int):
        data = _valid(s.InstalmentPaidSerializer, request)
        instalment = instalments.instalment_pay(instalment_id=pk, actor=_staff(request), **data)
        return Response(s.InstalmentSerializer(instalment).data)


class StaffFinanceApplicationView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.manage_finance_application",)

    @extend_schema(request=s.FinanceApplicationInSerializer, responses={201: s.FinanceApplicationSerializer})
    def post(self, request):
        data = _valid(s.FinanceApplicationInSerializer, request)
        application = finance.finance_application_submit(actor=_staff(request), **data)
        return Response(s.FinanceApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class StaffFinanceDecisionView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.manage_finance_application",)

    @extend_schema(request=s.FinanceDecisionSerializer, responses=s.FinanceApplicationSerializer)
    def post(self, request, pk: int):
        data = _valid(s.FinanceDecisionSerializer, request)
        application = finance.finance_application_decide(application_id=pk, actor=_staff(request), **data)
        return Response(s.FinanceApplicationSerializer(application).data)


class StaffFinanceSettlementView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.manage_finance_application",)

    @extend_schema(request=s.FinanceSettlementSerializer, responses=s.FinanceApplicationSerializer)
    def post(self, request, pk: int):
        data = _valid(s.FinanceSettlementSerializer, request)
        application = finance.finance_settlement_record(application_id=pk, actor=_staff(request), **data)
        return Response(s.FinanceApplicationSerializer(application).data)


# --- Reconciliation (M9) ------------------------------------------------------------------


class StaffStripeImportView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.reconcile_ledger",)

    @extend_schema(request=None, responses=s.ImportResultSerializer)
    def post(self, request):
        return Response({"matched": reconciliation.statement_import_stripe(actor=_staff(request))})


class StaffBankImportView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.reconcile_ledger",)

    @extend_schema(request=s.BankStatementSerializer, responses=s.ImportResultSerializer)
    def post(self, request):
        data = _valid(s.BankStatementSerializer, request)
        return Response(
            {"matched": reconciliation.statement_import_bank_csv(csv_text=data["csv"], actor=_staff(request))}
        )


class StaffUnmatchedView(APIView):
    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.reconcile_ledger",)

    @extend_schema(responses=s.UnmatchedSerializer)
    def get(self, request):
        body = {
            "statement_lines": selectors.statement_lines_unmatched(),
            "ledger_entries": selectors.ledger_entries_unmatched(),
        }
        return Response(s.UnmatchedSerializer(body).data)


class StaffUnmatchedExportView(APIView):
    """The unmatched statement lines, or ledger entries, as CSV."""

    permission_classes = [HasStaffPermissions]
    required_permissions = ("payments.reconcile_ledger",)

    @extend_schema(
        responses={(200, "text/csv"): str},
        parameters=[OpenApiParameter("side", str, OpenApiParameter.PATH, enum=["statement", "ledger"])],
    )
    def get(self, request, side: str):
        response = HttpResponse(selectors.reconciliation_csv(side=side), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="unmatched-{side}.csv"'
        return response


# --- The customer's own payments ----------------------------------------------------------


class MyPaymentListView(generics.ListAPIView):
    """The customer's own orders and how each is being paid."""

    serializer_class = s.OrderPaymentSerializer
    permission_classes = [IsCustomer]

    def get_queryset(self):
        return selectors.order_payments_for_customer(customer=customer_get_for_user(user=self.request.user))


class MyInstalmentPlanListView(generics.ListAPIView):
    """The customer's own instalment plans with their schedules (M5)."""

    serializer_class = s.InstalmentPlanSerializer
    permission_classes = [IsCustomer]

    def get_queryset(self):
        return selectors.instalment_plans_for_customer(customer=customer_get_for_user(user=self.request.user))


# --- Stripe webhook (M10) -----------------------------------------------------------------


class StripeWebhookView(ThrottledSignatureFailures, APIView):
    """Stripe's events: signature checked, stored once, processed in the background."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    signature_failures = (errors.WEBHOOK_SIGNATURE_INVALID,)

    @extend_schema(request={"application/json": dict}, responses={200: None})
    def post(self, request):
        webhooks.stripe_event_receive(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
        return Response(status=status.HTTP_200_OK)
