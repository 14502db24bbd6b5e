"""Where changes enter the Open Klant outbox.

``post_save`` / ``post_delete`` receivers run inside the transaction of the save (the services
of core, channels and callbacks are atomic), so the outbox row commits or rolls back with the
change: this is the outbox pattern, not a workflow step after commit. Receivers also catch
writes from the admin, the ingestion and the seeders without each app knowing about Open Klant
(channels never imports callbacks; only this app imports both). Bulk writes (``update()``,
``bulk_create``) send no signals: ``manage.py openklant_backfill`` covers those.
"""

from django.db.models.signals import post_delete, post_save

from callbacks.models import CallbackAttempt, CallbackRequest
from channels.constants import ContactStatus
from channels.models import Contact, ContactArticle
from kcc.core.models import Customer, DigitalAddress

from .constants import SyncKind


def _queue(kind, object_id):
    from .services import sync_enabled, sync_item_queue

    if sync_enabled():
        sync_item_queue(kind=kind, object_id=object_id)


def customer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _queue(SyncKind.CUSTOMER, instance.pk)


def address_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.customer_id:
        _queue(SyncKind.CUSTOMER, instance.customer_id)


def contact_saved(sender, instance, raw=False, **kwargs):
    # A contact goes to the register once it is closed (what happened), and with every later
    # change; an open contact is work in progress.
    if not raw and instance.status == ContactStatus.CLOSED:
        _queue(SyncKind.CONTACT, instance.pk)


def article_linked(sender, instance, raw=False, **kwargs):
    from .services import sync_enabled

    # sync_enabled() first: reading the contact may cost a query, and the sync is off by default.
    if not raw and instance.answered and sync_enabled() and instance.contact.status == ContactStatus.CLOSED:
        _queue(SyncKind.CONTACT, instance.contact_id)


def callback_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _queue(SyncKind.CALLBACK, instance.pk)


def attempt_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and created:
        _queue(SyncKind.ATTEMPT, instance.pk)


def connect():
    uid = "openklant"
    post_save.connect(customer_saved, sender=Customer, dispatch_uid=f"{uid}-customer")
    post_save.connect(address_changed, sender=DigitalAddress, dispatch_uid=f"{uid}-address")
    post_delete.connect(address_changed, sender=DigitalAddress, dispatch_uid=f"{uid}-address-delete")
    post_save.connect(contact_saved, sender=Contact, dispatch_uid=f"{uid}-contact")
    post_save.connect(article_linked, sender=ContactArticle, dispatch_uid=f"{uid}-article")
    post_save.connect(callback_saved, sender=CallbackRequest, dispatch_uid=f"{uid}-callback")
    post_save.connect(attempt_saved, sender=CallbackAttempt, dispatch_uid=f"{uid}-attempt")
