"""MAGIX on Open edX: scenario exercises, stackable micro-credentials, OLX and LTI tooling."""
import os

from setuptools import find_packages, setup


def package_data(package, roots):
    """Files under ``roots`` of ``package`` (templates, static, compiled translations, content)."""
    found = []
    for root in roots:
        for dirname, _, files in os.walk(os.path.join(package.replace('.', '/'), root)):
            for name in files:
                found.append(os.path.relpath(os.path.join(dirname, name), package.replace('.', '/')))
    return found


setup(
    name='magix-openedx',
    version='0.1.0',
    description='MAGIX on Open edX: public-sector scenario exercises and stackable micro-credentials',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='AGPL-3.0',
    python_requires='>=3.12,<3.13',
    packages=find_packages(include=['xblocks', 'xblocks.*', 'course_export', 'course_export.*',
                                    'lti_tools', 'lti_tools.*']),
    py_modules=['magix'],
    package_data={
        'xblocks.scenario': package_data('xblocks.scenario', ['templates', 'static', 'translations', 'content'])
        + ['SCENARIO_FORMAT.md'],
        'xblocks.credentials': package_data('xblocks.credentials', ['templates', 'static', 'translations', 'content'])
        + ['PATHWAY_FORMAT.md'],
        'course_export': package_data('course_export', ['demo_course']) + ['README.md'],
        'lti_tools': package_data('lti_tools', ['templates', 'locale']),
        'lti_tools.tool': package_data('lti_tools.tool', ['templates', 'static']),
        'lti_tools.deploy.tutor_plugin': package_data('lti_tools.deploy.tutor_plugin', ['patches', 'tasks', 'templates']),
    },
    install_requires=[
        'XBlock==6.3.4',
        'web-fragments==4.0.0',
        'edx-opaque-keys==4.0.1',
        'lxml==6.1.3',
        'nh3==0.3.8',
        'polib==1.2.0',
        'Babel==2.18.0',
        'PyJWT[crypto]==2.15.1',
        'cryptography==50.0.2',
        'jwcrypto==1.6.1',
        'requests==2.34.2',
    ],
    extras_require={
        # The embedded demo host: the xblock-sdk workbench under Django 5.2 LTS.
        'demo': [
            'Django==5.2.19',
            'xblock-sdk==0.15.2',
            'openedx-django-pyfs==4.0.0',
        ],
        'test': [
            'Django==5.2.19',
            'xblock-sdk==0.15.2',
            'openedx-django-pyfs==4.0.0',
            'lti-consumer-xblock==11.4.4',
            'pytest==9.2.0',
            'pytest-django==4.14.0',
            'hypothesis==6.170.15',
            'jsonschema==4.26.0',
            'pyshacl==0.40.1',
            'rdflib==7.6.0',
            'olxcleaner==0.3.0',
            'playwright==1.65.2',
            # the LTI tool service is tested for real: gunicorn, whitenoise, PostgreSQL, Redis
            'dj-database-url==3.1.2',
            'psycopg[binary]==3.3.9',
            'redis==8.1.0',
            'gunicorn==23.0.0',
            'whitenoise==6.12.0',
            # the Tutor plugin rendered in a temporary Tutor root; the service on MariaDB (mysql extra)
            'tutor==22.0.3',
            'mysqlclient==2.3.2',
        ],
        # `magix course check` / `magix course build`: olxcleaner validates course archives.
        'course': [
            'olxcleaner==0.3.0',
        ],
        # `make bench`: the peers our benchmarks compare against (installed in .venv-bench only).
        'bench': [
            'branching-xblock==0.3.3',
        ],
        # Several workers and hosts: PostgreSQL and Redis, configured from the environment.
        # The LTI tool service (lti_tools.service): gunicorn, whitenoise, PostgreSQL and Redis.
        'production': [
            'Django==5.2.19',
            'xblock-sdk==0.15.2',
            'openedx-django-pyfs==4.0.0',
            'dj-database-url==3.1.2',
            'psycopg[binary]==3.3.9',
            'redis==8.1.0',
            'gunicorn==23.0.0',
            'whitenoise==6.12.0',
        ],
        # The LTI tool service on MySQL (Tutor's database): mysqlclient, as Open edX itself uses;
        # it compiles against the MySQL/MariaDB client library (Debian: default-libmysqlclient-dev, pkg-config).
        'mysql': [
            'mysqlclient==2.3.2',
        ],
    },
    entry_points={
        'xblock.v1': [
            'magix_scenario = xblocks.scenario.block:ScenarioBlock',
            'magix_credential_progress = xblocks.credentials.block:CredentialProgressBlock',
        ],
        # `tutor plugins enable magix`: Tutor imports this module only when it loads the plugin.
        'tutor.plugin.v1': [
            'magix = lti_tools.deploy.tutor_plugin.plugin',
        ],
        'console_scripts': [
            'magix = magix:main',
        ],
    },
    classifiers=[
        'Framework :: Django :: 5.2',
        'Programming Language :: Python :: 3.12',
    ],
)
