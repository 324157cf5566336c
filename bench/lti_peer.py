"""The peer of our LTI launch: a Django LTI 1.3 tool made with PyLTI1p3 2.0, as its documentation
and its Django example write one (OIDC login, then the message launch validated and its data
shown), on the same Django, database and cache as ours and the same platform registration.

It keeps its login state in the Django cache (``DjangoCacheDataStorage``, the example's choice
for launches in an iframe) and is given the platform's key set, as ours keeps it cached. It
renders no exercise: "ours without the page" is compared with it, and so is "ours with the page".
"""
from __future__ import annotations

import html

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

CONFIG = {}   # set by ``configure`` before the first request


def configure(platform, client_id: str, deployment_id: str) -> None:
    CONFIG.clear()
    CONFIG.update({platform.issuer: [{
        'default': True, 'client_id': client_id, 'auth_login_url': f'{platform.url}/auth',
        'auth_token_url': f'{platform.url}/token', 'key_set_url': f'{platform.url}/jwks',
        'key_set': {'keys': platform.published_keys}, 'deployment_ids': [deployment_id],
    }]})


def _tool():
    from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
    from pylti1p3.tool_config import ToolConfDict
    return ToolConfDict(CONFIG), DjangoCacheDataStorage()


@csrf_exempt
def login(request):
    from pylti1p3.contrib.django import DjangoOIDCLogin
    tool_conf, storage = _tool()
    oidc_login = DjangoOIDCLogin(request, tool_conf, launch_data_storage=storage)
    target = request.POST.get('target_link_uri') or request.GET.get('target_link_uri')
    return oidc_login.redirect(target)


@csrf_exempt
def launch(request):
    from pylti1p3.contrib.django import DjangoMessageLaunch
    tool_conf, storage = _tool()
    message_launch = DjangoMessageLaunch(request, tool_conf, launch_data_storage=storage)
    data = message_launch.get_launch_data()
    return HttpResponse(f'<!doctype html><title>Launched</title><p>{html.escape(str(data.get("name", "")))}</p>')


urlpatterns = [path('peer/login/', login), path('peer/launch/', launch)]
