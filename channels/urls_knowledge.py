"""Knowledge gaps (kennisgaten) for editors, mounted under /inbox/ in the "channels" namespace."""

from django.urls import path

from . import knowledge

urlpatterns = [
    path("kennisgaten/", knowledge.knowledge_gaps, name="knowledge_gaps"),
]
