"""Users, their role and their team."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import BackOfficeService, Language, Role


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user) -> TeamQuerySet:
        """Teams a person may look at: their own, those they lead; all for admin and back office."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.ADMIN, Role.BACK_OFFICE) or user.is_superuser:
            return self.all()
        return self.filter(Q(pk=user.team_id) | Q(supervisor=user)).distinct()


class Team(BaseModel):
    """A telesales team: reps (and their field reps) led by a supervisor."""

    name = models.CharField(_("nom"), max_length=120)
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("superviseur"),
        on_delete=models.PROTECT,
        related_name="led_teams",
        null=True,
        blank=True,
        limit_choices_to={"role": Role.SUPERVISOR},
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:
        """People a user may see: members and supervisors of the teams they may see, and themselves."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.ADMIN, Role.BACK_OFFICE) or user.is_superuser:
            return self.all()
        teams = Team.objects.visible_to(user)
        return self.filter(Q(team__in=teams) | Q(led_teams__in=teams) | Q(pk=user.pk)).distinct()

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)


class AppUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in: a rep, a supervisor, a field rep, a back-office employee or an admin."""

    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.REP)
    service = models.CharField(
        _("service"),
        max_length=20,
        choices=BackOfficeService.choices,
        blank=True,
        help_text=_("Pour le back office : le service auquel les réclamations et incidents sont adressés."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("équipe"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    paired_field_rep = models.ForeignKey(
        "self",
        verbose_name=_("commercial itinérant associé"),
        on_delete=models.SET_NULL,
        related_name="paired_reps",
        null=True,
        blank=True,
        limit_choices_to={"role": Role.FIELD_REP},
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    language = models.CharField(_("langue"), max_length=5, choices=Language.choices, default=Language.FRENCH)
    time_zone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    discount_limit = models.DecimalField(
        _("remise manuelle maximale (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide : la limite du rôle (télévendeur 5 %, superviseur 15 %)."),
    )

    objects = AppUserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.BACK_OFFICE) | Q(service=""),
                name="user_service_only_for_back_office",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.BACK_OFFICE) | ~Q(service=""),
                name="user_back_office_has_service",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_field_rep(self) -> bool:
        return self.role == Role.FIELD_REP

    @property
    def is_back_office(self) -> bool:
        return self.role == Role.BACK_OFFICE

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(BaseModel):
    """A personal API key. Only its SHA-256 is stored; it acts with its owner's permissions."""

    PREFIX = "tv_"

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=80)
    key_prefix = models.CharField(_("début de la clé"), max_length=12)
    key_hash = models.CharField(max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["key_hash"], name="apitoken_key_hash_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(raw_key: str) -> str:
        # The keys are 256-bit random strings: a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
