"""gunicorn's settings for production (`Procfile`'s web process), every one from the environment.

    gunicorn --config gunicorn.conf.py mint_shop.wsgi

README "Deploying" lists the variables; the defaults suit one small host behind a load balancer.
"""

import multiprocessing
import os

from mint_shop.logs import gunicorn_logging_config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mint_shop.settings")

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# The order path is CPU bound (bench/README.md): a process per CPU and one more to fill a CPU while
# another waits on PostgreSQL; more processes only add context switches and connections. Two threads
# each, so one slow request (Stripe, an export) does not take a whole process; with the GIL a third
# would only queue behind them. gthread also keeps a client's connection alive between requests.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Connections one process holds at once (in use or kept alive). Past it the process stops accepting and
# answers `Connection: close` beyond keep-alive's share (this minus the threads), so connections spread
# over the processes instead of the first to accept taking every one (gunicorn's 1,000), while the others
# sit idle. About the load balancer's connections to this host divided by WEB_CONCURRENCY.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "24"))
# Longer than a Stripe call may take (STRIPE_TIMEOUT_SECONDS, 20) so a slow Stripe is not a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A process is replaced after this many requests, against slow leaks. Each replacement imports Django
# again (a second or so of a CPU), so it is rare, and the jitter (half of it) spreads the processes'
# replacements apart: at 2,000 with 10 % the processes were replaced together every minute of a launch.
# 0: never.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 2
# Which proxies may say the request came over HTTPS (X-Forwarded-Proto); the load balancer's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's own lines and one access line a request, as JSON (mint_shop/logs.py), on standard error.
logconfig_dict = gunicorn_logging_config()
accesslog = "-"
# gunicorn's control socket (gunicornc) is one path per user, which a second gunicorn on the host would
# take over: off unless GUNICORN_CONTROL_SOCKET names a path of this site's own.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
