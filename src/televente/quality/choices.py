from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AnswerType(models.TextChoices):
    """How an item is answered. The seeds' grids are Oui/Non; "non applicable" keeps an indicator
    that did not arise during the call (no claim, no shortage) out of the score."""

    YES_NO_NA = "yes_no_na", _("Oui / Non / Non applicable")
    YES_NO = "yes_no", _("Oui / Non")
    SCALE = "scale", _("Échelle de 1 à 4")


class Answer(models.TextChoices):
    YES = "yes", _("Oui")
    NO = "no", _("Non")
    NA = "na", _("Non applicable")
    S1 = "1", _("1 – non acquis")
    S2 = "2", _("2 – en cours d'acquisition")
    S3 = "3", _("3 – acquis")
    S4 = "4", _("4 – maîtrisé")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("En service")
    RETIRED = "retired", _("Remplacée")


class EvaluationKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("Évaluation du superviseur")
    SELF = "self", _("Auto-évaluation")
    CALIBRATION = "calibration", _("Calibrage")


class EvaluationSituation(models.TextChoices):
    """What was listened to (seed 002: "mise en situation professionnelle")."""

    RECORDED = "recorded", _("Appel de l'historique (enregistrement)")
    LIVE = "live", _("Écoute en direct (double écoute)")
    ROLE_PLAY = "role_play", _("Jeu de rôle")
    CERTIFICATION = "certification", _("Mise en situation de certification")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SHARED = "shared", _("Transmise au télévendeur")
    ACKNOWLEDGED = "acknowledged", _("Prise en compte")


class SessionKind(models.TextChoices):
    LIVE = "live", _("Double écoute")
    ROLE_PLAY = "role_play", _("Jeu de rôle")
    CERTIFICATION = "certification", _("Mise en situation de certification")


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    DONE = "done", _("Réalisée")
    CANCELLED = "cancelled", _("Annulée")


class CertificationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("certification", "En préparation")
    VALIDATED = "validated", _("Validé")
    NOT_VALIDATED = "not_validated", _("Non validé")


class EvidenceKind(models.TextChoices):
    """Seed 002, « Modalités d'évaluation » of each block."""

    PROFESSIONAL_FILE = "file", _("Dossier professionnel")
    SITUATION = "situation", _("Mise en situation professionnelle (entretiens de vente à distance)")
    COMPANY_INTERVIEW = "company_interview", _("Entretien d'évaluation en entreprise")
    EXTERNAL_INTERVIEW = "external_interview", _("Entretien d'évaluation externe")
    EVALUATION = "evaluation", _("Évaluation d'appel")
    OTHER = "other", _("Autre pièce")
