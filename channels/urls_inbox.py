"""The agent's side of the inbox, mounted under /inbox/ in the "channels" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("toewijzen/", views.contact_assign_view, name="contact_assign"),
    path("contact/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contact/<int:pk>/oppakken/", views.contact_claim_view, name="contact_claim"),
    path("contact/<int:pk>/antwoorden/", views.contact_reply_view, name="contact_reply"),
    path("contact/<int:pk>/afsluiten/", views.contact_close_view, name="contact_close"),
    path("contact/<int:pk>/klant/", views.contact_customer_link_view, name="contact_customer_link"),
    path("contact/<int:pk>/klant/nieuw/", views.contact_customer_create_view, name="contact_customer_create"),
    path("contact/<int:pk>/kennisartikel/", views.contact_article_link_view, name="contact_article_link"),
    path("contact/<int:pk>/beller/", views.contact_identify_view, name="contact_identify"),
    path("contact/<int:pk>/notities/", views.contact_notes_view, name="contact_notes"),
    path("contact/<int:pk>/nog-een-vraag/", views.contact_sibling_view, name="contact_sibling"),
    path("contact/<int:pk>/gesprek-beeindigd/", views.contact_conversation_end_view, name="contact_conversation_end"),
    path("volgende/", views.contact_next, name="contact_next"),
    path("gesprek/nieuw/", views.call_start_view, name="call_start"),
    path("bericht/<int:pk>/opnieuw/", views.message_resend_view, name="message_resend"),
    path("bijlage/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("telefoon/", views.register_call, name="register_call"),
    path("telefoon/zoeken/", views.register_call_search, name="register_call_search"),
    path("doorverbonden/", views.transfers_received, name="transfers_received"),
    path("doorverbonden/<int:pk>/niet-voor-ons/", views.transfer_not_for_us, name="transfer_not_for_us"),
    path("klanten/samenvoegen/", views.customer_merge_view, name="customer_merge"),
]
