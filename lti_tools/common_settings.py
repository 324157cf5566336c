"""Settings both MAGIX hosts share: the apps, middleware, templates, languages, state folder,
database and cache from the environment, the LTI tool's settings, logging.

The hosts add their own on top: ``lti_tools.demo.settings`` (the workbench demo of ``make demo``:
SQLite, learner switching, DEBUG allowed) and ``lti_tools.service.settings`` (the LTI tool service
we run for partner platforms: refuses to start without a real secret key, allowed hosts and a
shared database; never DEBUG). Neither is meant to be imported directly: use ``django.conf.settings``.
"""
import importlib.util
import os
import stat
from importlib.metadata import entry_points
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from lti_tools.transactions import sqlite_database
from xblocks.i18n import available_languages  # not lti_tools.services: it imports XBlock, whose djpyfs needs apps

# Files holding data or keys (SQLite database and journal, key PEMs, logs, uploaded files) are
# created readable by their owner only, whichever code creates them.
os.umask(0o077)


def private_folder(path: Path) -> Path:
    """``path`` created (or tightened) to mode 0700, unless it is a shared sticky folder like /tmp."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX and stat.S_IMODE(info.st_mode) != 0o700:
        path.chmod(0o700)
    return path


VAR_DIR = private_folder(Path(os.environ.get('MAGIX_VAR_DIR', Path.cwd() / 'var')).resolve())
# Files an earlier version created with the default umask: owner only from now on.
for _name in ('magix.sqlite3', 'magix.log', 'issuer-key.pem', 'secret-key'):
    _file = VAR_DIR / _name
    if _file.is_file() and _file.stat().st_uid == os.getuid():
        _file.chmod(0o600)

DEBUG = False
# Secret keys that are public (ours before the hosts were split, the xblock-sdk's): never used
# to sign; the service refuses them and the demo makes its own.
PUBLIC_SECRET_KEYS = frozenset({'magix-demo-only-not-secret',
                                '5ftdd9(@p)tg&amp;bqv$(^d!63psz9+g+_i5om_e%!32%po2_+%l7'})

INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'django.contrib.admin',
    'djpyfs',
    'workbench',          # its XBlockState table holds learner state (both hosts); its pages: demo only
    'lti_tools',
    'lti_tools.results',
    'lti_tools.tool',
]
MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.locale.LocaleMiddleware',
    'lti_tools.middleware.LanguageFromQueryMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]
TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'DIRS': [str(Path(__file__).parent / 'templates')],
    'APP_DIRS': True,
    'OPTIONS': {'context_processors': [
        'django.contrib.auth.context_processors.auth',
        'django.template.context_processors.debug',
        'django.template.context_processors.i18n',
        'django.template.context_processors.request',
        'django.template.context_processors.static',
        'django.template.context_processors.tz',
        'django.contrib.messages.context_processors.messages',
    ]},
}]
X_FRAME_OPTIONS = 'DENY'   # LTI pages send CSP frame-ancestors (the launching platform) instead

LANGUAGE_CODE = 'en'
LANGUAGES = [(code, LANG_INFO.get(code, {}).get('name_local', code)) for code in available_languages()]
TIME_ZONE = 'UTC'
USE_I18N = True
USE_TZ = True
SITE_ID = 1
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'   # the xblock-sdk's tables; our apps say BigAutoField

STATIC_URL = '/static/'
STATIC_ROOT = os.environ.get('MAGIX_STATIC_ROOT', str(VAR_DIR / 'static'))
MEDIA_ROOT, MEDIA_URL = '', ''
DJFS = {'type': 'osfs', 'directory_root': str(VAR_DIR / 'djpyfs'), 'url_root': '/static/djpyfs'}

# WAL, a busy timeout and BEGIN IMMEDIATE: concurrent handler calls queue instead of failing.
DATABASES = {'default': sqlite_database(VAR_DIR / 'magix.sqlite3')}
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'LOCATION': 'magix'}}

# The workbench lists the scenarios of every installed XBlock; show ours, not the SDK samples.
EXCLUDED_XBLOCKS = {entry.name for entry in entry_points(group='xblock.v1') if not entry.name.startswith('magix_')}
WORKBENCH = {
    'reset_state_on_restart': False,
    'services': {
        'fs': 'xblock.reference.plugins.FSService',
        'settings': 'workbench.services.SettingsService',
        'i18n': 'lti_tools.services.BlockI18nService',
        'user': 'lti_tools.services.DemoUserService',
    },
}

# Logging: never a secret in a log line (launch sessions and registration tokens are masked).
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'filters': {'redact': {'()': 'lti_tools.log_redaction.RedactSecrets'}},
    'handlers': {'file': {'class': 'logging.FileHandler', 'filename': str(VAR_DIR / 'magix.log'),
                          'filters': ['redact']},
                 'console': {'class': 'logging.StreamHandler', 'filters': ['redact']}},
    'root': {'handlers': ['file'], 'level': 'INFO'},
}

# Credentials: the course the demo host stands for, and the issuer that signs earned credentials.
# MAGIX_ISSUER_KEY: PEM private key (EC P-256 or RSA); the demo creates var/issuer-key.pem at first use.
MAGIX_COURSE_KEY = os.environ.get('MAGIX_COURSE_KEY', 'course-v1:MAGIX+AIGOV101+2026')
MAGIX_ISSUER_KEY = os.environ.get('MAGIX_ISSUER_KEY', str(VAR_DIR / 'issuer-key.pem'))
MAGIX_ISSUER_ID = os.environ.get('MAGIX_ISSUER_ID', '')  # issuer URL; default: the issuing body's homepage
# The credential widget reads its issuer from the XBlock settings service, as in the LMS
# (XBLOCK_SETTINGS['magix_credential_progress']); the demo creates its key on first download.
XBLOCK_SETTINGS = {'magix_credential_progress': {
    'issuer_key': MAGIX_ISSUER_KEY, 'issuer_id': MAGIX_ISSUER_ID,
    'create_demo_key': 'MAGIX_ISSUER_KEY' not in os.environ,
}}

# --- several workers and hosts ----------------------------------------------------------------------
# DATABASE_URL (e.g. postgres://...) and MAGIX_CACHE_URL (redis://...) share nonces, login states,
# key sets, tokens and the grade queue between workers; SQLite and the local cache stay the demo's default.
PRODUCTION_EXTRA = "install the production extra: pip install 'magix-openedx[production]'"
if os.environ.get('DATABASE_URL'):
    try:
        import dj_database_url
    except ImportError as error:
        raise ImproperlyConfigured(f'DATABASE_URL is set: {PRODUCTION_EXTRA}') from error
    DATABASES = {'default': dj_database_url.parse(os.environ['DATABASE_URL'], conn_max_age=600,
                                                  conn_health_checks=True)}
if os.environ.get('MAGIX_CACHE_URL'):
    if importlib.util.find_spec('redis') is None:
        raise ImproperlyConfigured(f'MAGIX_CACHE_URL is set: {PRODUCTION_EXTRA}')
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                          'LOCATION': os.environ['MAGIX_CACHE_URL']}}
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: request.is_secure() and the URLs
# we build (redirect URI, deep links) say https.
if os.environ.get('MAGIX_BEHIND_TLS_PROXY', '').lower() == 'true':
    SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
    USE_X_FORWARDED_HOST = True

# --- the LTI 1.3 tool -------------------------------------------------------------------------------
LTI_BASE_URL = os.environ.get('MAGIX_LTI_BASE_URL', '')  # public base URL, when the proxy hides it
LTI_KEY_GRACE_SECONDS = int(os.environ.get('MAGIX_LTI_KEY_GRACE_SECONDS', 7 * 24 * 3600))
# Our LTI private keys are stored encrypted with this passphrase; empty: derived from SECRET_KEY.
LTI_KEY_PASSPHRASE = os.environ.get('MAGIX_LTI_KEY_PASSPHRASE', '')
# Dynamic registration: may the platform's configuration URL be plain http / a private address?
# Only the demo (and tests with a platform on 127.0.0.1) allow it.
LTI_REGISTRATION_ALLOW_INSECURE = False
# May a registered platform's URLs (key set, token, line items, scores, rosters) be plain http or
# private addresses? Only for platforms in the host's own network (the demo; the service with
# MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS=true for an on-premise LMS). Otherwise each is refused.
LTI_ALLOW_PRIVATE_PLATFORMS = False
LTI_REGISTRATION_LINK_HOURS = 24
# Where logins in flight (state, nonce) and used nonces live: 'cache', 'database', or '' to choose
# the cache when every worker shares it (MAGIX_CACHE_URL: Redis), else the database (lti_tools.tool.store).
LTI_LOGIN_STATES = os.environ.get('MAGIX_LTI_LOGIN_STATES', '')
# How long a grade worker owns a score it is posting; after a crash, the score is posted again then.
LTI_GRADE_CLAIM_SECONDS = float(os.environ.get('MAGIX_LTI_GRADE_CLAIM_SECONDS', 120))
# The exercises the tool offers: the scenario package's content folder, or this folder.
LTI_CONTENT_DIR = os.environ.get('MAGIX_LTI_CONTENT_DIR') or None
