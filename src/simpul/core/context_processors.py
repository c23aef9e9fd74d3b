from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Values every template may use."""
    return {
        "REGENCY_NAME": settings.SIMPUL_REGENCY_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
    }
