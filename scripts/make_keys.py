"""Create var/secret.key, var/data.key and var/audit.key once (outside git). Existing keys are kept."""

import base64
import os
import secrets
import sys
from pathlib import Path

var = Path(os.environ.get("JICENG_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
var.mkdir(parents=True, exist_ok=True)
for name, make in (("secret.key", lambda: secrets.token_urlsafe(50)),
                   ("data.key", lambda: base64.b64encode(os.urandom(32)).decode()),
                   ("audit.key", lambda: base64.b64encode(os.urandom(32)).decode())):
    path = var / name
    if not path.exists():
        path.write_text(make() + "\n")
        path.chmod(0o600)
        print(f"created {path}", file=sys.stderr)
