"""Which of consents' permissions each staff role holds (collected by mint_shop/roles.py)."""

ROLE_PERMISSIONS: dict[str, list[str]] = {
}
