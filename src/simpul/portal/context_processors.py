from django.conf import settings
from django.http import HttpRequest

from simpul.regions.national import home_kabupaten


def site(request: HttpRequest) -> dict[str, object]:
    """Values every template may use: the home kabupaten's name (from the national region tree) and demo mode."""
    return {
        "REGENCY_NAME": home_kabupaten().name,
        "DEMO_MODE": settings.DEMO_MODE,
    }
