"""Settings of the demo host: the workbench on 127.0.0.1, SQLite under ``var/``, DEBUG allowed.

``MAGIX_VAR_DIR`` moves the state folder, ``MAGIX_DEBUG=false`` turns DEBUG off. Without
``MAGIX_SECRET_KEY`` the demo makes a random key of its own (``var/secret-key``, mode 0600):
no public default ever signs a session or seals a key.
"""
import importlib.util
import os
import secrets
from pathlib import Path

from lti_tools.common_settings import *  # noqa: F401,F403
from lti_tools.common_settings import INSTALLED_APPS, LOGGING, PUBLIC_SECRET_KEYS, TEMPLATES, VAR_DIR


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
# The demo's home is the course, played as learners play it in Open edX (lti_tools/course_player).
INSTALLED_APPS = [*INSTALLED_APPS, 'lti_tools.course_player']
# Open edX's capa templates (xblocks-contrib, the course player's problems) ahead of the SDK sample's problem.html.
CONTRIB = importlib.util.find_spec('xblocks_contrib')
CAPA_TEMPLATES = [str(Path(CONTRIB.submodule_search_locations[0], 'problem', 'capa', 'templates'))] if CONTRIB else []
# The workbench's sample blocks (the vertical that holds a pathway and its scenarios) render their
# templates by bare name, as the SDK's own settings allow.
SAMPLES = importlib.util.find_spec('sample_xblocks')
SAMPLE_TEMPLATES = [str(Path(SAMPLES.submodule_search_locations[0], 'basic', 'templates'))] if SAMPLES else []
TEMPLATES = [{**TEMPLATES[0], 'DIRS': [*TEMPLATES[0]['DIRS'], *CAPA_TEMPLATES, *SAMPLE_TEMPLATES]}]
WSGI_APPLICATION = None
LOGGING = {**LOGGING, 'root': {'handlers': ['file'], 'level': 'INFO'}}

# A platform on this machine (plain http, 127.0.0.1) may register with the demo's LTI tool, and
# the tool fetches its keys and calls its services there.
LTI_REGISTRATION_ALLOW_INSECURE = True
LTI_ALLOW_PRIVATE_PLATFORMS = True
