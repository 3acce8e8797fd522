"""Middleware that only measurement turns on.

`QueryCountMiddleware` adds `X-Query-Count` (SQL statements run for the request on the default
database), `X-Server-Ms` (wall time inside Django), `X-Db-Ms` (of which waiting on the database) and
`X-Cpu-Ms` (CPU time of the request's thread: on a loaded machine the figure that waiting does not
inflate) to every response. It is in MIDDLEWARE only when
JICENG_QUERY_COUNT_HEADER=1 (bench/pages.py sets it for the server it starts); production never sends
these headers.
"""

import time

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count, db = 0, 0.0

        def counter(execute, sql, params, many, context):
            nonlocal count, db
            count += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db += time.perf_counter() - started

        started, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        response["X-Db-Ms"] = f"{db * 1000:.1f}"
        response["X-Cpu-Ms"] = f"{(time.thread_time() - cpu) * 1000:.1f}"
        return response
