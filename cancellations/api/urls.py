from django.urls import path

from cancellations.api import views

app_name = "cancellations"
urlpatterns = [
    path("me/cancellable-lines/", views.CancellableLineListView.as_view(), name="cancellable-lines"),
    path("me/cancellations/", views.CancellationListCreateView.as_view(), name="cancellation-list"),
    path("me/fault-claims/", views.FaultClaimCreateView.as_view(), name="fault-claim-create"),
    path("staff/cancellation-notices/", views.StaffNoticeView.as_view(), name="staff-notice"),
    path("staff/cancellations/<int:pk>/return/", views.StaffReturnView.as_view(), name="staff-return"),
    path("staff/cancellations/<int:pk>/refund/", views.RefundGrantView.as_view(), name="staff-refund-grant"),
    path("staff/fault-claims/<int:pk>/decision/", views.StaffFaultDecisionView.as_view(), name="staff-fault-decision"),
    path("staff/refund-queue/", views.RefundQueueView.as_view(), name="staff-refund-queue"),
    path("staff/refund-queue.csv", views.RefundQueueCsvView.as_view(), name="staff-refund-queue-csv"),
]
