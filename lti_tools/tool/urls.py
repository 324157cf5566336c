"""URLs of the LTI tool, included under ``/lti/`` by both hosts' URLs."""
from django.urls import path, re_path

from . import views

app_name = 'lti_tool'

urlpatterns = [
    path('login/', views.login, name='login'),
    path('launch/', views.launch, name='launch'),
    path('launch/<slug:slug>/', views.launch, name='exercise'),
    path('jwks/', views.jwks, name='jwks'),
    path('register/', views.dynamic_registration, name='register'),   # refused: a link is needed
    path('register/<str:token>/', views.dynamic_registration, name='register_with_link'),
    path('tool-configuration.json', views.tool_configuration, name='tool_configuration'),
    path('canvas.json', views.canvas_configuration, name='canvas_configuration'),
    path('deep-link/', views.deep_link_response, name='deep_link'),
    path('choose/', views.choose, name='choose'),
    path('summary/<str:token>/', views.summary, name='summary'),
    re_path(r'^handler/(?P<token>[^/]+)/$', views.handler, name='handler_base'),
    re_path(r'^handler/(?P<token>[^/]+)/(?P<usage>[^/]+)/(?P<handler_name>[^/]+)/(?P<suffix>.*)$', views.handler,
            name='handler'),
]
