"""Language choice for the demo host: ``?lang=fr`` switches the UI and is remembered in a cookie."""
from django.conf import settings
from django.utils import translation


class LanguageFromQueryMiddleware:
    """Runs after Django's ``LocaleMiddleware`` (which reads the cookie and Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.GET.get('lang')
        supported = {code for code, _ in settings.LANGUAGES}
        if wanted not in supported:
            return self.get_response(request)
        request.LANGUAGE_CODE = wanted
        with translation.override(wanted):
            response = self.get_response(request)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, wanted, samesite='Lax')
        return response
