"""Middleware that only measurement turns on.

`QueryCountMiddleware` adds `X-Query-Count` (SQL statements run for the request on the default
database) and `X-Server-Ms` (time inside Django) to every response. It is in MIDDLEWARE only when
JICENG_QUERY_COUNT_HEADER=1 (bench/pages.py sets it for the server it starts); production never sends
these headers.
"""

import time

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response
