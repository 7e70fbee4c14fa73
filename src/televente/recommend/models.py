"""Trained recommendation tables, rebuilt whole by a background task (`training.train`) and read
directly by the order screen: nothing is learnt during a request.

The three score tables have no created/updated columns on purpose: they are replaced in one
transaction at each run (hundreds of thousands of rows at the `large` size)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import RunStatus, RunTrigger


class ModelRun(BaseModel):
    """One training: when, why, how long, on how much history, and how it ended."""

    status = models.CharField(_("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("déclenchement"), max_length=10, choices=RunTrigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("début"))
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    seconds = models.FloatField(_("durée (s)"), null=True, blank=True)
    lines = models.PositiveIntegerField(_("lignes de commande"), default=0)
    orders = models.PositiveIntegerField(_("commandes"), default=0)
    customers = models.PositiveIntegerField(_("clients"), default=0)
    products = models.PositiveIntegerField(_("articles"), default=0)
    basket_rows = models.PositiveIntegerField(_("suggestions de panier"), default=0)
    complement_rows = models.PositiveIntegerField(_("paires de compléments"), default=0)
    substitute_rows = models.PositiveIntegerField(_("paires de substituts"), default=0)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("calcul des recommandations")
        verbose_name_plural = _("calculs des recommandations")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status", "-started_at"], name="modelrun_status_started")]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class BasketScore(models.Model):
    """A product this customer is likely to order next (TIFU-KNN), with the quantity to propose in
    its usual sales unit; `own` says whether the customer already ordered it (else its neighbours did)."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("score"))
    own = models.BooleanField(_("déjà commandé par le client"), default=True)
    unit = models.ForeignKey(
        "catalog.SalesUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantité proposée"), default=1)

    class Meta:
        verbose_name = _("suggestion de panier")
        verbose_name_plural = _("suggestions de panier")
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="basketscore_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="basketscore_quantity_positive"),
        ]
        indexes = [models.Index(fields=["company", "rank"], name="basketscore_company_rank")]

    def __str__(self) -> str:
        return f"{self.company_id} #{self.rank}: {self.product_id}"


class ComplementScore(models.Model):
    """Products often ordered together: `target` is a complement of `product`."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("complément appris")
        verbose_name_plural = _("compléments appris")
        constraints = [
            models.UniqueConstraint(fields=["product", "target"], name="complementscore_unique"),
            models.CheckConstraint(
                condition=~models.Q(product=models.F("target")), name="complementscore_not_self"
            ),
        ]
        indexes = [models.Index(fields=["product", "rank"], name="complementscore_product_rank")]

    def __str__(self) -> str:
        return f"{self.product_id} -> {self.target_id} #{self.rank}"


class SubstituteScore(models.Model):
    """A product that serves the same need as `product` (same category), with the parts of its score
    so the rep reads why: close name, same attributes, same buyers, substitution already accepted."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("score"))
    name_similarity = models.FloatField(_("noms proches"), default=0)
    attribute_similarity = models.FloatField(_("caractéristiques communes"), default=0)
    buyer_similarity = models.FloatField(_("mêmes acheteurs"), default=0)
    accepted = models.PositiveIntegerField(_("substitutions acceptées"), default=0)

    class Meta:
        verbose_name = _("substitut appris")
        verbose_name_plural = _("substituts appris")
        constraints = [
            models.UniqueConstraint(fields=["product", "target"], name="substitutescore_unique"),
            models.CheckConstraint(
                condition=~models.Q(product=models.F("target")), name="substitutescore_not_self"
            ),
        ]
        indexes = [models.Index(fields=["product", "rank"], name="substitutescore_product_rank")]

    def __str__(self) -> str:
        return f"{self.product_id} -> {self.target_id} #{self.rank}"
