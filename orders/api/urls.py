from django.urls import path

from orders.api import review_views, views

app_name = "orders"
urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/price-answer/", views.OrderPriceAnswerView.as_view(), name="order-price-answer"),
    path("orders/<int:pk>/part-despatch/", views.OrderPartDespatchView.as_view(), name="order-part-despatch"),
    path("orders/<int:pk>/cancel-lines/", views.OrderCancelLinesView.as_view(), name="order-cancel-lines"),
    path(
        "orders/<int:pk>/shipments/<int:shipment_pk>/non-receipt/",
        views.ShipmentNonReceiptView.as_view(),
        name="order-non-receipt",
    ),
    path("staff/orders/", views.StaffOrderListCreateView.as_view(), name="staff-order-list"),
    path(
        "staff/orders/awaiting-review/",
        review_views.StaffOrdersAwaitingReviewView.as_view(),
        name="staff-orders-awaiting-review",
    ),
    path(
        "staff/orders/withdrawn-product-lines/",
        review_views.StaffWithdrawnProductLinesView.as_view(),
        name="staff-orders-withdrawn-product-lines",
    ),
    path(
        "staff/customers/<int:customer_id>/open-orders-review/complete/",
        review_views.StaffCustomerOrdersReviewCompleteView.as_view(),
        name="staff-customer-orders-review-complete",
    ),
    path("staff/orders/<int:pk>/", views.StaffOrderDetailView.as_view(), name="staff-order-detail"),
    path("staff/orders/<int:pk>/decline/", views.StaffOrderDeclineView.as_view(), name="staff-order-decline"),
    path("staff/orders/<int:pk>/allocate/", views.StaffOrderAllocateView.as_view(), name="staff-order-allocate"),
    path("staff/orders/<int:pk>/despatch/", views.StaffOrderDespatchView.as_view(), name="staff-order-despatch"),
    path(
        "staff/orders/<int:pk>/price-change/",
        views.StaffOrderPriceChangeView.as_view(),
        name="staff-order-price-change",
    ),
    path(
        "staff/shipments/<int:pk>/delivery/", views.StaffShipmentDeliveryView.as_view(), name="staff-shipment-delivery"
    ),
    path(
        "staff/shipments/<int:pk>/sent-in-error/",
        views.StaffShipmentSentInErrorView.as_view(),
        name="staff-shipment-sent-in-error",
    ),
]
