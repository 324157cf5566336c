"""Django settings of the MAGIX host: the xblock-sdk workbench (our embedded demo) today,
the LTI 1.3 tool alongside it. SQLite and the local-memory cache under ``var/`` by default.

``MAGIX_VAR_DIR`` moves the state folder; ``MAGIX_SECRET_KEY`` must be set outside the demo.
"""
import importlib.util
import os
from importlib.metadata import entry_points
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from workbench.settings import *  # noqa: F401,F403  (the SDK's defaults, then our overrides)
from workbench.settings import INSTALLED_APPS, MIDDLEWARE, TEMPLATES

from lti_tools.languages import available_languages

VAR_DIR = Path(os.environ.get('MAGIX_VAR_DIR', Path.cwd() / 'var')).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get('MAGIX_DEBUG', 'true').lower() == 'true'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver']
SECRET_KEY = os.environ.get('MAGIX_SECRET_KEY', 'magix-demo-only-not-secret')

DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': str(VAR_DIR / 'magix.sqlite3')}}
DJFS = {'type': 'osfs', 'directory_root': str(VAR_DIR / 'djpyfs'), 'url_root': '/static/djpyfs'}

# The workbench lists the scenarios of every installed XBlock; show ours, not the SDK samples.
EXCLUDED_XBLOCKS = {entry.name for entry in entry_points(group='xblock.v1') if not entry.name.startswith('magix_')}

INSTALLED_APPS = [*INSTALLED_APPS, 'lti_tools', 'lti_tools.results', 'lti_tools.tool',
                  'lti_tools.course_player']
MIDDLEWARE = [
    *MIDDLEWARE[:2],
    'django.middleware.locale.LocaleMiddleware',
    'lti_tools.middleware.LanguageFromQueryMiddleware',
    *MIDDLEWARE[2:],
]
ROOT_URLCONF = 'lti_tools.urls'
# Open edX's capa templates (xblocks-contrib, the course player's problems) ahead of the SDK sample's problem.html.
CONTRIB = importlib.util.find_spec('xblocks_contrib')
CAPA_TEMPLATES = [str(Path(CONTRIB.submodule_search_locations[0], 'problem', 'capa', 'templates'))] if CONTRIB else []
TEMPLATES[0]['DIRS'] = [str(Path(__file__).parent / 'templates'), *CAPA_TEMPLATES, *TEMPLATES[0]['DIRS']]

LANGUAGE_CODE = 'en'
LANGUAGES = [(code, LANG_INFO.get(code, {}).get('name_local', code)) for code in available_languages()]
TIME_ZONE = 'UTC'

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {'file': {'class': 'logging.FileHandler', 'filename': str(VAR_DIR / 'magix.log')}},
    'root': {'handlers': ['file'], 'level': 'INFO'},
}

WORKBENCH = {
    'reset_state_on_restart': False,
    'services': {
        'fs': 'xblock.reference.plugins.FSService',
        'settings': 'workbench.services.SettingsService',
        'i18n': 'lti_tools.services.BlockI18nService',
        'user': 'lti_tools.services.DemoUserService',
    },
}

# Credentials: the course the demo host stands for, and the issuer that signs earned credentials.
# MAGIX_ISSUER_KEY: PEM private key (EC P-256 or RSA); the demo creates var/issuer-key.pem at first use.
MAGIX_COURSE_KEY = os.environ.get('MAGIX_COURSE_KEY', 'course-v1:MAGIX+AIGOV101+2026')
MAGIX_ISSUER_KEY = os.environ.get('MAGIX_ISSUER_KEY', str(VAR_DIR / 'issuer-key.pem'))
MAGIX_ISSUER_ID = os.environ.get('MAGIX_ISSUER_ID', '')  # issuer URL; default: the issuing body's homepage

# --- LTI 1.3 tool and production (several workers and hosts) ---------------------------------------
# DATABASE_URL (e.g. postgres://...) and MAGIX_CACHE_URL (redis://...) share nonces, login states,
# key sets, tokens and the grade queue between workers; SQLite and the local cache stay the default.
PRODUCTION_EXTRA = "install the production extra: pip install 'magix-openedx[production]'"
if os.environ.get('DATABASE_URL'):
    try:
        import dj_database_url
    except ImportError as error:
        raise ImproperlyConfigured(f'DATABASE_URL is set: {PRODUCTION_EXTRA}') from error
    DATABASES = {'default': dj_database_url.parse(os.environ['DATABASE_URL'], conn_max_age=600)}
if os.environ.get('MAGIX_CACHE_URL'):
    if importlib.util.find_spec('redis') is None:
        raise ImproperlyConfigured(f'MAGIX_CACHE_URL is set: {PRODUCTION_EXTRA}')
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                          'LOCATION': os.environ['MAGIX_CACHE_URL']}}
if os.environ.get('MAGIX_ALLOWED_HOSTS'):
    ALLOWED_HOSTS = [host.strip() for host in os.environ['MAGIX_ALLOWED_HOSTS'].split(',') if host.strip()]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: request.is_secure() and the URLs
# we build (redirect URI, deep links) say https.
if os.environ.get('MAGIX_BEHIND_TLS_PROXY', '').lower() == 'true':
    SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
    USE_X_FORWARDED_HOST = True
LTI_BASE_URL = os.environ.get('MAGIX_LTI_BASE_URL', '')  # public base URL, when the proxy hides it
LTI_KEY_GRACE_SECONDS = int(os.environ.get('MAGIX_LTI_KEY_GRACE_SECONDS', 7 * 24 * 3600))
# The credential widget reads its issuer from the XBlock settings service, as in the LMS
# (XBLOCK_SETTINGS['magix_credential_progress']); the demo creates its key on first download.
XBLOCK_SETTINGS = {**globals().get('XBLOCK_SETTINGS', {}), 'magix_credential_progress': {
    'issuer_key': MAGIX_ISSUER_KEY, 'issuer_id': MAGIX_ISSUER_ID,
    'create_demo_key': 'MAGIX_ISSUER_KEY' not in os.environ,
}}
