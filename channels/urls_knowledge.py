"""Knowledge in the inbox: the knowledge gaps for editors and the desk's knowledge pane,
mounted under /inbox/ in the "channels" namespace."""

from django.urls import path

from . import knowledge, views_knowledge_panel

urlpatterns = [
    path("kennisgaten/", knowledge.knowledge_gaps, name="knowledge_gaps"),
    path("contact/<int:pk>/kennis/", views_knowledge_panel.knowledge_panel_view, name="knowledge_panel"),
    path("contact/<int:pk>/kennis/zoeken/", views_knowledge_panel.knowledge_search, name="knowledge_search"),
    path("contact/<int:pk>/kennis/artikel/<int:article_pk>/", views_knowledge_panel.knowledge_article, name="knowledge_article"),
    path("contact/<int:pk>/kennis/artikel/<int:article_pk>/koppelen/", views_knowledge_panel.knowledge_link, name="knowledge_link"),
    path("contact/<int:pk>/kennis/artikel/<int:article_pk>/ontkoppelen/", views_knowledge_panel.knowledge_unlink, name="knowledge_unlink"),
]
