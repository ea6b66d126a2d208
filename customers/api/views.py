from rest_framework import generics

from customers.api.serializers import CustomerSerializer
from customers.selectors import customer_get_for_user
from mint_shop.api.permissions import IsCustomer


class MeView(generics.RetrieveAPIView):
    """The logged-in customer's own record: there is no way to name another customer."""

    serializer_class = CustomerSerializer
    permission_classes = [IsCustomer]

    def get_object(self):
        return customer_get_for_user(user=self.request.user)
