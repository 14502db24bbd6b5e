from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from channels import panels
from channels.constants import Direction
from channels.models import Attachment
from channels.panels import register_contact_panel
from kcc.core.constants import LogAction, Role
from kcc.core.models import ProcessingLogEntry
from kcc.core.storage import private_storage
from tests.core.factories import CustomerFactory

from .factories import ContactFactory, MessageFactory, TransferFactory

pytestmark = pytest.mark.django_db

EVIL_HTML = (
    '<p>Beste KCC,</p><script>alert("xss")</script>'
    '<img src="x" onerror="alert(1)"><a href="javascript:alert(2)" onclick="steal()">klik</a>'
    '<div hx-get="/beheer/" hx-trigger="load" data-hx-post="/x">Mijn afvalpas is kwijt.</div>'
    '<p style="color:red" onmouseover="x()">Groet, Jan</p><form action="/x"><input name="a"></form>'
)


def detail(contact):
    return reverse("channels:contact_detail", args=[contact.pk])


def make_attachment(message, private_dir, name="aanslag.pdf", data=b"%PDF-1.4 test", content_type="application/pdf"):
    stored = private_storage().save(f"{private_dir}/{name.replace('/', '_')}", ContentFile(data))
    return Attachment.objects.create(message=message, filename=name, content_type=content_type, size=len(data), sha256="0" * 64, file=stored)


def test_contact_screen_shows_the_thread_in_order(login, agent):
    contact = ContactFactory()
    MessageFactory(contact=contact, body_text="Eerste bericht van de inwoner")
    MessageFactory(contact=contact, outbound=True, body_text="Antwoord van het KCC")
    html = login(agent).get(detail(contact)).content.decode()
    assert html.index("Eerste bericht van de inwoner") < html.index("Antwoord van het KCC")


def test_html_body_with_script_handlers_and_htmx_attributes_is_rendered_inert(login, agent):
    contact = ContactFactory()
    MessageFactory(contact=contact, body_html=EVIL_HTML, body_text="")
    html = login(agent).get(detail(contact)).content.decode()
    body = html[html.index('data-testid="message-body"'):]
    body = body[: body.index("</article>")]
    assert "Mijn afvalpas is kwijt." in body and "Groet, Jan" in body
    for bad in ("<script", "alert(", "onerror", "onclick", "onmouseover", "javascript:", "hx-get", "hx-trigger", "data-hx-post", "style=", "<form", "<input", "<img"):
        assert bad not in body, bad


def test_plain_text_body_is_escaped(login, agent):
    contact = ContactFactory()
    MessageFactory(contact=contact, body_text='<script>alert("x")</script> Hallo')
    html = login(agent).get(detail(contact)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_attachment_is_listed_and_downloaded_with_safe_headers(login, agent, private_dir):
    contact = ContactFactory(customer=CustomerFactory())
    message = MessageFactory(contact=contact)
    attachment = make_attachment(message, private_dir)
    client = login(agent)
    html = client.get(detail(contact)).content.decode()
    url = reverse("channels:attachment_download", args=[attachment.pk])
    assert url in html and "aanslag.pdf" in html
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="aanslag.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert ProcessingLogEntry.objects.filter(customer=contact.customer, context=f"bijlage {attachment.pk}").exists()


def test_attachment_name_with_path_and_html_type_is_neutralised(login, agent, private_dir):
    message = MessageFactory()
    attachment = make_attachment(message, private_dir, name="../../etc/passwd\r\n.html", data=b"<script>x</script>", content_type="text/html")
    response = login(agent).get(reverse("channels:attachment_download", args=[attachment.pk]))
    disposition = response["Content-Disposition"]
    assert "/" not in disposition.split("filename")[1] and ".." not in disposition
    assert "\r" not in disposition and "\n" not in disposition
    assert 'filename="passwd.html"' in disposition
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "offered"), [
    ('rapport";.pdf', "rapport__.pdf"),  # reserved characters become "_", as in the privacy export
    ("CON.pdf", "_CON.pdf"),  # a Windows device name
    ("\u202egpj.exe", "gpj.exe"),  # the right-to-left override that disguises an .exe
])
def test_attachment_download_name_is_cleaned_by_the_one_cleaner(login, agent, private_dir, name, offered):
    """The download name comes from kcc.core.files.sanitize_filename, the one file-name cleaner."""
    from kcc.core.files import sanitize_filename

    message = MessageFactory()
    attachment = make_attachment(message, private_dir, name=name)
    response = login(agent).get(reverse("channels:attachment_download", args=[attachment.pk]))
    assert sanitize_filename(name) == offered
    assert f'filename="{offered}"' in response["Content-Disposition"]


def test_missing_attachment_file_is_a_404_not_a_crash(login, agent, private_dir):
    attachment = make_attachment(MessageFactory(), private_dir)
    (Path(settings.KCC_PRIVATE_MEDIA_ROOT) / attachment.file.name).unlink()
    assert login(agent).get(reverse("channels:attachment_download", args=[attachment.pk])).status_code == 404


# --- scoping -------------------------------------------------------------------------------


def test_back_office_reads_a_contact_transferred_to_their_department_without_controls(login, backoffice_belastingen, belastingen):
    transfer = TransferFactory(to_department=belastingen, contact__subject="Bezwaar aanslag")
    MessageFactory(contact=transfer.contact, body_text="Ik ben het niet eens met mijn aanslag")
    response = login(backoffice_belastingen).get(detail(transfer.contact))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ik ben het niet eens met mijn aanslag" in html
    assert reverse("channels:contact_close", args=[transfer.contact.pk]) not in html
    assert reverse("channels:contact_reply", args=[transfer.contact.pk]) not in html
    assert reverse("channels:contact_claim", args=[transfer.contact.pk]) not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_back_office_cannot_open_kcc_contacts_outside_their_transfers(login, backoffice_belastingen, belastingen, burgerzaken, htmx):
    plain = ContactFactory()
    elsewhere = TransferFactory(to_department=burgerzaken).contact
    client = login(backoffice_belastingen)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert client.get(detail(plain), **headers).status_code == 404
    assert client.get(detail(elsewhere), **headers).status_code == 404
    assert client.get(detail(plain) + "?klant-q=jansen", **headers).status_code == 404


def test_back_office_cannot_download_attachments_of_other_contacts(login, backoffice_belastingen, belastingen, private_dir):
    mine = make_attachment(MessageFactory(contact=TransferFactory(to_department=belastingen).contact), private_dir, name="a.pdf")
    other = make_attachment(MessageFactory(), private_dir, name="b.pdf")
    client = login(backoffice_belastingen)
    assert client.get(reverse("channels:attachment_download", args=[mine.pk])).status_code == 200
    assert client.get(reverse("channels:attachment_download", args=[other.pk])).status_code == 404


def test_back_office_forged_posts_change_nothing(login, backoffice_belastingen, belastingen, customer):
    contact = TransferFactory(to_department=belastingen).contact
    client = login(backoffice_belastingen)
    for name, data in (
        ("channels:contact_reply", {"text": "hoi"}),
        ("channels:contact_customer_link", {"customer": customer.pk}),
        ("channels:contact_article_link", {"article": 1}),
        ("channels:contact_claim", {}),
    ):
        assert client.post(reverse(name, args=[contact.pk]), data).status_code in (403, 404), name
    contact.refresh_from_db()
    assert contact.customer is None and contact.assigned_to is None


def test_opening_a_contact_logs_the_customer_view(login, agent):
    contact = ContactFactory(customer=CustomerFactory())
    login(agent).get(detail(contact))
    entry = ProcessingLogEntry.objects.get(customer=contact.customer, action=LogAction.VIEW)
    assert entry.context == f"klantcontact {contact.pk}"


def test_opening_your_own_contact_marks_inbound_messages_read(login, agent):
    contact = ContactFactory(claimed=True, assigned_to=agent)
    message = MessageFactory(contact=contact)
    other = MessageFactory(contact=ContactFactory())
    login(agent).get(detail(contact))
    message.refresh_from_db()
    other.refresh_from_db()
    assert message.read_at is not None and other.read_at is None


def test_contact_screen_shows_the_customers_other_contacts(login, agent):
    customer = CustomerFactory()
    earlier = ContactFactory(customer=customer, closed_resolved=True, subject="Eerder: paspoort verlengen")
    other_customer = ContactFactory(customer=CustomerFactory(), subject="Iemand anders")
    contact = ContactFactory(customer=customer)
    html = login(agent).get(detail(contact)).content.decode()
    assert "Eerder: paspoort verlengen" in html and reverse("channels:contact_detail", args=[earlier.pk]) in html
    assert other_customer.subject not in html


def test_registered_panels_render_on_the_contact_screen(login, agent, settings, monkeypatch, tmp_path):
    (tmp_path / "testpanel.html").write_text('<section><h2 class="utrecht-heading-2">Testpaneel</h2><p>{{ ctx.text }}</p></section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    monkeypatch.setattr(panels, "_panels", list(panels._panels))
    register_contact_panel("testpanel.html", lambda request, contact: {"text": f"paneel voor #{contact.pk}"}, {Role.AGENT}, order=999)
    contact = ContactFactory()
    html = login(agent).get(detail(contact)).content.decode()
    assert f"paneel voor #{contact.pk}" in html


def test_a_held_phone_call_is_worked_in_the_desk(login, agent):
    contact = ContactFactory(phone=True, external_id="call-8841", assigned_to=agent, status="open")
    html = login(agent).get(detail(contact)).content.decode()
    # The workspace is the registration: close form, "Nog een vraag" and "Gesprek beëindigd".
    assert 'id="close-form"' in html and 'form="close-form"' in html
    assert reverse("channels:contact_sibling", args=[contact.pk]) in html
    assert reverse("channels:contact_conversation_end", args=[contact.pk]) in html


def test_an_inbound_direction_badge_for_auto_replies(login, agent):
    contact = ContactFactory()
    MessageFactory(contact=contact, is_auto_reply=True, direction=Direction.INBOUND)
    assert "automatisch bericht" in login(agent).get(detail(contact)).content.decode()
