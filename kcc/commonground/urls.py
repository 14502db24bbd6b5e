from django.urls import path

from . import views

app_name = "commonground"

urlpatterns = [
    path("contact/<int:pk>/brp/", views.brp_panel, name="brp_panel"),
    path("contact/<int:pk>/brp/zoeken/", views.brp_search, name="brp_search"),
    path("contact/<int:pk>/brp/persoon/", views.brp_person, name="brp_person"),
    path("contact/<int:pk>/brp/overnemen/", views.brp_adopt, name="brp_adopt"),
    path("contact/<int:pk>/zaken/", views.cases_panel, name="cases_panel"),
    path("contact/<int:pk>/zaken/statushistorie/", views.case_history, name="case_history"),
    path("contact/<int:pk>/zaken/koppelen/", views.case_link, name="case_link"),
]
