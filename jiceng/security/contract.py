"""Run schemathesis over the whole /api/v1/ document in process and return what it finds.

The engine is schemathesis' own (the one its CLI drives): every phase (examples, coverage, fuzzing,
stateful) and every check. Requests go to the WSGI application directly; the engine's worker thread
uses the calling thread's database connection, so a test's data (and its transaction) is what the
API sees.
"""

import dataclasses

from django.db import connections

from jiceng.wsgi import application

# The checks of issue 10 item 13, and the others schemathesis ships that apply to a read/write API.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
]


@dataclasses.dataclass(frozen=True)
class Finding:
    check: str
    operation: str
    title: str
    message: str
    request: str

    def __str__(self):
        return f"[{self.check}] {self.operation}: {self.title}\n    {self.request}\n    {self.message[:600]}"


class _SharedConnection:
    """WSGI wrapper: the engine's worker threads use the test thread's connections (like LiveServerThread)."""

    def __init__(self, app):
        self.app = app
        self.conns = {alias: connections[alias] for alias in connections}
        for conn in self.conns.values():
            conn.inc_thread_sharing()

    def __call__(self, environ, start_response):
        for alias, conn in self.conns.items():
            connections[alias] = conn
        return self.app(environ, start_response)

    def close(self):
        for conn in self.conns.values():
            conn.dec_thread_sharing()


@dataclasses.dataclass
class Result:
    findings: list[Finding]
    operations: set[str]  # the operations the engine sent requests to ("GET /api/v1/cases")


def run(*, token: str | None = None, max_examples: int = 10, seed: int = 10, phases=None,
        checks=CHECKS, include_tag: str | None = None, public_only: bool = False) -> Result:
    """Run the engine; returns every failed check (deduplicated by check, operation and title)."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema

    phases = phases or ["examples", "coverage", "fuzzing", "stateful"]
    config = SchemathesisConfig.from_dict({
        "seed": seed,
        "workers": 1,
        "continue-on-failure": True,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": max_examples, "deterministic": True, "mode": "all"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in checks}},
        "phases": {name: {"enabled": name in phases}
                   for name in ["examples", "coverage", "fuzzing", "stateful"]},
        "headers": {"Authorization": f"Bearer {token}"} if token else {},
        "warnings": False,
    })
    app = _SharedConnection(application)
    restore = _drop_socket_kwargs()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
        if include_tag:
            schema = schema.include(tag=include_tag)
        if public_only:
            schema = schema.include(func=lambda ctx: not ctx.operation.definition.raw.get("security"))
        findings: dict[tuple, Finding] = {}
        operations: set[str] = set()
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                if event.recorder.interactions:
                    operations.add(event.recorder.label)
                _collect(event.recorder, findings)
            elif isinstance(event, events.NonFatalError):
                findings[("error", event.label, str(event.value))] = Finding(
                    "engine error", event.label, type(event.value).__name__, str(event.value)[:2000], "")
            elif isinstance(event, events.FatalError):
                raise event.exception
        return Result(list(findings.values()), operations)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        app.close()
        restore()


def _drop_socket_kwargs():
    """schemathesis 4.x passes socket-level options (max_redirects, verify, ...) to werkzeug's test client on
    some in-process paths, which refuses them with a TypeError; an in-process call has no socket, drop them."""
    from schemathesis.transport.wsgi import WSGI_TRANSPORT

    original = WSGI_TRANSPORT.send

    def send(case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return original(case, session=session, **kwargs)

    WSGI_TRANSPORT.send = send
    return lambda: vars(WSGI_TRANSPORT).pop("send", None)


def _collect(recorder, findings):
    from schemathesis.engine import Status

    for case_id, nodes in recorder.checks.items():
        for node in nodes:
            if node.status != Status.FAILURE or node.failure_info is None:
                continue
            failure = node.failure_info.failure
            key = (node.name, recorder.label, failure.title)
            if key in findings:
                continue
            case = recorder.cases.get(case_id)
            request = ""
            if case is not None:
                c = case.value
                request = (f"{c.method} {c.formatted_path} query={c.query} body={str(c.body)[:300]}")
            findings[key] = Finding(node.name, recorder.label, failure.title, failure.message, request)
