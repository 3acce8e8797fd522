"""Production web server settings: `gunicorn -c gunicorn.conf.py jiceng.wsgi` (README, "Running it for
real"). bench/intake.py serves with exactly these settings.

- gthread workers with keep-alive: phones, the hotline desk and Open311 clients keep their connection
  between requests instead of paying a TCP handshake and a fresh worker slot each time.
- The application is loaded once in the master (preload) and the grid index is built there before the
  workers fork, so a worker that dies (out of memory, SIGKILL) is replaced in milliseconds and its first
  report is located at once. The master's database connections are closed before forking: a
  connection must never be shared between processes.
"""

import os

bind = os.environ.get("JICENG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JICENG_WEB_WORKERS") or os.cpu_count() or 1)
worker_class = "gthread"
threads = int(os.environ.get("JICENG_WEB_THREADS") or 4)
keepalive = 30
preload_app = True
graceful_timeout = 20
loglevel = os.environ.get("JICENG_LOG_LEVEL", "warning").lower()


def when_ready(server):
    """Warm the process-wide caches in the master so every forked worker starts with them."""
    if not str(getattr(server.app, "app_uri", "")).startswith("jiceng."):
        return
    from django.db import connections

    try:
        from jiceng.network import routing

        routing.current_state()
    except Exception as exc:  # noqa: BLE001 - an unmigrated database must not stop the server
        server.log.warning("grid index not preloaded: %s", exc)
    finally:
        connections.close_all()

