from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AddressKind, LogAction, Purpose, Role
from .normalize import NAME_FOLDED_MAX_LENGTH, fold_name, format_phone, format_postcode, mask_bsn


class Department(models.Model):
    """A department (afdeling): a back-office unit, or the KCC itself."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Name as residents and staff know it."))
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Short stable identifier, used in URLs and exports."))
    is_kcc = models.BooleanField(_("is the KCC"), default=False, help_text=_("The front office itself. Exactly one department should have this."))
    callback_norm_days = models.PositiveSmallIntegerField(
        _("callback norm (working days)"),
        default=2,
        help_text=_("Callbacks to this department must be done within this many working days."),
    )
    email = models.EmailField(_("shared e-mail address"), blank=True, help_text=_("Receives callback notifications and digests when no colleague is named."))
    phone = models.CharField(_("internal phone number"), max_length=20, blank=True, help_text=_("Number the KCC dials to transfer a call."))
    opening_hours = models.TextField(_("opening hours"), blank=True, help_text=_("When the department can be reached, e.g. 'ma-vr 9:00-12:00'."))
    reachability = models.TextField(_("reachability"), blank=True, help_text=_("How and when the KCC can reach the department, and what to do when it cannot."))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Inactive departments cannot be chosen for new work."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["is_kcc"], condition=Q(is_kcc=True), name="core_department_single_kcc"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A staff member's role in a department. Roles are held per department."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("department"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, help_text=_("What the user may do in this department."))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="core_membership_unique"),
        ]
        indexes = [models.Index(fields=["department", "role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.department}"


class CustomerQuerySet(models.QuerySet):
    def active(self):
        """Customers that are not merged into another one."""
        return self.filter(merged_into__isnull=True)

    def unrestricted(self):
        """Customers whose processing is not restricted (AVG art. 18): what staff may see."""
        return self.filter(restricted_at__isnull=True)


class Customer(models.Model):
    """A resident (inwoner) or tenant (huurder). Personal data: every read is logged."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True, help_text=_("Given name or initials."))
    name_prefix = models.CharField(_("surname prefix"), max_length=20, blank=True, help_text=_("Tussenvoegsel, e.g. 'van der'."))
    last_name = models.CharField(_("surname"), max_length=150, help_text=_("Family name without the prefix."))
    street = models.CharField(_("street"), max_length=150, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True, help_text=_("House letter or addition, e.g. 'A' or 'bis'."))
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, db_index=True, help_text=_("Normalised as 1234AB."))
    city = models.CharField(_("city"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, help_text=_("Asked to tell residents with the same name apart."))
    bsn = models.CharField(
        _("BSN"),
        max_length=9,
        blank=True,
        help_text=_("Burgerservicenummer, elfproef-validated. Only ever shown masked; revealing it needs a permission and is logged."),
    )
    bsn_verified_at = models.DateTimeField(
        _("BSN verified via BRP"), null=True, blank=True,
        help_text=_("When an agent adopted the BSN (with name, date of birth and address) from the BRP into this record. Empty: not verified."),
    )
    name_folded = models.CharField(max_length=NAME_FOLDED_MAX_LENGTH, editable=False, db_index=True, help_text=_("Lower-case, accent-free full name for search."))
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from",
        verbose_name=_("merged into"), help_text=_("Set when this record was a duplicate; the survivor holds its contacts."),
    )
    restricted_at = models.DateTimeField(
        _("restricted at"), null=True, blank=True,
        help_text=_("Processing restricted (AVG art. 18): the record and everything linked to it is hidden from staff; only the privacy officer sees it."),
    )
    erased_at = models.DateTimeField(
        _("erased at"), null=True, blank=True,
        help_text=_("The resident's personal data was erased (AVG art. 17); the record remains as an empty shell so that ids and metrics stay consistent."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("view_bsn", _("Can reveal a customer's unmasked BSN"))]
        constraints = [
            models.UniqueConstraint(fields=["bsn"], condition=~Q(bsn=""), name="core_customer_bsn_unique"),
        ]
        indexes = [
            models.Index(fields=["postcode", "house_number"]),
            # Caller identification and probable duplicates: the same name plus date of birth.
            models.Index(fields=["name_folded", "birth_date"], condition=Q(birth_date__isnull=False), name="core_customer_name_birth_idx"),
            # Staff scopes exclude the (few) restricted customers on every query: a tiny index.
            models.Index(fields=["restricted_at"], condition=Q(restricted_at__isnull=False), name="core_customer_restricted_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold_name(self.first_name, self.name_prefix, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "name_prefix", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    @property
    def bsn_masked(self) -> str:
        return mask_bsn(self.bsn)

    @property
    def address_line(self) -> str:
        """The address on one line: "Damstraat 12 A, 1011 AB Amsterdam". Without a street the
        number can't stand alone before the postcode ("12, 1011 AB"): it is named instead,
        "1011 AB Amsterdam, huisnummer 12"."""
        from django.utils.translation import gettext

        number = f"{self.house_number or ''}{self.house_number_addition and ' ' + self.house_number_addition or ''}".strip()
        place = f"{format_postcode(self.postcode)} {self.city}".strip()
        if self.street.strip():
            return ", ".join(p for p in (f"{self.street.strip()} {number}".strip(), place) if p)
        named = gettext("house number %(number)s") % {"number": number} if number else ""
        return ", ".join(p for p in (place, named) if p)


class DigitalAddress(models.Model):
    """A way to reach a customer: e-mail, phone (E.164) or social handle."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices)
    value = models.CharField(
        _("address"), max_length=254,
        help_text=_("Normalised: e-mail lower-case, phone in E.164, social as 'platform:handle'."),
    )
    is_default = models.BooleanField(_("default"), default=False, help_text=_("The preferred address of this kind."))
    verified_at = models.DateTimeField(
        _("verified at"), null=True, blank=True,
        help_text=_("When the resident confirmed this address. Only verified addresses link inbound messages automatically."),
    )

    class Meta:
        verbose_name = _("digital address")
        verbose_name_plural = _("digital addresses")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "value"], name="core_digitaladdress_unique"),
            models.UniqueConstraint(fields=["customer", "kind"], condition=Q(is_default=True), name="core_digitaladdress_one_default"),
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        if self.kind == AddressKind.PHONE:
            return format_phone(self.value)
        return self.value


class ProcessingLogEntry(models.Model):
    """Verwerkingenlog: who read or changed which customer's data, when and why.

    Survives erasure of the customer: `customer_ref` keeps the id after the FK is cleared.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, help_text=_("Kept when the user account is removed."))
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer"))
    customer_ref = models.BigIntegerField(_("customer id"), null=True, db_index=True, help_text=_("Id of the customer, kept when the record is removed."))
    action = models.CharField(_("action"), max_length=20, choices=LogAction.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    context = models.CharField(_("context"), max_length=200, blank=True, help_text=_("Which screen or object, e.g. 'contact 123'. Never personal data."))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("processing log entry")
        verbose_name_plural = _("processing log")
        indexes = [models.Index(fields=["customer_ref", "at"]), models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.customer_ref}"


class ClosureDay(models.Model):
    """A day on which the organisation is closed (besides weekends and public holidays), e.g.
    the day after Ascension. Callback and signal deadlines skip these days (kcc.core.workdays)."""

    date = models.DateField(_("date"), unique=True, help_text=_("The organisation is closed all day."))
    description = models.CharField(_("description"), max_length=200, help_text=_("Why, e.g. 'Collectieve vrije dag na Hemelvaart'."))

    class Meta:
        ordering = ["date"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.description}"


class OutboundEmail(models.Model):
    """The one e-mail outbox of every app (callbacks, signals); kcc.core.outbox sends it.

    ``key`` is unique and starts with the app (``source``), e.g. ``callbacks:digest:<department>:<date>``
    or ``signals:ack_reminder:<signal>:1``: queuing the same e-mail twice (a sweep that runs again,
    two workers at once) creates one row, and the row is sent once (``sent_at``). ``target`` is the
    callback request or signal it is about (a generic relation: core imports no app); deleting that
    object deletes its e-mails. An app either renders the e-mail when queuing (``subject``/``body``/
    ``recipients``) or at send time (then ``recipients`` records where it went)."""

    source = models.CharField(_("source"), max_length=30, help_text=_("The app that queued it, e.g. 'callbacks' or 'signals'."))
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("key"), max_length=200, unique=True, help_text=_("E.g. 'callbacks:digest:<department>:<date>'. Guarantees once-only delivery."))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("department"),
    )
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("Failed sends so far."))
    error = models.TextField(_("error"), blank=True, help_text=_("Last delivery error; the send task retries."))

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["sent_at", "created_at"], name="core_outbox_pending"),
            models.Index(fields=["content_type", "object_id"], name="core_outbox_target"),
        ]

    def __str__(self):
        return self.key
