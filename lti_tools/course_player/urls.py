"""URLs of the course player (the demo's home)."""
from django.urls import path, re_path

from . import views

app_name = 'course_player'
urlpatterns = [
    path('', views.outline, name='outline'),
    path('unit/<slug:url_name>/', views.unit, name='unit'),
    path('learner/', views.choose_learner, name='learner'),
    path('staff/', views.switch_staff, name='staff'),
    path('statistics/', views.statistics, name='statistics'),
    re_path(r'^course-handler/(?P<usage_id>block-v1:[^/]+)/(?P<handler_name>[^/]+)/(?P<suffix>.*)$', views.handler,
            name='handler'),
    re_path(r'^course-resource/(?P<block_type>[\w-]+)/(?P<uri>.+)$', views.resource, name='resource'),
    re_path(r'^course-static/(?P<path>.+)$', views.static_file, name='static'),
]
