"""Personal data at rest: AES-256-GCM for the value, an HMAC of the normalized value for lookup.

The key comes from JICENG_DATA_KEY (base64 of 32 bytes). The HMAC key is derived from it, so one
secret protects both. Ciphertexts are versioned (`v1:`) so the key can be rotated later.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _keys() -> tuple[AESGCM, bytes]:
    try:
        raw = base64.b64decode(settings.JICENG_DATA_KEY, validate=True)
    except ValueError:
        raise ImproperlyConfigured("JICENG_DATA_KEY is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured("JICENG_DATA_KEY must be 32 bytes (base64-encoded).")
    mac_key = hmac.new(raw, b"jiceng-lookup-hmac-v1", hashlib.sha256).digest()
    return AESGCM(raw), mac_key


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def encrypt(value: str) -> str:
    aes, _ = _keys()
    nonce = os.urandom(12)
    return "v1:" + base64.b64encode(nonce + aes.encrypt(nonce, value.encode("utf-8"), None)).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    aes, _ = _keys()
    if not token.startswith("v1:"):
        raise ValueError("unknown ciphertext version")
    blob = base64.b64decode(token[3:])
    return aes.decrypt(blob[:12], blob[12:], None).decode("utf-8")


def lookup_hash(normalized: str) -> str:
    _, mac_key = _keys()
    return hmac.new(mac_key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()
