"""The test suite's settings: the development defaults, with DEBUG on explicitly.

Production settings refuse to start with development secrets (mint_shop/settings.py, issue 14);
the suite runs on those defaults, so it asks for development mode here rather than by default.
"""

import os

os.environ.setdefault("DEBUG", "1")

from mint_shop.settings import *  # noqa: E402, F403
