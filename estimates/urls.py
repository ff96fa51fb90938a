from django.urls import path

from .views import editor, terraform_import

app_name = "estimates"

urlpatterns = [
    path("", editor.estimate_new, name="new"),
    path("preview", editor.estimate_preview, name="preview"),
    path("save", editor.estimate_save, name="save"),
    path("import/terraform", terraform_import.terraform_import, name="import_terraform"),
]
