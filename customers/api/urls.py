from django.urls import path

from customers.api import views

app_name = "customers"
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
]
