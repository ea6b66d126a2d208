"""gunicorn's settings for production (`Procfile`'s web process), every one from the environment.

    gunicorn --config gunicorn.conf.py mint_shop.wsgi

README "Deploying" lists the variables; the defaults suit one small host behind a load balancer.
"""

import multiprocessing
import os

from mint_shop.logs import gunicorn_logging_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mint_shop.settings")

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Processes, each with its threads: requests mostly wait on PostgreSQL and Stripe, so a few threads help.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Longer than a Stripe call may take (STRIPE_TIMEOUT_SECONDS, 20) so a slow Stripe is not a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter, so they are not all replaced at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Which proxies may say the request came over HTTPS (X-Forwarded-Proto); the load balancer's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's own lines and one access line a request, as JSON (mint_shop/logs.py), on standard error.
logconfig_dict = gunicorn_logging_config()
accesslog = "-"
# gunicorn's control socket (gunicornc) is one path per user, which a second gunicorn on the host would
# take over: off unless GUNICORN_CONTROL_SOCKET names a path of this site's own.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
