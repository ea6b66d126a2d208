"""The reference endpoint: the least a sale can cost through our stack (`python -m bench.reference`).

A DRF view behind every middleware production runs, with no authentication, throttle or
validation, doing in one transaction what the issue names as the floor of a sale: one UPDATE of
the hot product row and one INSERT. What it reaches beside pgbench is the ceiling for the order
path on the same machine, however lean the order path becomes.
"""

from django.db import connection, transaction
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class ReferenceSaleView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def post(self, request):
        product_id = int(request.data["product_id"])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE catalogue_product SET stock = stock - 1 WHERE id = %s", [product_id])
            cursor.execute("INSERT INTO bench_reference_sale (product_id) VALUES (%s) RETURNING id", [product_id])
            sale_id = cursor.fetchone()[0]
        return Response({"id": sale_id}, status=201)


urlpatterns = [path("reference/sale/", ReferenceSaleView.as_view())]
