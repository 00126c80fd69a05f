import os

from django.core.wsgi import get_wsgi_application

from backoffice.core.db import serving_http

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
serving_http()  # web requests get DB_STATEMENT_TIMEOUT_WEB (backoffice/core/db.py)
application = get_wsgi_application()
