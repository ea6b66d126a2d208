from django.urls import path

from consents.api import views

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
]
