from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    EMPTY = "empty", _("Pas encore généré")
    GENERATING = "generating", _("Génération en cours")
    DRAFT = "draft", _("À publier")
    PUBLISHED = "published", _("Publié")
    FAILED = "failed", _("Échec de la génération")


class CallReason(models.TextChoices):
    """Why a customer is in the day's plan (seed 000, Organisation: the plan comes from call days,
    callbacks, campaigns, late and inactive accounts and prospect lists)."""

    CALLBACK = "callback", _("Rappel promis")
    INCIDENT = "incident", _("Suivi d'incident de livraison")
    CLAIM = "claim", _("Suivi de réclamation")
    COLLECTION = "collection", _("Recouvrement d'impayés")
    CALL_DAY = "call_day", _("Jour d'appel")
    LATE = "late", _("En retard sur son cycle de commande")
    CAMPAIGN = "campaign", _("Campagne")
    RETRY = "retry", _("Non joint au dernier essai")
    INACTIVE = "inactive", _("Compte inactif à relancer")
    PROSPECT = "prospect", _("Prospect à contacter")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planifié")
    DONE = "done", _("Fait")
    SKIPPED = "skipped", _("Passé")
    FAILED = "failed", _("Non joint (essais épuisés)")
    UNPLANNED = "unplanned", _("Non planifié")
    CANCELLED = "cancelled", _("Annulé")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        return (cls.PLANNED,)

    @classmethod
    def closed(cls) -> tuple[str, ...]:
        return (cls.DONE, cls.SKIPPED, cls.FAILED, cls.CANCELLED)


class CallOutcome(models.TextChoices):
    """The mandatory outcome of a planned call (seed 000 Compétence 5: "issue de l'appel");
    the values are the timeline's own outcomes."""

    REACHED_ORDER = "reached_order", _("Joint, a commandé")
    REACHED_NO_ORDER = "reached_no_order", _("Joint, pas de commande")
    NOT_REACHED = "not_reached", _("Non joint")
    WRONG_NUMBER = "wrong_number", _("Faux numéro")
    CALLBACK = "callback", _("Rappel à date et heure")
    APPOINTMENT = "appointment", _("Rendez-vous pris pour le commercial")
    REFUSED = "refused", _("Refus, ne plus appeler")


class NoOrderReason(models.TextChoices):
    STOCKED = "stocked", _("Stock suffisant")
    COMPETITOR = "competitor", _("Commande chez un concurrent")
    PRICE = "price", _("Prix")
    CLOSED = "closed", _("Fermeture / activité réduite")
    NOT_DECIDER = "not_decider", _("Décideur absent")
    INFORMATION = "information", _("Demande d'information seulement")
    OTHER = "other", _("Autre")


class SkipReason(models.TextChoices):
    CUSTOMER_CALLED = "customer_called", _("Le client a déjà appelé")
    ORDER_RECEIVED = "order_received", _("Commande déjà reçue (web, commercial)")
    CLOSED = "closed", _("Client fermé aujourd'hui")
    DUPLICATE = "duplicate", _("Appel en double")
    OTHER = "other", _("Autre")


class Unplanned(models.TextChoices):
    """Why a candidate call is not in the plan: the supervisor reads it next to the call."""

    NO_SLOT_IN_WINDOW = (
        "no_slot_in_window",
        _(
            "Son créneau d'appel tombe hors des heures d'appel (horaires, pauses, périodes réservées, absences)"
        ),
    )
    CALLBACK_SLOT_TAKEN = "callback_slot_taken", _("L'heure promise du rappel n'est pas libre")
    CAPACITY = "capacity", _("Journée pleine : appels plus prioritaires placés avant")
    NO_REP = "no_rep", _("Aucun télévendeur de l'équipe ne peut le prendre")
    CLOSED = "closed", _("Client fermé ce jour-là")
    OPTED_OUT = "opted_out", _("Les interlocuteurs refusent le téléphone")
    NO_PHONE = "no_phone", _("Aucun numéro de téléphone")
    REP_ABSENT = "rep_absent", _("Télévendeur absent")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Prévu")
    DONE = "done", _("Visite faite")
    CANCELLED = "cancelled", _("Annulé")


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Entrant")
    OUTBOUND = "outbound", _("Sortant")


class PhoneCallState(models.TextChoices):
    RINGING = "ringing", _("Sonne")
    ANSWERED = "answered", _("Décroché")
    ENDED = "ended", _("Terminé")


class InboundRequest(models.TextChoices):
    """What the caller wants (seed 004 1.2: identify and qualify the request)."""

    ORDER = "order", _("Passer ou modifier une commande")
    INFORMATION = "information", _("Demande d'information")
    COMPLAINT = "complaint", _("Réclamation")
    OTHER = "other", _("Autre")


class InboundHandling(models.TextChoices):
    HANDLED = "handled", _("Traité par moi")
    TRANSFERRED = "transferred", _("Transmis au service ou à la personne compétente")


class PauseReason(models.TextChoices):
    BREAK = "break", _("Pause")
    ASSOCIATED_WORK = "work", _("Travaux associés (documents, devis, relances écrites)")
    MEETING = "meeting", _("Réunion, formation")
    OTHER = "other", _("Autre")
