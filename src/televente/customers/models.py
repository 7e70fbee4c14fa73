"""The customer and prospect file: companies, contacts, phones, consent, call preferences, habits, timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import Role
from televente.core.models import BaseModel

from .choices import (
    BuyingMotive,
    CallFrequency,
    Channel,
    CompanySize,
    CompanyStatus,
    ConsentSource,
    Engagement,
    GdprAction,
    InteractionKind,
    NextStepAction,
    Outcome,
    PaymentTerms,
    PhoneLabel,
    Weekday,
)


class Segment(BaseModel):
    """A customer typology (restaurant, canteen, bakery...): configurable reference data."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=80)
    call_minutes = models.PositiveSmallIntegerField(
        _("durée d'appel cible (min)"), default=5, help_text=_("Durée visée pour un appel de commande.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("typologie")
        verbose_name_plural = _("typologies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["code"], name="segment_code_unique")]

    def __str__(self) -> str:
        return self.name


class Zone(BaseModel):
    """A sales zone or sector (secteur), usually a set of départements."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["code"], name="zone_code_unique")]

    def __str__(self) -> str:
        return self.name


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompanyQuerySet:
        """The portfolio a person may open (issue 3): the team's for a rep, the led teams' for a
        supervisor, the paired reps' for a field rep, everything for back office and admin."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE):
            return self
        if user.role == Role.SUPERVISOR:
            return self.filter(team__supervisor=user)
        if user.role == Role.FIELD_REP:
            return self.filter(Q(field_rep=user) | Q(rep__paired_field_rep=user))
        if user.team_id is None:
            return self.filter(rep=user)
        return self.filter(team_id=user.team_id)

    def editable_by(self, user) -> CompanyQuerySet:
        """Back office reads but does not edit the file; the others edit what they see."""
        if getattr(user, "role", None) == Role.BACK_OFFICE and not user.is_superuser:
            return self.none()
        return self.visible_to(user)


class Company(BaseModel):
    """A customer or prospect: a professional (restaurant, shop, canteen...) the wholesaler sells to."""

    legal_name = models.CharField(_("raison sociale"), max_length=160)
    trade_name = models.CharField(_("enseigne"), max_length=160, blank=True)
    sort_name = models.CharField(max_length=160, editable=False, db_index=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, db_index=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, editable=False)
    vat_number = models.CharField(_("n° TVA intracommunautaire"), max_length=16, blank=True)
    address_line1 = models.CharField(_("adresse"), max_length=160, blank=True)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=160, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True, db_index=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, null=True, blank=True)
    segment = models.ForeignKey(
        Segment, verbose_name=_("typologie"), on_delete=models.PROTECT, null=True, blank=True
    )
    size = models.CharField(_("taille"), max_length=10, choices=CompanySize.choices, blank=True)
    employees = models.PositiveIntegerField(_("effectif"), null=True, blank=True)
    seats = models.PositiveIntegerField(_("couverts / capacité"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("chiffre d'affaires annuel du client (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.PROSPECT
    )
    status_changed_at = models.DateTimeField(_("statut changé le"), default=timezone.now)
    engagement = models.CharField(
        _("avancement commercial"),
        max_length=20,
        choices=Engagement.choices,
        default=Engagement.NOT_CONTACTED,
    )
    buying_motives = models.JSONField(_("mobiles d'achat (SONCAS)"), default=list, blank=True)
    potential = models.DecimalField(
        _("potentiel annuel (€ HT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    needs = models.TextField(_("besoins exprimés"), blank=True)
    competitor = models.CharField(_("fournisseur actuel / concurrent"), max_length=120, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("équipe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio",
        limit_choices_to={"role": Role.REP},
    )
    field_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commercial itinérant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="field_portfolio",
        limit_choices_to={"role": Role.FIELD_REP},
    )
    payment_terms = models.CharField(
        _("conditions de paiement"), max_length=20, choices=PaymentTerms.choices, default=PaymentTerms.DAYS_30
    )
    credit_limit = models.DecimalField(
        _("encours autorisé (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    outstanding = models.DecimalField(
        _("encours actuel (€)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    # Set by the dunning ladder (or a person) on unpaid debts: new orders need a supervisor.
    orders_on_hold = models.BooleanField(_("commandes bloquées"), default=False)
    hold_reason = models.CharField(_("motif du blocage"), max_length=200, blank=True)
    preferred_channel = models.CharField(
        _("canal préféré"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    delivery_weekdays = models.JSONField(_("jours de livraison"), default=list, blank=True)
    call_frequency = models.CharField(
        _("fréquence d'appel"), max_length=20, choices=CallFrequency.choices, default=CallFrequency.WEEKLY
    )
    call_every_n_weeks = models.PositiveSmallIntegerField(_("toutes les N semaines"), default=1)
    notes = models.TextField(_("notes"), blank=True)
    last_contact_at = models.DateTimeField(_("dernier contact"), null=True, blank=True, db_index=True)
    search_text = models.TextField(editable=False, default="")

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("client / prospect")
        verbose_name_plural = _("clients et prospects")
        ordering = ["sort_name"]
        indexes = [
            # The portfolio walks a team's companies in name order and stops at a page: no sort of all matches.
            models.Index(fields=["team", "sort_name", "id"], name="company_team_name"),
            models.Index(fields=["team", "status", "sort_name"], name="company_team_status_name"),
            models.Index(fields=["rep", "sort_name"], name="company_rep_name"),
            models.Index(fields=["status", "last_contact_at"], name="company_status_contact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_every_n_weeks__gte=1), name="company_call_every_n_weeks_positive"
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="company_credit_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def status_label(self) -> str:
        """Like get_status_display(), without its per-call hashing of lazy choices (lists of 25 rows)."""
        return CompanyStatus(self.status).label

    @property
    def is_prospect(self) -> bool:
        return self.status in (CompanyStatus.SUSPECT, CompanyStatus.PROSPECT)

    @property
    def available_credit(self) -> Decimal:
        return self.credit_limit - self.outstanding

    @property
    def buying_motive_labels(self) -> list[str]:
        labels = dict(BuyingMotive.choices)
        return [str(labels[m]) for m in self.buying_motives if m in labels]

    @property
    def delivery_weekday_labels(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels[d]) for d in sorted(self.delivery_weekdays) if d in labels]


class DeliveryAddress(BaseModel):
    """Where goods are delivered, when different from the company's address."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="delivery_addresses")
    label = models.CharField(_("libellé"), max_length=80)
    address_line1 = models.CharField(_("adresse"), max_length=160)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=160, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)
    instructions = models.CharField(_("consignes de livraison"), max_length=200, blank=True)
    is_default = models.BooleanField(_("par défaut"), default=False)

    class Meta:
        verbose_name = _("adresse de livraison")
        verbose_name_plural = _("adresses de livraison")
        constraints = [
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="delivery_address_one_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} – {self.address_line1}, {self.postcode} {self.city}"


class CallWindow(BaseModel):
    """A time window in which the customer wants to be called on a weekday ("entre 14h30 et 16h00")."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="call_windows")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    start = models.TimeField(_("de"))
    end = models.TimeField(_("à"))

    class Meta:
        verbose_name = _("créneau d'appel")
        verbose_name_plural = _("créneaux d'appel")
        ordering = ["weekday", "start"]
        indexes = [models.Index(fields=["weekday", "company"], name="callwindow_weekday_company")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="callwindow_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class ClosurePeriod(BaseModel):
    """A period when the customer is closed (holidays, works): no call, no delivery."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="closures")
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("fermeture")
        verbose_name_plural = _("fermetures")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="closure_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


# What a person edits on a contact (form, API and service share this list).
CONTACT_EDITABLE_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "job_title",
    "is_decision_maker",
    "is_order_contact",
    "email",
    "best_time",
    "language",
)


class Contact(BaseModel):
    """A person at the company the rep talks to (interlocuteur)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    civility = models.CharField(_("civilité"), max_length=10, blank=True)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80)
    job_title = models.CharField(_("fonction"), max_length=80, blank=True)
    is_decision_maker = models.BooleanField(_("décideur"), default=False)
    is_order_contact = models.BooleanField(_("passe les commandes"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    best_time = models.CharField(_("meilleur moment pour appeler"), max_length=120, blank=True)
    language = models.CharField(
        _("langue"), max_length=5, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    opt_out_phone = models.BooleanField(_("refuse le téléphone"), default=False)
    opt_out_email = models.BooleanField(_("refuse les e-mails"), default=False)
    opt_out_sms = models.BooleanField(_("refuse les SMS"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("interlocuteur")
        verbose_name_plural = _("interlocuteurs")
        ordering = ["-is_decision_maker", "last_name"]

    def __str__(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def allows(self, channel: str) -> bool:
        """False when the contact opted out of this channel: no feature may use it (GDPR/CNIL)."""
        return self.is_active and not getattr(self, f"opt_out_{channel}", True)


class Phone(BaseModel):
    """A phone number of a company (switchboard) or of one of its contacts, stored in E.164."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="phones")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    label = models.CharField(
        _("libellé"), max_length=20, choices=PhoneLabel.choices, default=PhoneLabel.OFFICE
    )
    e164 = models.CharField(_("numéro"), max_length=20, db_index=True)

    class Meta:
        verbose_name = _("téléphone")
        verbose_name_plural = _("téléphones")
        ordering = ["id"]

    def __str__(self) -> str:
        from televente.core.phones import format_national

        return format_national(self.e164)


class ConsentEvent(BaseModel):
    """The history of consents and opt-outs of a contact per channel, with date and source."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    granted = models.BooleanField(_("accepte"))
    source = models.CharField(_("source"), max_length=20, choices=ConsentSource.choices)
    note = models.CharField(_("précision"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-created_at"]


class CompanyHabits(models.Model):
    """Purchase habits computed from order history (never during a request): the file's habits panel."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, primary_key=True, related_name="habits")
    order_cycle_days = models.PositiveSmallIntegerField(_("cycle de commande (jours)"), null=True, blank=True)
    usual_weekdays = models.JSONField(_("jours de commande habituels"), default=list, blank=True)
    average_basket = models.DecimalField(_("panier moyen (€ HT)"), max_digits=12, decimal_places=2, default=0)
    orders_12m = models.PositiveIntegerField(_("commandes sur 12 mois"), default=0)
    revenue_12m = models.DecimalField(_("CA 12 mois (€ HT)"), max_digits=14, decimal_places=2, default=0)
    revenue_prev_12m = models.DecimalField(
        _("CA 12 mois précédents (€ HT)"), max_digits=14, decimal_places=2, default=0
    )
    last_order_date = models.DateField(_("dernière commande"), null=True, blank=True)
    next_expected_order = models.DateField(
        _("prochaine commande attendue"), null=True, blank=True, db_index=True
    )
    abc_class = models.CharField(_("classe ABC"), max_length=1, blank=True, db_index=True)
    top_products = models.JSONField(_("produits principaux"), default=list, blank=True)
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        verbose_name = _("habitudes d'achat")
        verbose_name_plural = _("habitudes d'achat")

    def __str__(self) -> str:
        return f"{self.company_id}"

    def is_late(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.next_expected_order is not None and self.next_expected_order < today

    def days_late(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        if self.next_expected_order is None:
            return 0
        return max(0, (today - self.next_expected_order).days)

    @property
    def trend_pct(self) -> Decimal | None:
        if not self.revenue_prev_12m:
            return None
        return ((self.revenue_12m - self.revenue_prev_12m) / self.revenue_prev_12m * 100).quantize(
            Decimal("0.1")
        )

    @property
    def usual_weekday_labels(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [str(labels[d]) for d in sorted(self.usual_weekdays) if d in labels]


# A customer is "late" when it has not ordered within 1.5 cycles; see habits.py.
LATE_FACTOR = Decimal("1.5")
NO_CONTACT_PURGE_AFTER = timedelta(days=3 * 365)  # CNIL: prospects not contacted for 3 years


class Interaction(BaseModel):
    """One entry of the customer's timeline: a call, email, visit, note, order, claim, appointment...

    Each records who, when, the outcome and the next step decided (what, by whom, when). Other apps
    (orders, claims, calls) write their entries through `services.interaction_record`.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    kind = models.CharField(_("type"), max_length=20, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    outcome = models.CharField(_("issue"), max_length=20, choices=Outcome.choices, blank=True)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    duration_seconds = models.PositiveIntegerField(_("durée (s)"), null=True, blank=True)
    next_action = models.CharField(
        _("prochaine étape"), max_length=20, choices=NextStepAction.choices, blank=True
    )
    next_action_note = models.CharField(_("précision"), max_length=200, blank=True)
    next_action_at = models.DateTimeField(_("pour le"), null=True, blank=True)
    next_action_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_steps",
    )
    next_action_done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    # A link to the order, claim... the entry is about (other apps), as "app_label.model:pk".
    reference = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("contact (historique)")
        verbose_name_plural = _("historique des contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-occurred_at", "-id"], name="interaction_company_time"),
            models.Index(
                fields=["next_action_owner", "next_action_at"],
                condition=Q(next_action_done_at__isnull=True) & ~Q(next_action=""),
                name="interaction_open_next_steps",
            ),
            # Reporting: a rep's calls of a day, and the callbacks promised for a day (kept or not).
            models.Index(fields=["author", "occurred_at"], name="interaction_author_time"),
            models.Index(fields=["next_action_owner", "next_action_at"], name="interaction_next_action"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_action="") | Q(next_action_at__isnull=False),
                name="interaction_next_step_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%d/%m/%Y %H:%M}"

    @property
    def reference_url(self) -> str | None:
        """The page of the order, claim, message... this entry is about (registered by its app)."""
        from .actions import reference_url

        return reference_url(self.reference)


class SavedFilter(BaseModel):
    """A portfolio filter a person saved under a name (per user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("nom"), max_length=80)
    query = models.CharField(_("filtre"), max_length=1000)

    class Meta:
        verbose_name = _("filtre enregistré")
        verbose_name_plural = _("filtres enregistrés")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_user_name_unique")]

    def __str__(self) -> str:
        return self.name


class GdprLog(models.Model):
    """Accountability (GDPR art. 5.2): every export, erasure and purge of personal data, who and when."""

    action = models.CharField(_("action"), max_length=20, choices=GdprAction.choices)
    subject = models.CharField(_("personne ou liste concernée"), max_length=200)
    detail = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("journal RGPD")
        verbose_name_plural = _("journal RGPD")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.subject}"


class ImportJob(BaseModel):
    """An import of companies and contacts from a CSV or XLSX file: mapping, dry run, then import."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Correspondance des colonnes")
        VALIDATING = "validating", _("Vérification en cours")
        VALIDATED = "validated", _("Vérifié")
        IMPORTING = "importing", _("Import en cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("Tout ou rien")
        VALID_ONLY = "valid_only", _("Seulement les lignes valides")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(_("fichier"), max_length=200)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(_("correspondance"), default=dict)
    default_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur par défaut"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    default_status = models.CharField(
        _("statut par défaut"), max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.PROSPECT
    )
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.MAPPING)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    skip_duplicates = models.BooleanField(_("ignorer les doublons probables"), default=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    duplicates = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_pct(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.IMPORTING)
