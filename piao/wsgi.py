"""WSGI entry point (gunicorn piao.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "piao.settings")
application = get_wsgi_application()
