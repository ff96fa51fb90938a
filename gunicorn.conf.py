"""gunicorn settings, read by `gunicorn costcalc.wsgi` from the working folder (make serve).

Every process is stateless: saved estimates live in the shared database (DATABASE_URL) and rate
limits in the shared cache (REDIS_URL), so workers and hosts can be added behind a load balancer.
"""

import os

wsgi_app = "costcalc.wsgi"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Pages are priced in memory from a cached price book: a request that takes 30 s is stuck.
timeout = 30
graceful_timeout = 20
# Requests on one line each, on stdout, for whatever collects the container's or unit's output.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn 25+ opens one control socket per user by default; several servers on one host (the
# load test beside `make serve`, or two apps) would fight over it, and nothing here uses it.
control_socket_disable = True
