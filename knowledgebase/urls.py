from django.urls import path

from . import views, views_text_modules

app_name = "knowledgebase"

urlpatterns = [
    path("", views.search, name="search"),
    path("artikel/nieuw/", views.article_create_view, name="article_create"),
    path("artikel/<int:pk>/", views.article_detail, name="article_detail"),
    path("artikel/<int:pk>/bewerken/", views.article_edit, name="article_edit"),
    path("artikel/<int:pk>/archiveren/", views.article_archive_view, name="article_archive"),
    path("artikel/<int:pk>/gecontroleerd/", views.article_review_view, name="article_review"),
    path("artikel/<int:pk>/verplicht-lezen/", views.article_require_reading_view, name="article_require_reading"),
    path("artikel/<int:pk>/versies/", views.version_list, name="version_list"),
    path("artikel/<int:pk>/versies/<int:number>/", views.version_detail, name="version_detail"),
    path("artikel/<int:pk>/feedback/", views.feedback_create_view, name="feedback_create"),
    path("feedback/<int:pk>/reageren/", views.feedback_respond_view, name="feedback_respond"),
    path("gelezen/<int:version_pk>/", views.mandatory_confirm, name="mandatory_confirm"),
    path("redactie/", views.editorial, name="editorial"),
    path("dekking/", views.coverage, name="coverage"),
    path("wie-doet-wat/", views.guide_index, name="guide_index"),
    path("wie-doet-wat/<slug:code>/", views.guide_detail, name="guide_detail"),
    path("wie-doet-wat/<slug:code>/bewerken/", views.guide_edit, name="guide_edit"),
    path("tekstblokken/", views_text_modules.text_modules, name="text_modules"),
    path("tekstblokken/nieuw/", views_text_modules.text_module_edit, name="text_module_create"),
    path("tekstblokken/<int:pk>/", views_text_modules.text_module_edit, name="text_module_edit"),
]
