"""URLs of the LTI tool service: the tool under ``/lti/``, the admin, the health check, and the
XBlock resources the exercise pages load. Nothing of the workbench demo.
"""
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from workbench.views import package_resource

from .health import health

urlpatterns = [
    path('health/', health, name='health'),
    path('lti/', include('lti_tools.tool.urls')),
    path('admin/', admin.site.urls),
    re_path(r'^resource/(?P<block_type>[^/]+)/(?P<resource>.*)$', package_resource, name='package_resource'),
    path('jsi18n/', JavaScriptCatalog.as_view(), name='javascript-catalog'),
]
