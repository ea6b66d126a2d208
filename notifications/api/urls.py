from django.urls import path

from notifications.api import views

app_name = "notifications"
urlpatterns = [
    path("staff/outbox/", views.StaffMessageListView.as_view(), name="staff-message-list"),
    path("staff/outbox/print-queue/export/", views.StaffPrintQueueExportView.as_view(), name="staff-print-export"),
    path("staff/outbox/<int:pk>/call-done/", views.StaffCallTaskCompleteView.as_view(), name="staff-call-done"),
]
