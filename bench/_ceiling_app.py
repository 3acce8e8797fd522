"""The HTTP ceiling for bench/intake.py: a WSGI application that reads the request body and answers a
constant 201 with a case-like JSON body, served by gunicorn with the platform's own settings. What the
same clients reach against it is the most any Python web application can do on this machine."""

BODY = b'{"code": "CEILING000", "status": "received"}'


def application(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
