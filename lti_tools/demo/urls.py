"""URLs of the demo host: the course (home, ``lti_tools.course_player``), the workbench pages for
block development under ``/workbench/`` (served with our runtime), a confirmed reset, and the LTI
tool beside them. The SDK's ``GET /reset_state`` (wiped everyone's state, then redirected to the
Referer) and ``/userlist/`` (every learner id) are not mounted.
"""
from django.contrib import admin
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path, re_path
from workbench import urls as workbench_urls

from . import views

# The workbench pages that run blocks, served with our runtime (records grades and completion);
# same URLs as the SDK's, so they must come before its patterns.
WORKBENCH_SCENARIO, WORKBENCH_HANDLER = r'(?P<scenario_id>[^/]+)', r'(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$'
SDK_ROUTES_NOT_SERVED = {'^reset_state$', '^userlist/$'}
workbench_urlpatterns = [
    re_path(rf'^scenario/{WORKBENCH_SCENARIO}/(?P<view_name>[^/]+)/$', views.show_scenario),
    re_path(rf'^scenario/{WORKBENCH_SCENARIO}/$', views.show_scenario),
    re_path(rf'^view/{WORKBENCH_SCENARIO}/(?P<view_name>[^/]+)/$', views.show_scenario,
            {'template': 'workbench/blockview.html'}),
    re_path(rf'^view/{WORKBENCH_SCENARIO}/$', views.show_scenario, {'template': 'workbench/blockview.html'}),
    re_path(rf'^handler/{WORKBENCH_HANDLER}', views.handler, {'authenticated': True}),
    re_path(rf'^unauth_handler/{WORKBENCH_HANDLER}', views.handler, {'authenticated': False}),
    *[pattern for pattern in workbench_urls.urlpatterns
      if str(pattern.pattern) not in SDK_ROUTES_NOT_SERVED and getattr(pattern, 'namespace', None) != 'admin'],
]
urlpatterns = [
    *staticfiles_urlpatterns(),
    path('admin/', admin.site.urls),
    path('workbench/', include(workbench_urlpatterns)),  # block development, out of the learner's way
    # the SDK's templates post to the URL named reset_state: they reach the confirmation page
    path('reset/', views.reset_state, name='reset_state'),
    path('lti/', include('lti_tools.tool.urls')),
    path('', include('lti_tools.course_player.urls')),  # the demo's home: the course
]
