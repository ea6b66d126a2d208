"""Pieces for staff pages that work on one order (used by the apps above orders too)."""

from django import forms

from orders.models import Order


class OrderNumberForm(forms.Form):
    """First step of a page that works on one order: which order (its number)."""

    order = forms.ModelChoiceField(queryset=Order.objects.all(), widget=forms.NumberInput, label="Order number")
