import os

from django.core.wsgi import get_wsgi_application

from config.middleware import RequestBodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Bodies over the limit are refused here, before Django or any parser reads them.
application = RequestBodyLimit(get_wsgi_application())

from config.runtime import settle  # noqa: E402 (needs the loaded settings)

settle()
