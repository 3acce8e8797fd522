"""`manage.py mobilize_drill`: issue 5's "Done when" on the demo city, with the figures printed.

A community (default: the one with the most registered members) issues a call with 300 seats; the
assignment is compared with an independent optimum of the same instance; two members answer on their
phone page in Chromium (one accepts, one declines), the others through the service (10 % decline);
the declines are refilled (compared the same way) and the refilled members accept; the status board
is read from the call's board page. The call is then closed and the community switched back to
peacetime (the call stays on record). The last line is one JSON object.
"""

import json
import logging
import os
import re
import secrets
import threading
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiceng.accounts.services import grant_create, user_create
from jiceng.core.roles import Role
from jiceng.mobilize import calls, drill
from jiceng.mobilize.models import Assignment, AssignmentState, Mode
from jiceng.orgs.models import Unit, UnitKind

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


class _Server:
    """The site on a free local port in a thread (the browser's side of the drill)."""

    def __enter__(self):
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class Quiet(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
        self.httpd.set_app(StaticFilesHandler(get_wsgi_application()))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class Command(BaseCommand):
    help = "Run the wartime call drill (300 seats) on the current database and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--community", help="community code (default: the one with the most members)")
        parser.add_argument("--seats", type=int, default=300)
        parser.add_argument("--decline", type=float, default=0.1, help="share of members who decline")
        parser.add_argument("--no-browser", action="store_true", help="answer every offer through the service")

    def handle(self, *args, **opts):
        community = (Unit.objects.filter(code=opts["community"], kind=UnitKind.COMMUNITY).first()
                     if opts["community"] else drill.busiest_community())
        if community is None:
            raise CommandError("No community with registered members: build the demo city first.")
        out = {"name": "mobilize_drill", "community": community.code}
        say = self.stdout.write
        now = timezone.now()
        t0 = time.perf_counter()
        call = drill.drill_issue(actor=None, community=community, seats=opts["seats"], now=now)
        out["issue_s"] = round(time.perf_counter() - t0, 3)
        say(f"call {call.pk} in {community.name} ({community.code}): {opts['seats']} seats")

        assigned = drill.drill_assign(actor=None, call=call, now=now)
        out["assign"] = {k: assigned[k] for k in ("seats", "filled", "total_distance_m", "total_cost", "seconds")}
        out["assign_check"] = {k: assigned["check"][k] for k in ("filled", "total_distance_m", "total_cost")}
        out["assign_optimal"] = assigned["optimal"]
        say(f"assigned {assigned['filled']}/{assigned['seats']}, total distance {assigned['total_distance_m']:,} m; "
            f"independent optimum (scipy matching over seats) {assigned['check']['filled']} filled, "
            f"{assigned['check']['total_distance_m']:,} m -> {'equal' if assigned['optimal'] else 'DIFFERENT'}")

        if "neighbours" in assigned:
            nb = assigned["neighbours"]
            out["neighbours"] = {k: nb[k] for k in ("seats", "filled", "kept", "offered", "total_distance_m")}
            out["neighbours_check"] = {k: nb["check"][k] for k in ("filled", "total_distance_m", "total_cost")}
            out["neighbours_optimal"] = nb["optimal"]
            say(f"shortfall escalated: the street drew on its communities -> {nb['filled']}/{nb['seats']} "
                f"({nb['kept']} offers kept), total distance {nb['total_distance_m']:,} m; independent optimum "
                f"with the kept offers fixed {nb['check']['filled']} filled, {nb['check']['total_distance_m']:,} m "
                f"-> {'equal' if nb['optimal'] else 'DIFFERENT'}")
        if not opts["no_browser"]:
            out["browser"] = self._browser(call)
            for b in out["browser"]:
                say(f"Chromium: member {b['member']} saw “{b['saw']}” and {b['answer']} -> {b['state']}")
        answered = drill.drill_respond(call=call, decline_share=opts["decline"], now=timezone.now())
        out["answers"] = answered
        say(f"answers through the service: {answered['accepted']} accepted, {answered['declined']} declined")

        refill = drill.drill_refill(call=call, now=timezone.now())
        out["refill"] = {k: refill.get(k) for k in ("freed", "refilled", "still_unfilled", "total_distance_m",
                                                     "seconds", "optimal")}
        if "check" in refill:
            out["refill_check"] = {k: refill["check"][k] for k in ("filled", "total_distance_m")}
        say(f"refill: {refill.get('refilled', 0)} of {refill.get('freed', 0)} freed seats offered again "
            f"({refill.get('still_unfilled', 0)} short), {refill.get('total_distance_m', 0):,} m; independent "
            f"optimum {out.get('refill_check')} -> {'equal' if refill.get('optimal') else 'DIFFERENT'}")
        again = drill.drill_respond(call=call, decline_share=0.0, now=timezone.now())
        say(f"refilled members accepted: {again['accepted']}")

        out["board"] = self._board(call)
        say(f"status board: {out['board']['page']} seats filled, {out['board']['posts_full']}/"
            f"{out['board']['posts']} posts full")
        calls.call_close(actor=None, call=call)
        calls.mode_switch(actor=None, unit=community, mode=Mode.PEACETIME, reason="演练结束")
        out["seconds"] = round(time.perf_counter() - t0, 2)
        say(json.dumps(out, ensure_ascii=False))

    def _browser(self, call) -> list[dict]:
        if not os.path.exists(CHROMIUM):
            raise CommandError("Chromium is missing (/usr/bin/chromium); run with --no-browser.")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
        from playwright.sync_api import sync_playwright

        logging.getLogger("django.request").setLevel(logging.ERROR)  # the browser's /favicon.ico 404
        offers = drill.open_offers(call)[:2]
        logins = [drill.member_login(a.member, call=call) for a in offers]
        done = []
        with _Server() as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for k, (a, (username, password)) in enumerate(zip(offers, logins, strict=True)):
                    context = browser.new_context(base_url=server.url, locale="zh-CN",
                                                  viewport={"width": 390, "height": 844})
                    page = context.new_page()
                    accept = k == 0
                    seen = drill.answer_in_browser(page, username=username, password=password, assignment=a,
                                                   accept=accept)
                    context.close()
                    state = Assignment.objects.get(pk=a.pk).state
                    expected = AssignmentState.ACCEPTED if accept else AssignmentState.DECLINED
                    if state != expected:
                        raise CommandError(f"the browser answer did not land: {state} instead of {expected}")
                    done.append({"member": a.member_id, "saw": " ".join(seen.split()[:3]),
                                 "answer": "accepted" if accept else "declined", "state": state})
            finally:
                browser.close()
        return done

    def _board(self, call) -> dict:
        """The board page as a worker of the calling community sees it (Django's test client, forced login
        of a throwaway account), and the selector's figures."""
        from django.test import Client

        figures = drill.drill_board(call)
        user = user_create(actor=None, username=f"drill-board-{call.pk}", password=secrets.token_urlsafe(12))
        grant_create(actor=None, user=user, role=Role.COMMUNITY_WORKER, unit=call.unit)
        client = Client()
        client.force_login(user)
        html = client.get(f"/mobilize/calls/{call.pk}/board/").content.decode()
        m = re.search(r'<div class="value">(\d+)/(\d+)</div>', html)
        figures["page"] = f"{m.group(1)}/{m.group(2)}" if m else "?"
        return figures
