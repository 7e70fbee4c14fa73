from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyStatus(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Client")
    INACTIVE = "inactive", _("Inactif")
    LOST = "lost", _("Perdu")


class Engagement(models.TextChoices):
    """Where the company stands in the sales cycle (seed 003 CP3: qualification of prospects)."""

    NOT_CONTACTED = "not_contacted", _("Jamais contacté")
    CONTACTED = "contacted", _("Contacté")
    INTERESTED = "interested", _("Intéressé")
    OFFER_SENT = "offer_sent", _("Offre envoyée")
    NEGOTIATION = "negotiation", _("En négociation")
    FIRST_ORDER = "first_order", _("Première commande")
    LOYAL = "loyal", _("Fidélisé")


class BuyingMotive(models.TextChoices):
    """SONCAS, plus environment (seed 000: "mobiles d'achat")."""

    SECURITY = "securite", _("Sécurité")
    PRIDE = "orgueil", _("Orgueil")
    NOVELTY = "nouveaute", _("Nouveauté")
    COMFORT = "confort", _("Confort")
    MONEY = "argent", _("Argent")
    SYMPATHY = "sympathie", _("Sympathie")
    ENVIRONMENT = "environnement", _("Environnement")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Moins de 10 salariés")
    SMALL = "small", _("10 à 49 salariés")
    MEDIUM = "medium", _("50 à 249 salariés")
    LARGE = "large", _("250 salariés et plus")


class PaymentTerms(models.TextChoices):
    CASH = "cash", _("Comptant à la livraison")
    DAYS_30 = "30d", _("30 jours")
    DAYS_45_EOM = "45d_eom", _("45 jours fin de mois")
    DAYS_60 = "60d", _("60 jours")
    DIRECT_DEBIT = "direct_debit", _("Prélèvement à 30 jours")


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class CallFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Chaque semaine")
    EVERY_N_WEEKS = "every_n_weeks", _("Toutes les N semaines")
    MONTHLY = "monthly", _("Chaque mois")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class PhoneLabel(models.TextChoices):
    SWITCHBOARD = "switchboard", _("Standard")
    OFFICE = "office", _("Bureau")
    MOBILE = "mobile", _("Portable")
    KITCHEN = "kitchen", _("Cuisine")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Autre")


class InteractionKind(models.TextChoices):
    CALL_OUT = "call_out", _("Appel sortant")
    CALL_IN = "call_in", _("Appel entrant")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visite")
    NOTE = "note", _("Note")
    ORDER = "order", _("Commande")
    CLAIM = "claim", _("Réclamation")
    APPOINTMENT = "appointment", _("Rendez-vous")
    DOCUMENT = "document", _("Document envoyé")
    SYSTEM = "system", _("Modification de la fiche")

    @classmethod
    def loggable(cls) -> list[tuple[str, str]]:
        """What a person records by hand from the file (the others are written by their own apps)."""
        keep = {cls.CALL_OUT, cls.CALL_IN, cls.EMAIL, cls.VISIT, cls.NOTE}
        return [(value, label) for value, label in cls.choices if value in keep]


class Outcome(models.TextChoices):
    """The outcome of a contact (seed 000 Compétence 5: "issue de l'appel")."""

    REACHED_ORDER = "reached_order", _("Joint, a commandé")
    REACHED_NO_ORDER = "reached_no_order", _("Joint, pas de commande")
    INFORMATION = "information", _("Information donnée / reçue")
    NOT_REACHED = "not_reached", _("Non joint")
    VOICEMAIL = "voicemail", _("Message laissé")
    WRONG_NUMBER = "wrong_number", _("Faux numéro")
    CALLBACK = "callback", _("À rappeler")
    APPOINTMENT = "appointment", _("Rendez-vous pris")
    REFUSED = "refused", _("Refus / ne plus appeler")
    COMPLAINT = "complaint", _("Réclamation")
    NONE = "", _("—")


class NextStepAction(models.TextChoices):
    CALLBACK = "callback", _("Rappeler")
    SEND_DOCUMENT = "send_document", _("Envoyer un document")
    SEND_OFFER = "send_offer", _("Envoyer une offre")
    VISIT = "visit", _("Visite du commercial")
    FOLLOW_UP = "follow_up", _("Relancer")
    OTHER = "other", _("Autre")


class ConsentSource(models.TextChoices):
    PHONE_CALL = "phone_call", _("Au téléphone")
    EMAIL = "email", _("Par e-mail")
    FORM = "form", _("Formulaire / contrat")
    IMPORT = "import", _("Import")
    UNSUBSCRIBE_LINK = "unsubscribe", _("Lien de désinscription")
    OTHER = "other", _("Autre")


class GdprAction(models.TextChoices):
    EXPORT = "export", _("Export des données")
    ERASE = "erase", _("Effacement (anonymisation)")
    PURGE = "purge", _("Purge d'un prospect")
    BULK_EXPORT = "bulk_export", _("Export d'une liste")
