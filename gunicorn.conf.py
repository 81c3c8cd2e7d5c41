"""gunicorn's settings for `make serve` (override with GUNICORN_CMD_ARGS or flags).

A request may take a worker for at most `timeout` seconds: every page and form is
bounded well under it (sizes, rows and pixels are capped, see README), and work
that could take longer is refused with a message instead of run.
"""

import os

import gunicorn.http.wsgi

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('SERVE_PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
#: A worker busy for longer than this is killed and replaced.
timeout = int(os.environ.get("WORKER_TIMEOUT", "30"))
graceful_timeout = 30
#: Workers are replaced now and then, so that memory a large page took comes back.
max_requests = 1000
max_requests_jitter = 100
#: Request lines and headers stay small (the defaults, stated).
limit_request_line = 4094
limit_request_fields = 100
accesslog = "-"
#: No version in the Server header: it tells an attacker what to try.
gunicorn.http.wsgi.SERVER = "juragan"
