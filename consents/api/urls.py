from django.urls import path

from consents.api import rights, views

app_name = "consents"
urlpatterns = [
    path("me/consents/", views.MyConsentView.as_view(), name="my-consents"),
    path(
        "represented/<int:customer_id>/consents/",
        views.RepresentedConsentView.as_view(),
        name="represented-consents",
    ),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("staff/customers/<int:pk>/consents/", views.StaffConsentView.as_view(), name="staff-consents"),
    path(
        "staff/customers/<int:pk>/consents/history/",
        views.StaffConsentHistoryView.as_view(),
        name="staff-consent-history",
    ),
    path("staff/print-runs/", views.StaffPrintRunListView.as_view(), name="staff-print-run-list"),
    path("staff/print-runs/<int:pk>/print/", views.StaffPrintRunPrintView.as_view(), name="staff-print-run-print"),
    path(
        "staff/print-runs/<int:pk>/recipients/",
        views.StaffPrintRunRecipientsView.as_view(),
        name="staff-print-run-recipients",
    ),
    path("me/data-requests/", rights.MyDataRequestListView.as_view(), name="my-data-requests"),
    path("me/data-requests/<int:pk>/", rights.MyDataRequestDetailView.as_view(), name="my-data-request"),
    path("me/data-requests/<int:pk>/export/", rights.MyDataRequestExportView.as_view(),
         name="my-data-request-export"),
    path("staff/data-requests/", rights.StaffDataRequestQueueView.as_view(), name="staff-data-requests"),
    path("staff/data-requests/<int:pk>/<str:action>/", rights.StaffDataRequestActionView.as_view(),
         name="staff-data-request-action"),
    path("staff/sharing-register/", rights.StaffSharingRegisterView.as_view(), name="staff-sharing-register"),
    path("staff/processing-purposes/", rights.StaffProcessingPurposesView.as_view(), name="staff-purposes"),
    path("staff/retention/", rights.StaffRetentionScheduleView.as_view(), name="staff-retention"),
    path("staff/retention/<str:record_type>/", rights.StaffRetentionPeriodView.as_view(),
         name="staff-retention-period"),
    path("staff/customers/<int:pk>/special-category/", rights.StaffSpecialCategoryView.as_view(),
         name="staff-special-category"),
]
