"""Which of consents' permissions each staff role holds (collected by mint_shop/roles.py).

Customer service records consents and opt-outs received by phone, email or letter (D1, D2)
and runs postal mailings; compliance reads consents.
"""

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "customer_service": [
        "consents.view_marketingconsent",
        "consents.add_marketingconsent",
        "consents.change_marketingconsent",
        "consents.view_printrun",
        "consents.add_printrun",
        "consents.change_printrun",
        "consents.view_printrunrecipient",
    ],
    "compliance": [
        "consents.view_marketingconsent",
    ],
}
