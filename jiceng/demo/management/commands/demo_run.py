"""`make demo`: serve at once, build the demo city beside the server if the database is empty, and
run the background worker and the sweeps — so the platform serves within seconds however large the
demo city grows."""

import os
import signal
import subprocess  # nosec B404  # runs fixed commands only, no shell
import sys
import time

from django.core.management.base import BaseCommand

from jiceng.core.models import AuditEvent
from jiceng.orgs.models import Unit


class Command(BaseCommand):
    help = "Run the demo: web server, task worker, sweeps, and the demo city builder when the database is empty."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, **opts):
        py = sys.executable
        env = {**os.environ, "JICENG_DEMO": "1"}
        children = []
        if not Unit.objects.exists():
            self.stdout.write("Building the demo city beside the server (progress below) …")
            children.append(subprocess.Popen([py, "manage.py", "demo_city", "--if-empty", "--scale",  # nosec B603  # fixed argument list built by the script, no shell
                                              str(opts["scale"])], env=env))
        else:
            self.stdout.write("The database already holds a city; serving it.")
            if not AuditEvent.objects.filter(action="demo.built").exists():
                self.stdout.write(self.style.WARNING(
                    "Its demo build did not finish (interrupted?). For the whole demo city: "
                    "Ctrl-C, `make clean-demo`, then `make demo` again."))
        # The task worker and the sweeps are restarted when they exit (SQLite answers "database is locked"
        # to a poll that waits too long while the builder writes; a worker that dies on it comes back).
        background = {"db_worker": [py, "manage.py", "db_worker", "--interval", "1"],
                      "sweep": [py, "manage.py", "sweep", "--interval", "60"]}
        running = {name: subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)  # nosec B603  # fixed argument list built by the script, no shell
                   for name, cmd in background.items()}
        children.extend(running.values())
        bind = f"127.0.0.1:{opts['port']}"
        web = subprocess.Popen([py, "-m", "gunicorn", "jiceng.wsgi", "-b", bind, "-w", str(opts["workers"]),  # nosec B603  # fixed argument list built by the script, no shell
                                "--threads", "4", "--log-level", "warning", "--timeout", "120"], env=env)
        children.append(web)
        self.stdout.write(self.style.SUCCESS(
            f"Serving at http://{bind}/ — log in as demo-admin / demo-admin (Ctrl-C stops everything)."))

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while web.poll() is None:
            time.sleep(1)
            for name, proc in running.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} exited ({proc.returncode}); restarting it.")
                    running[name] = subprocess.Popen(background[name], env=env, stdout=subprocess.DEVNULL)  # nosec B603  # fixed argument list built by the script, no shell
                    children.append(running[name])
        stop()
