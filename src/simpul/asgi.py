import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
application = get_asgi_application()

from simpul.startup import refuse_insecure_secret_key  # noqa: E402 - needs the settings loaded above

refuse_insecure_secret_key()
