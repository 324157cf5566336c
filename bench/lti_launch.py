"""LTI launch costs: id_token validation alone, a whole launch (login + launch + XBlock page),
and one learner action through the LTI handler, against lti-consumer-xblock's platform.

Run: ``.venv/bin/python -m bench.lti_launch [--repeat 50]`` (a fresh SQLite database in a
temporary folder; nothing leaves 127.0.0.1).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def median_ms(samples) -> float:
    return round(statistics.median(samples) * 1000, 2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=50)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix='magix-lti-bench-')
    os.environ.update(DJANGO_SETTINGS_MODULE='lti_tools.demo.settings', MAGIX_VAR_DIR=folder)
    from lti_tools.serve import prepare_database, setup_django
    setup_django()
    prepare_database()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lti_tools.lti1p3.launch import validate_id_token
    from lti_tools.tool import catalogue, store
    from tests.lti.conftest import Tool, choose
    from tests.lti.platform import Platform
    from tests.scenario.support import small_scenario

    setup_test_environment()
    settings.PLATFORM_NAME = 'Bench platform'
    content = os.path.join(folder, 'content')
    os.mkdir(content)
    with open(os.path.join(content, '01-benefits.xml'), 'w', encoding='utf-8') as file:
        file.write(small_scenario('path'))
    settings.LTI_CONTENT_DIR = content
    catalogue.clear_cache()
    platform = Platform()
    try:
        store.save_registration(platform.registration())
        tool = Tool(Client(), platform)
        keys = store.platform_keys()
        validation, launches, actions = [], [], []
        for index in range(args.repeat):
            message = tool.message(f'bench-nonce-{index}', sub=f'bench-{index}')
            token = platform.sign(message)
            started = time.perf_counter()
            validate_id_token(token, registrations=store.registrations, keys=keys, expected_nonce=message['nonce'],
                              use_nonce=lambda *_: True)
            validation.append(time.perf_counter() - started)
            started = time.perf_counter()
            page = tool.launch(sub=f'bench-{index}')
            launches.append(time.perf_counter() - started)
            assert page.status_code == 200
            started = time.perf_counter()
            choose(tool.client, page, 'dpia')
            actions.append(time.perf_counter() - started)
        print(f'{args.repeat} launches; median times in ms')
        print(f'id_token validation (keys cached):        {median_ms(validation)}')
        print(f'login + launch + exercise page:           {median_ms(launches)}')
        print(f'one learner decision via the LTI handler: {median_ms(actions)}')
    finally:
        platform.stop()


if __name__ == '__main__':
    main()
