"""The magix Tutor plugin, rendered by the real Tutor (PyPI, pinned in the test extra) and parsed.

No Docker engine runs here: `tutor config save` renders everything without one, and where Tutor
calls the `docker` CLI (image builds, init jobs) a stand-in on PATH records the call instead.
"""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import dj_database_url
import pytest

from lti_tools.deploy import config_checks
from xblocks.credentials.keys import issuer_key_from_pem

from .conftest import TutorRoot, docker_calls, init_tasks, make_tutor_root, run_tutor

VERSION = version('magix-openedx')
REPO = Path(__file__).resolve().parents[2]
LMS_HOST = 'learn.example.org'
LTI_HOST = f'lti.{LMS_HOST}'
SETTINGS = (f'LMS_HOST={LMS_HOST}', 'CMS_HOST=studio.learn.example.org', 'ENABLE_HTTPS=true',
            'MAGIX_LTI_REPLICAS=4', 'MAGIX_LTI_GRADE_WORKER_REPLICAS=2', 'MAGIX_LTI_MEMORY_LIMIT=1Gi')


@pytest.fixture(scope='module')
def tutor(tmp_path_factory) -> TutorRoot:
    return make_tutor_root(tmp_path_factory.mktemp('tutor'), *SETTINGS)


def xblock_settings(settings_file: Path) -> dict:
    """Run the settings file's XBLOCK_SETTINGS statements over a platform that already has a bucket."""
    tree = ast.parse(settings_file.read_text(encoding='utf-8'))
    ours = [node for node in tree.body if 'XBLOCK_SETTINGS' in ast.unparse(node) and not isinstance(node, ast.ImportFrom)]
    assert ours, f'{settings_file}: no XBLOCK_SETTINGS'
    namespace = {'XBLOCK_SETTINGS': {'other_block': {'kept': True}}}
    exec(compile(ast.Module(body=ours, type_ignores=[]), str(settings_file), 'exec'), namespace)
    return namespace['XBLOCK_SETTINGS']


# --- Open edX: our package in the image, our blocks' settings ------------------------------------

def openedx_install_command(tutor) -> str:
    """Our RUN step in Tutor's openedx Dockerfile, as the shell command it runs."""
    dockerfile = tutor.text('build', 'openedx', 'Dockerfile')
    step = re.search(r'^RUN --mount=type=cache,target=/openedx/\.cache/pip,sharing=shared \\\n((?:.*\\\n)*.*magix-openedx.*)$',
                     dockerfile, re.M)
    return step.group(1).replace('\\\n', ' ')


def test_lms_and_cms_image_installs_our_package_after_the_platform_requirements(tutor):
    """Tutor's openedx image (one image for LMS and CMS): pip sees the platform's pins already installed."""
    dockerfile = tutor.text('build', 'openedx', 'Dockerfile').splitlines()
    requirement = f'magix-openedx=={VERSION}'
    ours = [number for number, line in enumerate(dockerfile) if f"'{requirement}'" in line]
    platform = [number for number, line in enumerate(dockerfile) if 'requirements/edx/base.txt' in line]
    assert len(ours) == 1 and platform and ours[0] > max(platform)
    assert f"--constraint /tmp/magix-platform-pins.txt '{requirement}'" in openedx_install_command(tutor)


def test_lms_and_cms_image_install_never_replaces_a_platform_pin(tutor, tmp_path):
    """The image's install step, run in a virtualenv standing for the platform's (an older nh3 than
    ours installed, as a platform pin would be): it fails naming nh3 and leaves the pin in place.
    (0.2.21 is below the nh3 versions our install_requires accepts.)"""
    import venv
    platform = tmp_path / 'platform-venv'
    venv.create(platform, with_pip=True)
    pip = [str(platform / 'bin' / 'python'), '-m', 'pip']
    subprocess.run([*pip, 'install', '--quiet', 'nh3==0.2.21'], check=True, capture_output=True, timeout=300)
    command = (openedx_install_command(tutor).replace(f"'magix-openedx=={VERSION}'", f"'{REPO}'")
               .replace('/tmp/magix-platform-pins.txt', str(tmp_path / 'pins.txt')))
    result = subprocess.run(['sh', '-e', '-c', command], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={**os.environ, 'PIP_COMMAND': ' '.join(pip)})
    assert result.returncode != 0 and 'The user requested (constraint) nh3==0.2.21' in result.stdout + result.stderr
    frozen = subprocess.run([*pip, 'freeze'], capture_output=True, text=True, check=True).stdout
    assert 'nh3==0.2.21' in frozen and 'magix-openedx' not in frozen


@pytest.mark.parametrize('service', ['lms', 'cms'])
@pytest.mark.parametrize('variant', ['production', 'development'])
def test_lms_and_cms_settings_give_our_blocks_their_settings(tutor, service, variant):
    buckets = xblock_settings(tutor.env / 'apps' / 'openedx' / 'settings' / service / f'{variant}.py')
    assert buckets['other_block'] == {'kept': True}
    credentials = buckets['magix_credential_progress']
    assert credentials['issuer_key_pem'] == tutor.config['MAGIX_ISSUER_KEY']
    key = issuer_key_from_pem(credentials['issuer_key_pem'], 'rendered settings')  # what the block loads
    assert key.alg == 'RS256' and key.private.has_private
    assert credentials['issuer_id'] == ''
    assert credentials['lti_service_url'] == f'https://{LTI_HOST}'


def test_secrets_are_generated_once_and_kept(tutor, tmp_path):
    before = tutor.config
    assert len(before['MAGIX_LTI_SECRET_KEY']) >= config_checks.MIN_SECRET_LENGTH
    assert before['MAGIX_LTI_MYSQL_PASSWORD'] and 'BEGIN RSA PRIVATE KEY' in before['MAGIX_ISSUER_KEY']
    root = tmp_path / 'again'
    shutil.copytree(tutor.root, root, ignore=shutil.ignore_patterns('env'))
    run_tutor(root, 'config', 'save')
    after = TutorRoot(root).config
    for name in ('MAGIX_LTI_SECRET_KEY', 'MAGIX_LTI_MYSQL_PASSWORD', 'MAGIX_ISSUER_KEY'):
        assert after[name] == before[name]


# --- the LTI tool service: environment, Compose, Kubernetes, Caddy -------------------------------

def test_service_environment_follows_the_service_contract(tutor):
    env, config = tutor.lti_env(), tutor.config
    assert env['DJANGO_SETTINGS_MODULE'] == 'lti_tools.service.settings'
    assert env['MAGIX_SECRET_KEY'] == config['MAGIX_LTI_SECRET_KEY']
    assert LTI_HOST in env['MAGIX_ALLOWED_HOSTS'].split(',')
    assert env['MAGIX_LTI_BASE_URL'] == f'https://{LTI_HOST}'
    assert env['MAGIX_BEHIND_TLS_PROXY'] == 'true' and env['MAGIX_SSL_REDIRECT'] == 'true'
    assert env['WEB_CONCURRENCY'] == '3'
    assert env['MAGIX_LTI_ALLOW_PRIVATE_PLATFORMS'] == 'false'   # with https: platforms on public addresses
    database = dj_database_url.parse(env['DATABASE_URL'])  # as the service parses it
    assert database['ENGINE'] == 'django.db.backends.mysql'
    assert (database['HOST'], database['PORT'], database['NAME']) == ('mysql', 3306, 'magix_lti')
    assert (database['USER'], database['PASSWORD']) == ('magix_lti', config['MAGIX_LTI_MYSQL_PASSWORD'])
    assert database['OPTIONS'] == {'charset': 'utf8mb4'}
    assert env['MAGIX_CACHE_URL'] == 'redis://redis:6379/7'


def test_compose_runs_the_service_the_grade_worker_and_the_init_job(tutor):
    services = tutor.yaml_documents('local', 'docker-compose.yml')[0]['services']
    image = f'docker.io/magix/magix-lti:{VERSION}'
    web, worker = services['magix-lti'], services['magix-lti-grades']
    for service in (web, worker):
        assert service['image'] == image
        assert (tutor.env / 'local' / service['env_file']).resolve() == tutor.env / 'plugins' / 'magix' / 'apps' / 'lti.env'
        assert service['restart'] == 'unless-stopped'
    assert 'command' not in web  # the image's gunicorn
    assert set(web['depends_on']) == {'mysql', 'redis'}
    assert worker['command'] == ['magix', 'lti', 'process-grades', '--loop', '10']
    job = tutor.yaml_documents('local', 'docker-compose.jobs.yml')[0]['services']['magix-lti-job']
    assert job['image'] == image and job['env_file'] == web['env_file']


def test_kubernetes_deployments_scale_with_probes_and_limits(tutor):
    web = tutor.manifest('k8s/deployments.yml', 'Deployment', 'magix-lti')
    assert web['spec']['replicas'] == 4
    labels = web['spec']['template']['metadata']['labels']
    assert web['spec']['selector']['matchLabels'].items() <= labels.items()
    pod = web['spec']['template']['spec']
    assert pod['securityContext']['runAsNonRoot'] is True and pod['securityContext']['runAsUser'] != 0
    (container,) = pod['containers']
    assert container['ports'] == [{'containerPort': 8000}]
    assert container['envFrom'] == [{'secretRef': {'name': 'magix-lti-env'}}]
    readiness = container['readinessProbe']['httpGet']
    assert (readiness['path'], readiness['port']) == ('/health/', 8000)
    assert container['livenessProbe']['tcpSocket']['port'] == 8000
    assert container['resources'] == {'requests': {'cpu': '250m', 'memory': '384Mi'},
                                      'limits': {'cpu': '1', 'memory': '1Gi'}}
    assert container['securityContext']['allowPrivilegeEscalation'] is False

    worker = tutor.manifest('k8s/deployments.yml', 'Deployment', 'magix-lti-grades')
    assert worker['spec']['replicas'] == 2
    (container,) = worker['spec']['template']['spec']['containers']
    assert container['command'] == ['magix', 'lti', 'process-grades', '--loop', '10']
    assert set(container['resources']) == {'requests', 'limits'}
    assert worker['spec']['template']['metadata']['labels'] != labels  # the Service never routes to it


def test_kubernetes_service_job_and_secret(tutor):
    service = tutor.manifest('k8s/services.yml', 'Service', 'magix-lti')
    web = tutor.manifest('k8s/deployments.yml', 'Deployment', 'magix-lti')
    assert service['spec']['selector'].items() <= web['spec']['template']['metadata']['labels'].items()
    assert service['spec']['ports'][0]['port'] == 8000
    job = tutor.manifest('k8s/jobs.yml', 'Job', 'magix-lti-job')
    (container,) = job['spec']['template']['spec']['containers']
    assert container['image'] == web['spec']['template']['spec']['containers'][0]['image']
    assert container['envFrom'] == [{'secretRef': {'name': 'magix-lti-env'}}]
    kustomization = tutor.yaml_documents('kustomization.yml')[0]
    (secret,) = [item for item in kustomization['secretGenerator'] if item['name'] == 'magix-lti-env']
    assert [(tutor.env / path).is_file() for path in secret['envs']] == [True]


def test_caddy_routes_the_service_host(tutor):
    caddyfile = tutor.text('apps', 'caddy', 'Caddyfile')
    block = re.search(re.escape(LTI_HOST) + r'\{\$default_site_port\} \{(.*?)\n\}', caddyfile, re.S)
    assert block and 'import proxy "magix-lti:8000"' in block.group(1)


def test_image_build_uses_the_plugin_build_folder(tutor):
    calls = docker_calls(tutor.root, 'images', 'build', 'magix-lti')
    (build,) = [call for call in calls if 'build' in call]
    context = tutor.env / 'plugins' / 'magix' / 'build' / 'magix-lti'
    assert str(context) in build
    assert sorted(path.name for path in context.iterdir()) == ['Dockerfile', 'install_service.sh', 'requirements.txt']
    assert f'--tag=docker.io/magix/magix-lti:{VERSION}' in build
    dockerfile = (context / 'Dockerfile').read_text()
    assert 'RUN sh /build/install_service.sh /opt/magix /build/requirements.txt /build' in dockerfile
    assert re.search(r'^USER 1000', dockerfile, re.M)
    assert 'lti_tools.service.wsgi:application' in dockerfile
    assert (context / 'requirements.txt').read_text().strip() == \
        f'magix-openedx[production,mysql]=={VERSION}'


def test_init_creates_the_database_then_migrates_and_makes_keys(tutor):
    tasks = init_tasks(tutor.root)
    config = tutor.config
    assert set(tasks) >= {'mysql-job', 'magix-lti-job'}
    assert 'CREATE DATABASE IF NOT EXISTS magix_lti CHARACTER SET utf8mb4' in tasks['mysql-job']
    assert f"IDENTIFIED BY '{config['MAGIX_LTI_MYSQL_PASSWORD']}'" in tasks['mysql-job']
    assert [line for line in tasks['magix-lti-job'].splitlines() if not line.startswith('#')] == ['magix lti init']


def test_an_external_postgresql_database(tutor, tmp_path):
    root = tmp_path / 'postgres'
    shutil.copytree(tutor.root, root, ignore=shutil.ignore_patterns('env'))
    url = 'postgres://magix:s3cret@db.example.org:5432/magix_lti'
    run_tutor(root, 'config', 'save', '--set', f'MAGIX_LTI_DATABASE_URL={url}')
    rendered = TutorRoot(root)
    assert rendered.lti_env()['DATABASE_URL'] == url
    assert rendered.yaml_documents('local', 'docker-compose.yml')[0]['services']['magix-lti']['depends_on'] == ['redis']
    assert 'magix_lti' not in init_tasks(root).get('mysql-job', '')


# --- bad configuration: refused at `tutor config save`, naming the value to set -----------------

@pytest.mark.parametrize('setting, named', [
    ('MAGIX_LTI_PUBLIC_URL=', 'MAGIX_LTI_PUBLIC_URL'),
    ('MAGIX_LTI_PUBLIC_URL=lti.learn.example.org', 'MAGIX_LTI_PUBLIC_URL'),
    ('MAGIX_ISSUER_KEY=not a PEM key', 'MAGIX_ISSUER_KEY'),
    ('MAGIX_LTI_SECRET_KEY=', 'MAGIX_LTI_SECRET_KEY'),
])
def test_bad_configuration_fails_at_config_save(tutor, tmp_path, setting, named):
    root = tmp_path / 'bad'
    shutil.copytree(tutor.root, root)
    before = TutorRoot(root).text('plugins', 'magix', 'apps', 'lti.env')
    result = run_tutor(root, 'config', 'save', '--set', setting, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'The magix plugin cannot use this configuration' in output and named in output
    assert 'Traceback' not in output
    assert TutorRoot(root).text('plugins', 'magix', 'apps', 'lti.env') == before  # nothing rendered from it


def good_config(**changes):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    config = {'MAGIX_LTI_HOST': LTI_HOST, 'MAGIX_LTI_PUBLIC_URL': f'https://{LTI_HOST}', 'MAGIX_ISSUER_KEY': pem,
              'MAGIX_LTI_SECRET_KEY': 'x' * 30 + 'abcdefghij' * 3, 'MAGIX_LTI_MYSQL_PASSWORD': 'pw', 'MAGIX_ISSUER_ID': '',
              'MAGIX_LTI_DATABASE_URL': '', 'MAGIX_LTI_REPLICAS': 2, 'MAGIX_LTI_WORKERS': 3,
              'MAGIX_LTI_GRADE_WORKER_REPLICAS': 1, 'MAGIX_LTI_GRADE_INTERVAL': 10}
    config.update(changes)
    return config


def test_checks_accept_a_good_configuration():
    assert config_checks.problems(good_config()) == [] and config_checks.warnings(good_config()) == []


def public_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    return ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize('changes, named', [
    ({'MAGIX_LTI_PUBLIC_URL': 'https://other.example.org'}, 'MAGIX_LTI_HOST'),
    ({'MAGIX_LTI_PUBLIC_URL': f'https://{LTI_HOST}/lti?x=1'}, 'MAGIX_LTI_PUBLIC_URL'),
    ({'MAGIX_LTI_HOST': 'not a host'}, 'MAGIX_LTI_HOST'),
    ({'MAGIX_LTI_SECRET_KEY': 'short'}, 'MAGIX_LTI_SECRET_KEY'),
    ({'MAGIX_LTI_SECRET_KEY': None}, 'MAGIX_LTI_SECRET_KEY'),
    ({'MAGIX_ISSUER_KEY': None}, 'MAGIX_ISSUER_KEY'),
    ({'MAGIX_ISSUER_KEY': 'public'}, 'public key'),
    ({'MAGIX_ISSUER_ID': 'http://issuer.example.org'}, 'MAGIX_ISSUER_ID'),
    ({'MAGIX_LTI_DATABASE_URL': 'sqlite:///tmp/x.db'}, 'MAGIX_LTI_DATABASE_URL'),
    ({'MAGIX_LTI_MYSQL_PASSWORD': ''}, 'MAGIX_LTI_MYSQL_PASSWORD'),
    ({'MAGIX_LTI_REPLICAS': 0}, 'MAGIX_LTI_REPLICAS'),
    ({'MAGIX_LTI_GRADE_INTERVAL': 'often'}, 'MAGIX_LTI_GRADE_INTERVAL'),
])
def test_checks_name_what_to_fix(changes, named):
    if changes.get('MAGIX_ISSUER_KEY') == 'public':
        changes = {'MAGIX_ISSUER_KEY': public_pem()}
    found = config_checks.problems(good_config(**changes))
    assert len(found) == 1 and named in found[0], found


def test_checks_accept_an_external_database_without_a_mysql_password():
    assert config_checks.problems(good_config(MAGIX_LTI_DATABASE_URL='postgresql://u:p@db/magix',
                                              MAGIX_LTI_MYSQL_PASSWORD='')) == []


def test_plain_http_is_a_warning_not_an_error():
    config = good_config(MAGIX_LTI_PUBLIC_URL=f'http://{LTI_HOST}')
    assert config_checks.problems(config) == []
    assert 'https' in config_checks.warnings(config)[0]


def test_rendered_environment_satisfies_the_service_settings(tutor):
    """The service's own settings accept what the plugin renders (they refuse to start otherwise)."""
    env = {**os.environ, **tutor.lti_env()}
    code = ('import django; from django.conf import settings; django.setup(); '
            'print(settings.DATABASES["default"]["ENGINE"], settings.ALLOWED_HOSTS, settings.SECURE_PROXY_SSL_HEADER)')
    result = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'django.db.backends.mysql' in result.stdout and LTI_HOST in result.stdout


@pytest.mark.parametrize('path, kind, name', [
    ('k8s/deployments.yml', 'Deployment', 'magix-lti'),
    ('k8s/deployments.yml', 'Deployment', 'magix-lti-grades'),
    ('k8s/services.yml', 'Service', 'magix-lti'),
    ('k8s/jobs.yml', 'Job', 'magix-lti-job'),
])
def test_manifests_are_valid_kubernetes_objects(tutor, path, kind, name):
    """Each manifest read into the official Kubernetes client's model (Tutor depends on it) and back:
    a misspelt or misplaced field would be dropped, a missing required one refused."""
    from kubernetes import client

    manifest = tutor.manifest(path, kind, name)
    api = client.ApiClient()
    model = api._ApiClient__deserialize(manifest, f'V1{kind}')  # the client's own reader of API objects
    assert api.sanitize_for_serialization(model) == manifest
