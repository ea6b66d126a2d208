from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import Customer, User

admin.site.register(User, UserAdmin)


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "email", "phone", "postcode", "date_of_birth"]
    search_fields = ["first_name", "last_name", "email", "phone", "postcode"]
    readonly_fields = ["created_at", "keyed_by", "registered_via"]
