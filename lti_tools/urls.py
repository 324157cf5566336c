"""URLs of the MAGIX host: the course player (home), the workbench for block development, the LTI tool."""
from django.contrib import admin
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path, re_path

from workbench.urls import urlpatterns as sdk_urlpatterns

from . import workbench_views

# The workbench pages that run blocks, served with our runtime (records grades and completion);
# same URLs as the SDK's, so they must come before its include.
WORKBENCH_SCENARIO, WORKBENCH_HANDLER = r'(?P<scenario_id>[^/]+)', r'(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$'
workbench_urlpatterns = [
    re_path(rf'^scenario/{WORKBENCH_SCENARIO}/(?P<view_name>[^/]+)/$', workbench_views.show_scenario),
    re_path(rf'^scenario/{WORKBENCH_SCENARIO}/$', workbench_views.show_scenario),
    re_path(rf'^view/{WORKBENCH_SCENARIO}/(?P<view_name>[^/]+)/$', workbench_views.show_scenario,
            {'template': 'workbench/blockview.html'}),
    re_path(rf'^view/{WORKBENCH_SCENARIO}/$', workbench_views.show_scenario, {'template': 'workbench/blockview.html'}),
    re_path(rf'^handler/{WORKBENCH_HANDLER}', workbench_views.handler, {'authenticated': True}),
    re_path(rf'^unauth_handler/{WORKBENCH_HANDLER}', workbench_views.handler, {'authenticated': False}),
    *[pattern for pattern in sdk_urlpatterns if getattr(pattern, 'namespace', None) != 'admin'],
]
urlpatterns = [
    *staticfiles_urlpatterns(),
    path('admin/', admin.site.urls),
    path('workbench/', include(workbench_urlpatterns)),  # block development, out of the learner's way
    path('lti/', include('lti_tools.tool.urls')),
    path('', include('lti_tools.course_player.urls')),  # the demo's home: the course
]
