"""Django settings of the MAGIX host: the xblock-sdk workbench (our embedded demo) today,
the LTI 1.3 tool alongside it. SQLite and the local-memory cache under ``var/`` by default.

``MAGIX_VAR_DIR`` moves the state folder; ``MAGIX_SECRET_KEY`` must be set outside the demo.
"""
import os
from importlib.metadata import entry_points
from pathlib import Path

from django.conf.locale import LANG_INFO

from workbench.settings import *  # noqa: F401,F403  (the SDK's defaults, then our overrides)
from workbench.settings import INSTALLED_APPS, MIDDLEWARE, TEMPLATES

from lti_tools.services import available_languages

VAR_DIR = Path(os.environ.get('MAGIX_VAR_DIR', Path.cwd() / 'var')).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get('MAGIX_DEBUG', 'true').lower() == 'true'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver']
SECRET_KEY = os.environ.get('MAGIX_SECRET_KEY', 'magix-demo-only-not-secret')

DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': str(VAR_DIR / 'magix.sqlite3')}}
DJFS = {'type': 'osfs', 'directory_root': str(VAR_DIR / 'djpyfs'), 'url_root': '/static/djpyfs'}

# The workbench lists the scenarios of every installed XBlock; show ours, not the SDK samples.
EXCLUDED_XBLOCKS = {entry.name for entry in entry_points(group='xblock.v1') if not entry.name.startswith('magix_')}

INSTALLED_APPS = [*INSTALLED_APPS, 'lti_tools']
MIDDLEWARE = [
    *MIDDLEWARE[:2],
    'django.middleware.locale.LocaleMiddleware',
    'lti_tools.middleware.LanguageFromQueryMiddleware',
    *MIDDLEWARE[2:],
]
ROOT_URLCONF = 'lti_tools.urls'
TEMPLATES[0]['DIRS'] = [str(Path(__file__).parent / 'templates'), *TEMPLATES[0]['DIRS']]

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
