"""The ``magix`` Tutor plugin: our blocks in the LMS and Studio, the LTI tool service beside them.

Shaped like Tutor's own service plugins (tutor-notes, tutor-forum): configuration under ``MAGIX_*``
with secrets Tutor generates once, patches for the Open edX settings and image, the Compose
services and Kubernetes manifests, a Caddy route, an init task; the service's image is built
from ``templates/magix/build/magix-lti``. Imported only by Tutor (``tutor.plugin.v1``).
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tutor import exceptions, fmt, hooks

from lti_tools.deploy import config_checks

HERE = Path(__file__).parent
try:
    VERSION = version('magix-openedx')
except PackageNotFoundError:  # a checkout on sys.path without an install
    VERSION = '0.1.0'

SCHEME = "{% if ENABLE_HTTPS %}https{% else %}http{% endif %}"
CONFIG_DEFAULTS = {
    'VERSION': VERSION,
    # What pip installs into the LMS and CMS images (the platform's pins decide the dependencies)
    # and into the service image; a PEP 508 URL works too ("magix-openedx @ git+https://...").
    'PIP_REQUIREMENT': 'magix-openedx=={{ MAGIX_VERSION }}',
    'LTI_PIP_REQUIREMENT': 'magix-openedx[production,mysql]=={{ MAGIX_VERSION }}',
    'LTI_DOCKER_IMAGE': '{{ DOCKER_REGISTRY }}magix/magix-lti:{{ MAGIX_VERSION }}',
    'LTI_HOST': 'lti.{{ LMS_HOST }}',
    'LTI_PUBLIC_URL': SCHEME + '://{{ MAGIX_LTI_HOST }}',
    # Empty: a database and user of their own on Tutor's MySQL. Else a PostgreSQL or MySQL URL.
    'LTI_DATABASE_URL': '',
    'LTI_MYSQL_DATABASE': 'magix_lti',
    'LTI_MYSQL_USERNAME': 'magix_lti',
    'LTI_REDIS_DB': 7,
    'LTI_REPLICAS': 2,
    'LTI_WORKERS': 3,  # gunicorn processes per replica
    # Platforms in this network (an LMS on a private address or plain http, as Open edX itself in
    # `tutor dev`/`tutor local` without https): their keys and services are otherwise refused.
    'LTI_ALLOW_PRIVATE_PLATFORMS': "{% if ENABLE_HTTPS %}false{% else %}true{% endif %}",
    'LTI_CPU_REQUEST': '250m',
    'LTI_CPU_LIMIT': '1',
    'LTI_MEMORY_REQUEST': '384Mi',
    'LTI_MEMORY_LIMIT': '768Mi',
    'LTI_GRADE_WORKER_REPLICAS': 1,
    'LTI_GRADE_INTERVAL': 10,  # seconds between passes over the grade queue
    'LTI_GRADE_WORKER_CPU_REQUEST': '50m',
    'LTI_GRADE_WORKER_CPU_LIMIT': '500m',
    'LTI_GRADE_WORKER_MEMORY_REQUEST': '192Mi',
    'LTI_GRADE_WORKER_MEMORY_LIMIT': '384Mi',
    # The credentials' issuer id (an https URL or urn:); empty: the pathway issuer's homepage.
    'ISSUER_ID': '',
}
CONFIG_UNIQUE = {
    'ISSUER_KEY': '{{ 2048|rsa_private_key }}',
    'LTI_SECRET_KEY': '{{ 64|random_string }}',
    'LTI_MYSQL_PASSWORD': '{{ 24|random_string }}',
}

hooks.Filters.CONFIG_DEFAULTS.add_items([(f'MAGIX_{key}', value) for key, value in CONFIG_DEFAULTS.items()])
hooks.Filters.CONFIG_UNIQUE.add_items([(f'MAGIX_{key}', value) for key, value in CONFIG_UNIQUE.items()])


@hooks.Actions.CONFIG_LOADED.add()
def _check_config(config):
    """Refuse a configuration the deployment could not run with, naming the value to set."""
    for warning in config_checks.warnings(config):
        fmt.echo_alert(f'magix: {warning}')
    found = config_checks.problems(config)
    if found:
        raise exceptions.TutorError('The magix plugin cannot use this configuration:\n'
                                    + '\n'.join(f'  - {problem}' for problem in found))


# Templates: the service's image (Dockerfile, install script, what it installs) and its environment.
hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(HERE / 'templates'))
hooks.Filters.ENV_TEMPLATE_TARGETS.add_items([('magix/build', 'plugins'), ('magix/apps', 'plugins')])
for patch in sorted((HERE / 'patches').iterdir()):
    if not patch.name.startswith('.'):
        hooks.Filters.ENV_PATCHES.add_item((patch.name, patch.read_text(encoding='utf-8')))

hooks.Filters.IMAGES_BUILD.add_item(
    ('magix-lti', ('plugins', 'magix', 'build', 'magix-lti'), '{{ MAGIX_LTI_DOCKER_IMAGE }}', ()))
hooks.Filters.IMAGES_PULL.add_item(('magix-lti', '{{ MAGIX_LTI_DOCKER_IMAGE }}'))
hooks.Filters.IMAGES_PUSH.add_item(('magix-lti', '{{ MAGIX_LTI_DOCKER_IMAGE }}'))

# `tutor local|k8s do init`: our database and user on Tutor's MySQL, then migrations and signing keys.
for service, task in (('mysql', 'mysql-init.sh'), ('magix-lti', 'lti-init.sh')):
    hooks.Filters.CLI_DO_INIT_TASKS.add_item((service, (HERE / 'tasks' / task).read_text(encoding='utf-8')))


@hooks.Filters.APP_PUBLIC_HOSTS.add()
def _public_hosts(hosts, context_name):
    return [*hosts, '{{ MAGIX_LTI_HOST }}']

