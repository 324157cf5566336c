"""Settings of the demo host: the workbench on 127.0.0.1, SQLite under ``var/``, DEBUG allowed.

``MAGIX_VAR_DIR`` moves the state folder, ``MAGIX_DEBUG=false`` turns DEBUG off. Without
``MAGIX_SECRET_KEY`` the demo makes a random key of its own (``var/secret-key``, mode 0600):
no public default ever signs a session or seals a key.
"""
import os
import secrets

from lti_tools.common_settings import *  # noqa: F401,F403
from lti_tools.common_settings import LOGGING, PUBLIC_SECRET_KEYS, VAR_DIR


def local_secret_key(path) -> str:
    """This machine's demo secret: made once, readable by its owner only."""
    try:
        with open(path, 'x', encoding='ascii') as created:
            created.write(secrets.token_urlsafe(50))
    except FileExistsError:
        pass
    return path.read_text(encoding='ascii').strip()


DEBUG = os.environ.get('MAGIX_DEBUG', 'true').lower() == 'true'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver']
if os.environ.get('MAGIX_ALLOWED_HOSTS'):
    ALLOWED_HOSTS = [host.strip() for host in os.environ['MAGIX_ALLOWED_HOSTS'].split(',') if host.strip()]
SECRET_KEY = os.environ.get('MAGIX_SECRET_KEY', '')
if not SECRET_KEY or SECRET_KEY in PUBLIC_SECRET_KEYS:
    SECRET_KEY = local_secret_key(VAR_DIR / 'secret-key')

ROOT_URLCONF = 'lti_tools.demo.urls'
WSGI_APPLICATION = None
LOGGING = {**LOGGING, 'root': {'handlers': ['file'], 'level': 'INFO'}}

# A platform on this machine (plain http, 127.0.0.1) may register with the demo's LTI tool.
LTI_REGISTRATION_ALLOW_INSECURE = True
