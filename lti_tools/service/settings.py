"""Settings of the LTI tool service. It refuses to start, naming the variable, unless given:

- ``MAGIX_SECRET_KEY``: at least 50 characters, not a public default (``MAGIX_SECRET_KEY_FALLBACKS``,
  whitespace-separated, keeps old sessions and stored keys readable during a rotation);
- ``MAGIX_ALLOWED_HOSTS``: comma-separated host names (``*`` is refused);
- ``DATABASE_URL``: a database several processes share (PostgreSQL, MySQL), not SQLite.

DEBUG is never on (``MAGIX_DEBUG=true`` is refused). Optional: ``MAGIX_CACHE_URL`` (redis://),
``MAGIX_BEHIND_TLS_PROXY``, ``MAGIX_LTI_BASE_URL``, ``MAGIX_LTI_KEY_PASSPHRASE``,
``MAGIX_STATIC_ROOT``, ``MAGIX_HSTS_SECONDS``, ``MAGIX_SSL_REDIRECT``, ``MAGIX_CSRF_TRUSTED_ORIGINS``.
"""
import os

from django.core.exceptions import ImproperlyConfigured

from lti_tools.common_settings import *  # noqa: F401,F403
from lti_tools.common_settings import DATABASES, LOGGING, MIDDLEWARE, PUBLIC_SECRET_KEYS

MIN_SECRET_LENGTH = 50


def refuse(variable: str, why: str):
    raise ImproperlyConfigured(f'{variable}: {why} (the LTI tool service will not start without it; '
                               f'see README.md, "The LTI tool service")')


if os.environ.get('MAGIX_DEBUG', 'false').lower() != 'false':
    refuse('MAGIX_DEBUG', 'the service never runs with DEBUG; unset it or set it to false')
DEBUG = False

SECRET_KEY = os.environ.get('MAGIX_SECRET_KEY', '').strip()
if not SECRET_KEY:
    refuse('MAGIX_SECRET_KEY', 'set a random secret key (e.g. python -c "import secrets; '
                               'print(secrets.token_urlsafe(64))")')
if SECRET_KEY in PUBLIC_SECRET_KEYS or SECRET_KEY.startswith('django-insecure-'):
    refuse('MAGIX_SECRET_KEY', 'this is a public default key, not a secret')
if len(SECRET_KEY) < MIN_SECRET_LENGTH or len(set(SECRET_KEY)) < 5:
    refuse('MAGIX_SECRET_KEY', f'too short or too simple (at least {MIN_SECRET_LENGTH} random characters)')
SECRET_KEY_FALLBACKS = os.environ.get('MAGIX_SECRET_KEY_FALLBACKS', '').split()

ALLOWED_HOSTS = [host.strip() for host in os.environ.get('MAGIX_ALLOWED_HOSTS', '').split(',') if host.strip()]
if not ALLOWED_HOSTS:
    refuse('MAGIX_ALLOWED_HOSTS', 'list the host names the service answers to, comma-separated')
if '*' in ALLOWED_HOSTS:
    refuse('MAGIX_ALLOWED_HOSTS', '"*" would accept any Host header; list the host names')

if not os.environ.get('DATABASE_URL'):
    refuse('DATABASE_URL', 'a database shared by every worker, e.g. postgres://user:password@host:5432/magix')
if DATABASES['default']['ENGINE'] == 'django.db.backends.sqlite3':
    refuse('DATABASE_URL', 'SQLite is for the demo; the service\'s workers need PostgreSQL (or MySQL)')

ROOT_URLCONF = 'lti_tools.service.urls'
WSGI_APPLICATION = 'lti_tools.service.wsgi.application'

# The health check answers before host validation and the https redirect (probes use the pod IP);
# whitenoise serves the collected static files (``magix lti manage collectstatic --noinput``).
MIDDLEWARE = [
    'lti_tools.service.health.HealthCheckMiddleware',
    MIDDLEWARE[0],
    'whitenoise.middleware.WhiteNoiseMiddleware',
    *MIDDLEWARE[1:],
]
STORAGES = {
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    'staticfiles': {'BACKEND': 'whitenoise.storage.CompressedStaticFilesStorage'},
}

# HTTPS only: the platforms and browsers reach us through TLS (terminated here or by a proxy).
SECURE_SSL_REDIRECT = os.environ.get('MAGIX_SSL_REDIRECT', 'true').lower() == 'true'
SECURE_REDIRECT_EXEMPT = [r'^health/$']
SECURE_HSTS_SECONDS = int(os.environ.get('MAGIX_HSTS_SECONDS', 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get('MAGIX_HSTS_INCLUDE_SUBDOMAINS', 'true').lower() == 'true'
SECURE_HSTS_PRELOAD = os.environ.get('MAGIX_HSTS_PRELOAD', 'true').lower() == 'true'
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = 'same-origin'
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = os.environ.get('MAGIX_CSRF_TRUSTED_ORIGINS', '').split()

# Platforms in the service's own network (an on-premise LMS on a private address or plain http):
# their key set, token and service URLs are otherwise refused (lti_tools.lti1p3.safe_http).
LTI_ALLOW_PRIVATE_PLATFORMS = os.environ.get('MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS', 'false').lower() == 'true'

# Containers log to stderr; MAGIX_LOG_FILE writes a file (mode 0600) instead.
LOGGING = {**LOGGING, 'handlers': {**LOGGING['handlers']}, 'root': {'handlers': ['console'], 'level': 'INFO'}}
if os.environ.get('MAGIX_LOG_FILE'):
    LOGGING['handlers']['file'] = {**LOGGING['handlers']['file'], 'filename': os.environ['MAGIX_LOG_FILE']}
    LOGGING['root'] = {'handlers': ['file'], 'level': 'INFO'}
else:
    del LOGGING['handlers']['file']
