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
        "consents.add_datarequest",  # D6: keys requests received by phone or letter
    ],
    "compliance": [
        "consents.view_marketingconsent",
        # D6–D12: data requests, the registers, retention and holds, special category data.
        "consents.view_datarequest",
        "consents.add_datarequest",
        "consents.change_datarequest",
        "consents.view_sharing_register",
        "consents.manage_retention",
        "consents.view_legalhold",
        "consents.add_legalhold",
        "consents.change_legalhold",
        "consents.view_retentionperiod",
        "consents.view_offersent",
        "consents.view_specialcategoryrecord",
        "consents.add_specialcategoryrecord",
        "consents.view_tpsimport",
        "consents.view_tpsnumber",
    ],
}
