"""Production's settings with the reference endpoint's URLs only (`python -m bench.reference`)."""

from mint_shop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.reference_urls"
