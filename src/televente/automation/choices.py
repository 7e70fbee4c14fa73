from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    """What sets a rule off: a business event announced by another app, or a periodic check."""

    # Events (announced by the app where they happen, see core/events.py)
    ORDER_CONFIRMED = "order_confirmed", _("Commande confirmée")
    DELIVERY_INCIDENT = "delivery_incident", _("Incident de livraison signalé")
    CLAIM_CREATED = "claim_created", _("Réclamation enregistrée")
    CLAIM_CHANGED = "claim_changed", _("Réclamation modifiée")
    CLAIM_OVERDUE = "claim_overdue", _("Réclamation hors délai")
    PROMISE_BROKEN = "promise_broken", _("Promesse de paiement non tenue")
    INSTALMENT_MISSED = "instalment_missed", _("Échéance d'un échéancier impayée")
    PAYMENT_REFUSED = "payment_refused", _("Refus de payer")
    # Periodic checks (the hourly scan)
    ORDER_LATE = "order_late", _("Commande pas encore livrée après la date prévue")
    CUSTOMER_LATE = "customer_late", _("Client en retard sur son rythme de commande")
    ACCOUNT_INACTIVE = "account_inactive", _("Client sans commande depuis longtemps")
    INVOICE_OVERDUE = "invoice_overdue", _("Facture impayée après l'échéance")
    MESSAGE_NO_REPLY = "message_no_reply", _("Message sans commande")


# The event each event trigger listens to (`core.events.emit` names).
EVENT_TRIGGERS: dict[str, str] = {
    "order.confirmed": Trigger.ORDER_CONFIRMED,
    "order.incident": Trigger.DELIVERY_INCIDENT,
    "claim.created": Trigger.CLAIM_CREATED,
    "claim.changed": Trigger.CLAIM_CHANGED,
    "claim.overdue": Trigger.CLAIM_OVERDUE,
    "receivables.promise_broken": Trigger.PROMISE_BROKEN,
    "receivables.instalment_missed": Trigger.INSTALMENT_MISSED,
    "receivables.payment_refused": Trigger.PAYMENT_REFUSED,
}
PERIODIC_TRIGGERS = (
    Trigger.ORDER_LATE,
    Trigger.CUSTOMER_LATE,
    Trigger.ACCOUNT_INACTIVE,
    Trigger.INVOICE_OVERDUE,
    Trigger.MESSAGE_NO_REPLY,
)
CLAIM_TRIGGERS = (Trigger.CLAIM_CREATED, Trigger.CLAIM_CHANGED, Trigger.CLAIM_OVERDUE)
# Triggers that scan active customers only (status "customer"): the status condition does not apply.
CUSTOMER_TRIGGERS = (Trigger.CUSTOMER_LATE, Trigger.ACCOUNT_INACTIVE)
# Triggers with no amount to compare with a minimum.
NO_AMOUNT_TRIGGERS = (Trigger.MESSAGE_NO_REPLY,)

# What "N days" means for each periodic trigger, and what the minimum amount is compared with.
TRIGGER_HELP = {
    Trigger.ORDER_CONFIRMED: _(
        "Dès qu'une commande est confirmée (par téléphone, visite, plateforme ou ERP)."
    ),
    Trigger.DELIVERY_INCIDENT: _("Dès qu'un incident de livraison est signalé sur une commande."),
    Trigger.CLAIM_CREATED: _("Dès qu'une réclamation est enregistrée."),
    Trigger.CLAIM_CHANGED: _(
        "À chaque étape d'une réclamation (qualification, transmission, règlement, clôture…)."
    ),
    Trigger.CLAIM_OVERDUE: _("Quand une réclamation dépasse son délai de traitement (escalade)."),
    Trigger.PROMISE_BROKEN: _("Quand un client n'a pas payé à la date qu'il avait promise."),
    Trigger.INSTALMENT_MISSED: _("Quand une échéance d'un échéancier n'est pas payée."),
    Trigger.PAYMENT_REFUSED: _("Quand un client refuse de payer ses factures échues lors d'un appel."),
    Trigger.ORDER_LATE: _(
        "Commandes confirmées, préparées ou expédiées dont la date de livraison est dépassée de plus de N jours (sur les 90 derniers jours)."
    ),
    Trigger.CUSTOMER_LATE: _(
        "Clients actifs qui n'ont pas recommandé plus de N jours après la date attendue (dernière commande + leur cycle de commande habituel). Une nouvelle commande remet le compteur à zéro."
    ),
    Trigger.ACCOUNT_INACTIVE: _(
        "Clients actifs dont la dernière commande date de plus de N jours. Une nouvelle commande remet le compteur à zéro."
    ),
    Trigger.INVOICE_OVERDUE: _(
        "Factures non soldées (hors factures contestées) dont l'échéance est dépassée de plus de N jours, une fois par facture."
    ),
    Trigger.MESSAGE_NO_REPLY: _(
        "E-mails envoyés avec le modèle choisi il y a plus de N jours (sur les 30 jours précédents), sans commande confirmée du client depuis : un devis ou une promotion restés sans réponse."
    ),
}
AMOUNT_HELP = {
    Trigger.ORDER_CONFIRMED: _("le total HT de la commande"),
    Trigger.DELIVERY_INCIDENT: _("le total HT de la commande concernée"),
    Trigger.CLAIM_CREATED: _("le montant en jeu de la réclamation"),
    Trigger.CLAIM_CHANGED: _("le montant en jeu de la réclamation"),
    Trigger.CLAIM_OVERDUE: _("le montant en jeu de la réclamation"),
    Trigger.PROMISE_BROKEN: _("le montant promis"),
    Trigger.INSTALMENT_MISSED: _("le montant de l'échéance"),
    Trigger.PAYMENT_REFUSED: _("le total des factures échues du client"),
    Trigger.ORDER_LATE: _("le total HT de la commande"),
    Trigger.CUSTOMER_LATE: _("le panier moyen du client"),
    Trigger.ACCOUNT_INACTIVE: _("le panier moyen du client"),
    Trigger.INVOICE_OVERDUE: _("le reste à payer de la facture"),
}


class Action(models.TextChoices):
    SEND_TEMPLATE = "send_template", _("Envoyer un message au client (modèle)")
    CALL_TASK = "call_task", _("Créer un rappel pour le télévendeur du client")
    NOTIFY = "notify", _("Prévenir un collègue par e-mail")
    HOLD_ORDERS = "hold_orders", _("Bloquer les nouvelles commandes du client")
    SET_CUSTOMER_STATUS = "set_customer_status", _("Changer le statut du client")


class NotifyTo(models.TextChoices):
    PERSON = "person", _("Une personne")
    SERVICE = "service", _("Un service du back office")
    REP = "rep", _("Le télévendeur du client")
    SUPERVISOR = "supervisor", _("Le superviseur de l'équipe du client")
