"""The rep's day: call plans per team and date, planned calls with their outcome, absences."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import Role
from televente.core.models import BaseModel

from .choices import (
    AppointmentStatus,
    CallDirection,
    CallOutcome,
    CallReason,
    NoOrderReason,
    PauseReason,
    PhoneCallState,
    PlanStatus,
    SkipReason,
    TaskStatus,
    Unplanned,
)


def minutes(t: dt.time) -> int:
    """Minutes since midnight."""
    return t.hour * 60 + t.minute


def parse_ranges(ranges) -> list[tuple[int, int]]:
    """[["12:30", "13:30"]] -> [(750, 810)] (the settings form validates the text first)."""
    out = []
    for a, b in ranges:
        ha, ma = (int(x) for x in str(a).split(":"))
        hb, mb = (int(x) for x in str(b).split(":"))
        out.append((ha * 60 + ma, hb * 60 + mb))
    return sorted(out)


def _default_breaks() -> list[list[str]]:
    return [["12:30", "13:30"]]


def _default_slack() -> list[list[str]]:
    # seed 000, Organisation: "en tenant compte des périodes creuses" for documents and callbacks.
    return [["11:00", "11:30"], ["16:30", "17:00"]]


# Default times as callables: a fixed time default makes Django's check W161 fire when the check
# happens to run within seconds of that time of day (it did, in CI at 17:30 UTC).
def at_8_30() -> dt.time:
    return dt.time(8, 30)


def at_17_30() -> dt.time:
    return dt.time(17, 30)


def at_18_00() -> dt.time:
    return dt.time(18, 0)


class PlanSettings(BaseModel):
    """What the supervisor decides for the team's plans: working hours, breaks, slack periods kept
    free for associated work, retry rules and daily quotas of prospects and relaunches."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="plan_settings")
    day_start = models.TimeField(_("début de journée"), default=at_8_30)
    day_end = models.TimeField(_("fin de journée"), default=at_17_30)
    breaks = models.JSONField(_("pauses"), default=_default_breaks, blank=True)
    slack_periods = models.JSONField(_("périodes creuses réservées"), default=_default_slack, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("pas de planification (min)"), default=5)
    max_attempts = models.PositiveSmallIntegerField(_("essais maximum si non joint"), default=3)
    retry_after_minutes = models.PositiveSmallIntegerField(_("nouvel essai après (min)"), default=45)
    prospects_per_rep = models.PositiveSmallIntegerField(
        _("prospects par télévendeur et par jour"), default=6
    )
    relaunches_per_rep = models.PositiveSmallIntegerField(
        _("comptes inactifs à relancer par télévendeur et par jour"), default=4
    )
    inactive_after_days = models.PositiveSmallIntegerField(_("relancer un inactif après (jours)"), default=60)
    prospect_recontact_days = models.PositiveSmallIntegerField(
        _("rappeler un prospect après (jours)"), default=21
    )

    class Meta:
        verbose_name = _("paramètres du plan d'appels")
        verbose_name_plural = _("paramètres des plans d'appels")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_end__gt=models.F("day_start")), name="plansettings_day_order"
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=1), name="plansettings_slot_positive"),
        ]

    def __str__(self) -> str:
        return str(self.team)

    @property
    def slack_share_pct(self) -> int:
        """The share of the working day kept free for associated work (seed 000: "périodes creuses")."""

        start, end = minutes(self.day_start), minutes(self.day_end)
        breaks = sum(max(0, min(end, b) - max(start, a)) for a, b in parse_ranges(self.breaks or []))
        slack = sum(max(0, min(end, b) - max(start, a)) for a, b in parse_ranges(self.slack_periods or []))
        working = end - start - breaks
        return round(100 * slack / working) if working > 0 else 0


class RepAbsence(BaseModel):
    """A rep away on a date (leave, training): the whole day, or from/to a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.CASCADE,
        related_name="absences",
        limit_choices_to={"role": Role.REP},
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("de"), null=True, blank=True)
    end = models.TimeField(_("à"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["date", "start"]
        indexes = [models.Index(fields=["date", "user"], name="absence_date_user")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="absence_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.date:%d/%m/%Y}"

    @property
    def whole_day(self) -> bool:
        return self.start is None and self.end is None


class CallPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> CallPlanQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE):
            return self
        if user.role == Role.SUPERVISOR:
            return self.filter(team__supervisor=user)
        return self.filter(team_id=user.team_id)


class CallPlan(BaseModel):
    """The team's plan of outbound calls for one date: generated by the optimiser, adjusted by the
    supervisor, then published to the reps."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="call_plans")
    date = models.DateField(_("date"))
    status = models.CharField(_("état"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.EMPTY)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    stats = models.JSONField(_("résultat de l'optimisation"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("généré le"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CallPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan d'appels")
        verbose_name_plural = _("plans d'appels")
        ordering = ["-date", "team"]
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="callplan_team_date_unique")]

    def __str__(self) -> str:
        return f"{self.team} {self.date:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    @property
    def is_running(self) -> bool:
        return self.status == PlanStatus.GENERATING


class CallTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> CallTaskQuerySet:
        """A rep sees the team's plan, a supervisor the plans of the teams they lead."""
        return self.filter(plan__in=CallPlan.objects.visible_to(user))


class CallTask(BaseModel):
    """One call of a plan: whom, why, when (inside the customer's windows), by whom, and how it went.

    `windows` keeps the minutes of the day in which the call may be placed ([[start, end], ...]) so
    that a manual move or an automatic retry is checked against the same rule as the optimiser.
    """

    plan = models.ForeignKey(CallPlan, on_delete=models.CASCADE, related_name="tasks")
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="call_tasks")
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    own_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=12, choices=CallReason.choices)
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    reason_note = models.CharField(_("précision"), max_length=200, blank=True)
    priority = models.PositiveIntegerField(_("priorité"), default=1)
    expected_minutes = models.PositiveSmallIntegerField(_("durée prévue (min)"), default=5)
    windows = models.JSONField(default=list, blank=True)
    fixed_time = models.BooleanField(_("heure promise"), default=False)
    planned_start = models.DateTimeField(_("heure prévue"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    unplanned_reason = models.CharField(
        _("non planifié car"), max_length=20, choices=Unplanned.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    started_at = models.DateTimeField(_("appel commencé à"), null=True, blank=True)
    ended_at = models.DateTimeField(_("appel terminé à"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("durée (s)"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=20, choices=CallOutcome.choices, blank=True)
    no_order_reason = models.CharField(
        _("raison sans commande"), max_length=14, choices=NoOrderReason.choices, blank=True
    )
    skip_reason = models.CharField(
        _("raison du report"), max_length=16, choices=SkipReason.choices, blank=True
    )
    interaction = models.ForeignKey(
        "customers.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What brought it in: the callback's timeline entry, the incident... ("app.model:pk").
    source_reference = models.CharField(max_length=80, blank=True)

    objects = CallTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel planifié")
        verbose_name_plural = _("appels planifiés")
        ordering = ["planned_start", "-priority", "id"]
        indexes = [
            # The cockpit's "next call": a rep's planned calls of a plan in time order.
            models.Index(fields=["rep", "status", "planned_start"], name="calltask_rep_status_time"),
            models.Index(fields=["plan", "status"], name="calltask_plan_status"),
            models.Index(fields=["company", "-created_at"], name="calltask_company_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "company"], name="calltask_one_per_company_and_plan"),
            models.CheckConstraint(
                condition=~Q(status="planned") | (Q(planned_start__isnull=False) & Q(rep__isnull=False)),
                name="calltask_planned_has_time_and_rep",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} @ {self.planned_start}"

    @property
    def planned_end(self) -> dt.datetime | None:
        if self.planned_start is None:
            return None
        return self.planned_start + dt.timedelta(minutes=self.expected_minutes)

    @property
    def reason_label(self) -> str:
        return CallReason(self.reason).label

    @property
    def reason_labels(self) -> list[str]:
        return [str(CallReason(r).label) for r in self.reasons if r in CallReason.values]

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def unplanned_label(self) -> str:
        return Unplanned(self.unplanned_reason).label if self.unplanned_reason else ""

    @property
    def outcome_label(self) -> str:
        return CallOutcome(self.outcome).label if self.outcome else ""

    @property
    def no_order_label(self) -> str:
        return NoOrderReason(self.no_order_reason).label if self.no_order_reason else ""

    @property
    def skip_label(self) -> str:
        return SkipReason(self.skip_reason).label if self.skip_reason else ""

    def window_state(self, moment: dt.datetime) -> str:
        """ "inside", "before" or "after" the customer's windows at this moment ("" without windows)."""
        if not self.windows:
            return ""
        from django.utils import timezone

        local = timezone.localtime(moment)
        minute = local.hour * 60 + local.minute
        if any(a <= minute < b for a, b in self.windows):
            return "inside"
        return "before" if any(minute < a for a, _b in self.windows) else "after"

    def window_labels(self) -> list[str]:
        return [f"{a // 60:02d}h{a % 60:02d}–{b // 60:02d}h{b % 60:02d}" for a, b in self.windows]


class FieldAgenda(BaseModel):
    """A field rep's visiting hours, the usual length of a visit and the travel time kept between two."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="field_agenda"
    )
    day_start = models.TimeField(_("première visite à partir de"), default=at_8_30)
    day_end = models.TimeField(_("dernière visite finie à"), default=at_18_00)
    weekdays = models.JSONField(_("jours de visite"), default=list, blank=True)  # empty: Monday to Friday
    visit_minutes = models.PositiveSmallIntegerField(_("durée d'une visite (min)"), default=60)
    travel_minutes = models.PositiveSmallIntegerField(_("trajet entre deux visites (min)"), default=30)

    class Meta:
        verbose_name = _("agenda du commercial itinérant")
        verbose_name_plural = _("agendas des commerciaux itinérants")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def visit_weekdays(self) -> list[int]:
        return self.weekdays or [0, 1, 2, 3, 4]


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AppointmentQuerySet:
        from televente.customers.models import Company

        if getattr(user, "role", None) == Role.FIELD_REP:
            return self.filter(Q(field_rep=user) | Q(company__in=Company.objects.visible_to(user)))
        return self.filter(company__in=Company.objects.visible_to(user))


class Appointment(BaseModel):
    """A visit booked by telesales in the paired field rep's calendar (seed 000: "prise de RDV avec
    un commercial"), then reported on by the field rep."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="appointments")
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    field_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commercial itinérant"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(CallTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    purpose = models.CharField(_("objet de la visite"), max_length=200)
    notes = models.TextField(_("notes pour le commercial"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    report = models.TextField(_("compte rendu"), blank=True)
    reported_at = models.DateTimeField(_("compte rendu le"), null=True, blank=True)
    uid = models.CharField(max_length=80, unique=True, editable=False)  # the ICS event's UID
    sequence = models.PositiveSmallIntegerField(default=0)  # ICS SEQUENCE, raised on each change

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["start"]
        indexes = [models.Index(fields=["field_rep", "start"], name="appointment_rep_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.start:%d/%m/%Y %H:%M}"


class PhoneCall(BaseModel):
    """A call seen by the telephony system (one call id), built from its events: who called whom,
    when it rang, was answered and ended, its duration and recording, and the timeline entry it
    belongs to."""

    external_id = models.CharField(_("identifiant d'appel"), max_length=120, unique=True)
    direction = models.CharField(_("sens"), max_length=8, choices=CallDirection.choices)
    from_number = models.CharField(_("appelant"), max_length=32, blank=True)
    to_number = models.CharField(_("appelé"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_calls"
    )
    company = models.ForeignKey(
        "customers.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_calls"
    )
    state = models.CharField(
        _("état"), max_length=10, choices=PhoneCallState.choices, default=PhoneCallState.RINGING
    )
    rang_at = models.DateTimeField(_("a sonné à"), null=True, blank=True)
    answered_at = models.DateTimeField(_("décroché à"), null=True, blank=True)
    ended_at = models.DateTimeField(_("terminé à"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("durée (s)"), null=True, blank=True)
    recording_url = models.URLField(_("enregistrement"), max_length=500, blank=True)
    popped_at = models.DateTimeField(_("affiché au télévendeur à"), null=True, blank=True)
    interaction = models.ForeignKey(
        "customers.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appel téléphonique")
        verbose_name_plural = _("appels téléphoniques")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "popped_at", "-created_at"], name="phonecall_user_pop")]

    def __str__(self) -> str:
        return self.external_id


class TelephonyEvent(models.Model):
    """Each event received from the telephony system, once (its id is the replay protection)."""

    event_id = models.CharField(max_length=120, unique=True)
    call = models.ForeignKey(PhoneCall, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=PhoneCallState.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("événement de téléphonie")
        verbose_name_plural = _("événements de téléphonie")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.call_id}"


class RepPause(BaseModel):
    """A rep away from the phone for a while (break, associated work): traced for adherence."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("début"))
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    reason = models.CharField(
        _("motif"), max_length=10, choices=PauseReason.choices, default=PauseReason.BREAK
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "-started_at"], name="pause_user_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="pause_one_open_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%H:%M}"

    @property
    def reason_label(self) -> str:
        return PauseReason(self.reason).label
