from django.urls import path

from catalogue.api import views

app_name = "catalogue"
urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
]
