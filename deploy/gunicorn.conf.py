"""Gunicorn settings for one Quartier instance (deploy/systemd/quartier@.service passes --bind per instance).

Anything here can be overridden per installation with GUNICORN_CMD_ARGS in /etc/quartier/quartier.env, e.g.
GUNICORN_CMD_ARGS="--workers 6". The values suit a machine with 2 to 4 cores running two instances.
"""

wsgi_app = "quartier.wsgi"
# Threads per worker: requests mostly wait for PostgreSQL and Redis; the sync parts are short.
worker_class = "gthread"
workers = 3
threads = 4
# nginx buffers request bodies and answers, so a worker is never held by a slow client; 30 s is ample for the
# slowest page (the printed programme renders in about 3 s).
timeout = 30
graceful_timeout = 25
keepalive = 5
# Workers are replaced now and then, spread out, so that memory growth cannot accumulate.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-Proto is accepted only from nginx on this machine; the client address is taken by the app from
# X-Forwarded-For and QUARTIER_TRUSTED_PROXIES (docs/client-addresses.md), gunicorn does not rewrite it.
forwarded_allow_ips = "127.0.0.1,::1"
# Errors to the journal; no access log here: nginx logs requests with shortened addresses.
errorlog = "-"
accesslog = None
loglevel = "info"
# Heartbeat files in memory, not on the (possibly slow) disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a tmpfs for the heartbeat files, not shared data
proc_name = "quartier"
