"""URLs of the MAGIX host: the workbench demo (and, alongside it, the LTI tool)."""
from django.urls import include, path

urlpatterns = [
    path('', include('workbench.urls')),
]
