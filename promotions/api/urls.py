from django.urls import path

from promotions.api import views

app_name = "promotions"
urlpatterns = [
    path("me/referral/", views.ReferralOverviewView.as_view(), name="referral"),
    path("me/referral/join/", views.ReferralJoinView.as_view(), name="referral-join"),
    path("me/referral/claim/", views.ReferralClaimView.as_view(), name="referral-claim"),
]
