from django.urls import path

from customers.api import staff_views, views
from customers.models import Representative, SourceOfFundsRequest

app_name = "customers"

staff = "staff/customers/"
urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/api-access/", views.MyApiAccessView.as_view(), name="my-api-access"),
    path("me/addresses/", views.MyAddressListView.as_view(), name="my-address-list"),
    path("me/addresses/<int:pk>/", views.MyAddressDetailView.as_view(), name="my-address-detail"),
    path("me/representatives/", views.MyRepresentativeListView.as_view(), name="my-representative-list"),
    path("represented/", views.RepresentedListView.as_view(), name="represented-list"),
    path("represented/<int:customer_id>/", views.RepresentedCustomerView.as_view(), name="represented-detail"),
    # Staff: customer service and compliance.
    path(staff, staff_views.StaffCustomerListView.as_view(), name="staff-customer-list"),
    path(f"{staff}<int:pk>/", staff_views.StaffCustomerDetailView.as_view(), name="staff-customer-detail"),
    path(f"{staff}<int:pk>/restrict/", staff_views.StaffCustomerRestrictView.as_view(), name="staff-restrict"),
    path(
        f"{staff}<int:pk>/lift-restriction/",
        staff_views.StaffCustomerLiftRestrictionView.as_view(),
        name="staff-lift-restriction",
    ),
    path(
        f"{staff}<int:pk>/revoke-api-access/",
        staff_views.StaffCustomerApiAccessRevokeView.as_view(),
        name="staff-revoke-api-access",
    ),
    path(f"{staff}<int:pk>/deceased/", staff_views.StaffCustomerDeceasedView.as_view(), name="staff-deceased"),
    path(f"{staff}<int:pk>/checks/", staff_views.StaffCheckListView.as_view(), name="staff-check-list"),
    path(f"{staff}checks/<int:pk>/", staff_views.StaffCheckDetailView.as_view(), name="staff-check-detail"),
    path(
        f"{staff}checks/<int:pk>/documents/",
        staff_views.StaffEvidenceUploadView.as_view(),
        name="staff-check-documents",
    ),
    path(
        f"{staff}documents/<int:pk>/",
        staff_views.StaffEvidenceDownloadView.as_view(),
        name="staff-document-download",
    ),
    path(
        f"{staff}<int:pk>/source-of-funds/",
        staff_views.StaffSourceOfFundsListView.as_view(),
        name="staff-source-of-funds-list",
    ),
    path(
        f"{staff}source-of-funds/for-cancellation/",
        staff_views.StaffSourceOfFundsForCancellationView.as_view(),
        name="staff-source-of-funds-for-cancellation",
    ),
    path(
        f"{staff}source-of-funds/<int:pk>/decide/",
        staff_views.StaffSourceOfFundsDecideView.as_view(),
        name="staff-source-of-funds-decide",
    ),
    path(
        f"{staff}source-of-funds/<int:pk>/documents/",
        staff_views.StaffEvidenceUploadView.as_view(
            subject_model=SourceOfFundsRequest, subject_argument="source_of_funds_request_id"
        ),
        name="staff-source-of-funds-documents",
    ),
    path(
        f"{staff}<int:pk>/representatives/",
        staff_views.StaffRepresentativeListView.as_view(),
        name="staff-representative-list",
    ),
    path(
        f"{staff}representatives/<int:pk>/verify/",
        staff_views.StaffRepresentativeVerifyView.as_view(),
        name="staff-representative-verify",
    ),
    path(
        f"{staff}representatives/<int:pk>/revoke/",
        staff_views.StaffRepresentativeRevokeView.as_view(),
        name="staff-representative-revoke",
    ),
    path(
        f"{staff}representatives/<int:pk>/documents/",
        staff_views.StaffEvidenceUploadView.as_view(
            subject_model=Representative, subject_argument="representative_id"
        ),
        name="staff-representative-documents",
    ),
    path(f"{staff}<int:pk>/contact-log/", staff_views.StaffContactLogView.as_view(), name="staff-contact-log"),
    path(f"{staff}<int:pk>/calls/", staff_views.StaffCallRecordingListView.as_view(), name="staff-call-list"),
    path(f"{staff}calls/<int:pk>/pauses/", staff_views.StaffCallPauseView.as_view(), name="staff-call-pauses"),
    path(
        f"{staff}calls/<int:pk>/transcript-transfer/",
        staff_views.StaffCallTranscriptTransferView.as_view(),
        name="staff-call-transcript-transfer",
    ),
]
