from django.urls import path

from catalogue.api import views

app_name = "catalogue"
urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("staff/products/<int:pk>/withdraw/", views.StaffProductWithdrawView.as_view(), name="staff-product-withdraw"),
    path("delivery-options/", views.DeliveryOptionListView.as_view(), name="delivery-option-list"),
]
