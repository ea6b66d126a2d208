from tests.customers.helpers import media_in_tmp  # noqa: F401
