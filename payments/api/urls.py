from django.urls import path, re_path

from payments.api import views

app_name = "payments"
urlpatterns = [
    path("staff/ledger/", views.StaffLedgerListView.as_view(), name="staff-ledger"),
    path("staff/payments/held/", views.StaffHeldPaymentListView.as_view(), name="staff-held-payments"),
    path("staff/payments/orders/<int:order_id>/", views.StaffOrderMoneyView.as_view(), name="staff-order-money"),
    path("staff/payments/orders/<int:order_id>/capture/", views.StaffCaptureView.as_view(), name="staff-capture"),
    path(
        "staff/payments/orders/<int:order_id>/charge-for-despatch/",
        views.StaffChargeForDespatchView.as_view(),
        name="staff-charge-for-despatch",
    ),
    path(
        "staff/payments/orders/<int:order_id>/resolve-hold/",
        views.StaffHoldResolveView.as_view(),
        name="staff-hold-resolve",
    ),
    path("staff/refunds/", views.StaffRefundCreateView.as_view(), name="staff-refund-create"),
    path("staff/refunds/due/", views.StaffRefundsDueView.as_view(), name="staff-refunds-due"),
    path("staff/refunds/<int:pk>/paid/", views.StaffRefundPaidView.as_view(), name="staff-refund-paid"),
    path("staff/cheques/", views.StaffChequeReceivedView.as_view(), name="staff-cheque-received"),
    re_path(
        r"^staff/cheques/(?P<pk>[0-9]+)/(?P<action>bank|clear|bounce)/$",
        views.StaffChequeActionView.as_view(),
        name="staff-cheque-action",
    ),
    path("staff/bank-receipts/", views.StaffBankReceiptView.as_view(), name="staff-bank-receipt"),
    path("staff/instalment-plans/", views.StaffInstalmentPlanListView.as_view(), name="staff-instalment-plans"),
    path(
        "staff/instalment-plans/<int:pk>/decision/",
        views.StaffInstalmentDecisionView.as_view(),
        name="staff-instalment-decision",
    ),
    path("staff/instalments/<int:pk>/paid/", views.StaffInstalmentPaidView.as_view(), name="staff-instalment-paid"),
    path("staff/finance-applications/", views.StaffFinanceApplicationView.as_view(), name="staff-finance-apply"),
    path(
        "staff/finance-applications/<int:pk>/decision/",
        views.StaffFinanceDecisionView.as_view(),
        name="staff-finance-decision",
    ),
    path(
        "staff/finance-applications/<int:pk>/settlement/",
        views.StaffFinanceSettlementView.as_view(),
        name="staff-finance-settlement",
    ),
    path("staff/reconciliation/stripe-import/", views.StaffStripeImportView.as_view(), name="staff-stripe-import"),
    path("staff/reconciliation/bank-import/", views.StaffBankImportView.as_view(), name="staff-bank-import"),
    path("staff/reconciliation/unmatched/", views.StaffUnmatchedView.as_view(), name="staff-unmatched"),
    re_path(
        r"^staff/reconciliation/unmatched/(?P<side>statement|ledger)\.csv$",
        views.StaffUnmatchedExportView.as_view(),
        name="staff-unmatched-export",
    ),
    path("me/payments/", views.MyPaymentListView.as_view(), name="my-payments"),
    path("me/instalment-plans/", views.MyInstalmentPlanListView.as_view(), name="my-instalment-plans"),
]
