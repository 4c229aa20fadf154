from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.search, name="search"),
    path("programs/<int:pk>/", views.program_documents, name="program_documents"),
    path("projects/<int:pk>/", views.project_documents, name="project_documents"),
    path("new/<slug:key>/<int:object_pk>/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
]
