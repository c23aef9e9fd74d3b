import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
application = get_wsgi_application()

from simpul.startup import refuse_insecure_secret_key  # noqa: E402 - needs the settings loaded above

refuse_insecure_secret_key()
