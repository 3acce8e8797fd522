import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse demo logins and keys outside the demo here (jiceng.demo.checks).
from jiceng.demo.checks import refuse_demo_things_outside_demo  # noqa: E402

refuse_demo_things_outside_demo()
