"""The client's network address, for throttling (public reports, SMS codes, logins).

Behind a reverse proxy every request comes from the proxy: set JICENG_TRUSTED_PROXIES to the number
of proxies in front of the application, and the address is read from X-Forwarded-For, counting that
many entries from the right (entries further left are the client's own claims and are not trusted).
"""

from django.conf import settings


def client_address(request) -> str:
    proxies = int(getattr(settings, "JICENG_TRUSTED_PROXIES", 0) or 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]
