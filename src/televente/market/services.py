"""Writes of the market app: competitor observations, surveys (builder, phone and email answers)
and the improvement actions shared with the customers who answered."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold
from televente.customers.choices import InteractionKind
from televente.customers.models import Company, Contact
from televente.customers.services import interaction_record

from .choices import (
    ActionStatus,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
    Satisfaction,
    SurveyKind,
    SurveyStatus,
)
from .models import (
    Competitor,
    CompetitorObservation,
    ImprovementAction,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

TOKEN_SALT = "market.survey"
TOKEN_MAX_AGE = 60 * 24 * 3600  # an emailed link answers for 60 days


# Permissions ---------------------------------------------------------------------------------------------------------


def _role(user) -> str:
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return getattr(user, "role", "")


def can_record(user) -> bool:
    """Reps, supervisors and admins record what customers say during calls."""
    return bool(getattr(user, "is_authenticated", False)) and _role(user) in (
        Role.REP,
        Role.SUPERVISOR,
        Role.ADMIN,
    )


def can_read_report(user) -> bool:
    """The competitor report: reps (their team), supervisors (their teams), back office and admin."""
    return bool(getattr(user, "is_authenticated", False)) and _role(user) in (
        Role.REP,
        Role.SUPERVISOR,
        Role.ADMIN,
        Role.BACK_OFFICE,
    )


def can_manage_surveys(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and _role(user) in (Role.SUPERVISOR, Role.ADMIN)


def _check_company(company: Company, by) -> None:
    if not Company.objects.visible_to(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Ce client n'est pas dans votre portefeuille."))


# Competitor intelligence ---------------------------------------------------------------------------------------------


def competitor_find(name: str) -> Competitor | None:
    """The competitor of that name, whatever its case or accents ("Distri-frais ouest" is
    "Distri-Frais Ouest"): reps type names as they hear them."""
    key = fold(name)
    if not key:
        return None
    for competitor in Competitor.objects.only("pk", "name"):
        if fold(competitor.name) == key:
            return competitor
    return None


def competitor_get_or_create(*, name: str, by) -> Competitor:
    name = " ".join((name or "").split())[:120]
    if not fold(name):
        raise DomainError(_("Indiquez le nom du concurrent."), field="competitor")
    found = competitor_find(name)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Competitor.objects.create(name=name, created_by=by)
    except IntegrityError:  # the same name typed at the same time by a colleague
        return competitor_find(name) or Competitor.objects.get(name__iexact=name)


def product_resolve(text: str):
    """Our equivalent article from its code (exact) or a name (the single closest match)."""
    from televente.catalog.models import Product

    text = (text or "").strip()
    if not text:
        return None
    code = text.split(" ")[0].upper()
    product = Product.objects.filter(code=code).first()
    if product is not None:
        return product
    matches = list(Product.objects.filter(name__iexact=text)[:2])
    if len(matches) == 1:
        return matches[0]
    words = fold(text).split()
    qs = Product.objects.all()
    for word in words:
        qs = qs.filter(search_text__contains=word)
    matches = list(qs[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DomainError(_("Aucun article ne correspond à « %(text)s ».") % {"text": text}, field="product")
    raise DomainError(
        _("Plusieurs articles correspondent à « %(text)s » : précisez le code article.") % {"text": text},
        field="product",
    )


@transaction.atomic
def observation_record(
    *,
    company: Company,
    by,
    competitor: str,
    product=None,
    product_label: str = "",
    price: Decimal | None = None,
    price_unit: str = "",
    terms: str = "",
    satisfaction: str = "",
    notes: str = "",
    task=None,
) -> CompetitorObservation:
    """What the customer says of a competitor, recorded during a call; a new name creates the
    competitor. A short line goes on the customer's timeline."""
    if not can_record(by):
        raise PermissionRefused(_("Vous ne pouvez pas saisir d'information concurrentielle."))
    _check_company(company, by)
    price = None if price in (None, "") else Decimal(str(price))
    if price is not None and price < 0:
        raise DomainError(_("Le prix ne peut pas être négatif."), field="price")
    if satisfaction and satisfaction not in Satisfaction.values:
        raise DomainError(_("Choisissez une satisfaction de la liste."), field="satisfaction")
    if task is not None and task.company_id != company.pk:
        raise DomainError(_("Cet appel concerne un autre client."))
    found = competitor_get_or_create(name=competitor, by=by)
    observation = CompetitorObservation.objects.create(
        company=company,
        competitor=found,
        product=product,
        product_label=(product_label or "").strip()[:160],
        price=price,
        price_unit=(price_unit or "").strip()[:30],
        terms=(terms or "").strip()[:300],
        satisfaction=satisfaction,
        notes=(notes or "").strip(),
        recorded_by=by,
        task=task,
    )
    what = observation.product_label or (product.name if product else "")
    subject = _("Concurrence : %(name)s") % {"name": found.name}
    if what:
        subject += f" · {what}"
    if price is not None:
        subject += " · " + _("%(price)s € HT") % {"price": f"{price.normalize():f}".replace(".", ",")}
        if observation.price_unit:
            subject += f" / {observation.price_unit}"
    details = [observation.terms, observation.get_satisfaction_display() if satisfaction else "", notes]
    interaction_record(
        company=company,
        kind=InteractionKind.NOTE,
        by=by,
        subject=subject,
        notes="\n".join(d for d in details if d),
        reference=f"market.competitorobservation:{observation.pk}",
        touch_contact=False,
    )
    if not company.competitor:
        Company.objects.filter(pk=company.pk).update(competitor=found.name)
    return observation


# Surveys: the builder ------------------------------------------------------------------------------------------------


def _check_manage(by) -> None:
    if not can_manage_surveys(by):
        raise PermissionRefused(_("Seuls les superviseurs et les administrateurs gèrent les enquêtes."))


def _clean_questions(questions: list[dict]) -> list[dict]:
    rows = sorted(questions, key=lambda q: q.get("position") or 0)
    cleaned, roles = [], set()
    for index, q in enumerate(rows, start=1):
        text = (q.get("text") or "").strip()
        kind = q.get("kind") or ""
        role = q.get("role") or ""
        choices = [c.strip()[:120] for c in (q.get("choices") or []) if c and c.strip()]
        label = _("Question %(n)s") % {"n": index}
        if not text:
            raise DomainError(_("%(q)s : écrivez la question.") % {"q": label}, field="questions")
        if kind not in QuestionKind.values:
            raise DomainError(_("%(q)s : choisissez le type de réponse.") % {"q": label}, field="questions")
        if kind == QuestionKind.CHOICE and len(choices) < 2:
            raise DomainError(
                _("%(q)s : proposez au moins deux réponses, une par ligne.") % {"q": label}, field="questions"
            )
        if role and kind != QuestionKind.SCALE:
            raise DomainError(
                _("%(q)s : le NPS, le CSAT et les critères se notent de 0 à 10.") % {"q": label},
                field="questions",
            )
        if role in (QuestionRole.NPS, QuestionRole.CSAT):
            if role in roles:
                raise DomainError(
                    _("Une seule question %(role)s par enquête.") % {"role": QuestionRole(role).label},
                    field="questions",
                )
            roles.add(role)
        criterion = (q.get("criterion") or "").strip()[:80]
        if role == QuestionRole.CRITERION and not criterion:
            raise DomainError(_("%(q)s : nommez le critère.") % {"q": label}, field="questions")
        cleaned.append(
            {
                "position": index,
                "text": text[:300],
                "kind": kind,
                "choices": choices if kind == QuestionKind.CHOICE else [],
                "role": role,
                "criterion": criterion if role == QuestionRole.CRITERION else "",
                "required": bool(q.get("required")),
            }
        )
    return cleaned


@transaction.atomic
def survey_save(
    *,
    by,
    title: str,
    kind: str,
    introduction: str = "",
    thanks: str = "",
    questions: list[dict] | None = None,
    survey: Survey | None = None,
) -> Survey:
    """Creates or edits a survey. Its questions are replaced as a whole, and frozen once someone
    answered (the results would mix different questionnaires)."""
    _check_manage(by)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à l'enquête."), field="title")
    if kind not in SurveyKind.values:
        raise DomainError(_("Choisissez le type d'enquête."), field="kind")
    survey = Survey(created_by=by) if survey is None else Survey.objects.select_for_update().get(pk=survey.pk)
    survey.title, survey.kind = title[:200], kind
    survey.introduction, survey.thanks = (introduction or "").strip(), (thanks or "").strip()[:300]
    survey.save()
    if questions is not None:
        cleaned = _clean_questions(questions)
        if survey.responses.exists():
            current = [
                (q.text, q.kind, q.choices, q.role, q.criterion, q.required)
                for q in survey.questions.order_by("position")
            ]
            wanted = [
                (q["text"], q["kind"], q["choices"], q["role"], q["criterion"], q["required"])
                for q in cleaned
            ]
            if current != wanted:
                raise DomainError(
                    _("Des clients ont déjà répondu : les questions ne peuvent plus changer."),
                    field="questions",
                )
        else:
            survey.questions.all().delete()
            SurveyQuestion.objects.bulk_create(SurveyQuestion(survey=survey, **q) for q in cleaned)
    return survey


@transaction.atomic
def survey_set_status(*, survey: Survey, by, status: str) -> Survey:
    _check_manage(by)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if status not in SurveyStatus.values:
        raise DomainError(_("État inconnu."))
    if status == SurveyStatus.OPEN and not survey.questions.exists():
        raise DomainError(_("Ajoutez au moins une question avant d'ouvrir l'enquête."))
    if status == SurveyStatus.DRAFT and survey.responses.exists():
        raise DomainError(_("Des clients ont déjà répondu : l'enquête ne peut plus revenir en préparation."))
    survey.status = status
    survey.save(update_fields=["status", "updated_at"])
    return survey


# Surveys: answers ----------------------------------------------------------------------------------------------------


def _clean_answers(questions: list[SurveyQuestion], answers: dict) -> list[SurveyAnswer]:
    """One answer per question, checked as the form did: required, score 0-10, choice in the list."""
    rows = []
    for q in questions:
        raw = answers.get(q.pk, answers.get(str(q.pk)))
        raw = "" if raw is None else str(raw).strip()
        field = f"q_{q.pk}"
        if not raw:
            if q.required:
                raise DomainError(_("Répondez à cette question."), field=field)
            continue
        answer = SurveyAnswer(question=q)
        if q.kind == QuestionKind.SCALE:
            if not raw.isdigit() or not 0 <= int(raw) <= 10:
                raise DomainError(_("Une note de 0 à 10."), field=field)
            answer.score = int(raw)
        elif q.kind == QuestionKind.CHOICE:
            if raw not in q.choices:
                raise DomainError(_("Choisissez une réponse de la liste."), field=field)
            answer.choice = raw
        else:
            answer.text = raw[:4000]
        rows.append(answer)
    return rows


def _store_response(*, survey: Survey, company: Company, answers: dict, **fields) -> SurveyResponse:
    questions = list(survey.questions.order_by("position"))
    rows = _clean_answers(questions, answers)
    response = SurveyResponse.objects.create(survey=survey, company=company, **fields)
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    return response


def _timeline_response(response: SurveyResponse, by) -> None:
    survey = response.survey
    nps = next(
        (
            a.score
            for a in response.answers.select_related("question")
            if a.question.role == QuestionRole.NPS and a.score is not None
        ),
        None,
    )
    subject = _("Enquête « %(title)s » : réponse %(channel)s") % {
        "title": survey.title,
        "channel": ResponseChannel(response.channel).label.lower(),
    }
    interaction_record(
        company=response.company,
        kind=InteractionKind.NOTE,
        by=by,
        # the contact may have moved to another file since the invitation: the entry stays on this one
        contact=response.contact
        if response.contact and response.contact.company_id == response.company_id
        else None,
        subject=subject,
        notes=_("Recommandation : %(score)s/10") % {"score": nps} if nps is not None else "",
        reference=f"market.surveyresponse:{response.pk}",
        touch_contact=False,
    )


@transaction.atomic
def survey_response_record(
    *, survey: Survey, company: Company, by, answers: dict, contact: Contact | None = None, task=None
) -> SurveyResponse:
    """Answers read by the rep on the phone, question by question."""
    if not can_record(by):
        raise PermissionRefused(_("Vous ne pouvez pas saisir de réponse d'enquête."))
    _check_company(company, by)
    survey = Survey.objects.get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise DomainError(_("Cette enquête n'est pas ouverte."))
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    if task is not None and task.company_id != company.pk:
        raise DomainError(_("Cet appel concerne un autre client."))
    # The same answers sent twice (a double click, a resent form): the customer's row is locked, and
    # the same answers noted by the same rep for the same contact in the last two minutes are that
    # response, not a second one.
    Company.objects.select_for_update().filter(pk=company.pk).values_list("pk", flat=True).first()
    wanted = {
        (a.question_id, a.choice, a.score, a.text)
        for a in _clean_answers(list(survey.questions.order_by("position")), answers)
    }
    for recent in SurveyResponse.objects.filter(
        survey=survey,
        company=company,
        contact=contact,
        channel=ResponseChannel.PHONE,
        recorded_by=by,
        submitted_at__gte=timezone.now() - timedelta(minutes=2),
    ).prefetch_related("answers"):
        if {(a.question_id, a.choice, a.score, a.text) for a in recent.answers.all()} == wanted:
            return recent
    response = _store_response(
        survey=survey,
        company=company,
        answers=answers,
        channel=ResponseChannel.PHONE,
        contact=contact,
        recorded_by=by,
        task=task,
    )
    _timeline_response(response, by)
    return response


def survey_token(invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=TOKEN_SALT)


class TokenExpired(DomainError):
    code = "expired"


def survey_invitation_id(token: str) -> int | None:
    """The invitation a link is for; None when it was not signed by us; TokenExpired after 60 days."""
    try:
        return int(signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE))
    except signing.SignatureExpired as exc:
        raise TokenExpired(_("Ce lien a expiré.")) from exc
    except (signing.BadSignature, TypeError, ValueError):
        return None


def survey_link(invitation: SurveyInvitation) -> str:
    return settings.SITE_URL + reverse("market:answer", args=[survey_token(invitation.pk)])


@transaction.atomic
def survey_invite(*, survey: Survey, company: Company, contact: Contact, by) -> SurveyInvitation:
    """An email with the survey's link to one contact; inviting the same contact again returns the
    first invitation (one link, one message). The opt-out is also checked when the message leaves."""
    if by is not None:
        if not can_record(by):
            raise PermissionRefused(_("Vous ne pouvez pas envoyer d'enquête."))
        _check_company(company, by)
    if survey.status != SurveyStatus.OPEN:
        raise DomainError(_("Cette enquête n'est pas ouverte."), field="survey")
    if contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    existing = SurveyInvitation.objects.filter(survey=survey, contact=contact).first()
    if existing is not None:
        return existing
    if not contact.email:
        raise DomainError(_("Cet interlocuteur n'a pas d'adresse e-mail."), field="contact")
    if not contact.allows("email"):
        raise DomainError(_("Cet interlocuteur refuse les e-mails."), field="contact")
    from televente.messaging.services import message_queue

    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                survey=survey, company=company, contact=contact, invited_by=by
            )
    except IntegrityError:  # invited at the same moment by someone else
        return SurveyInvitation.objects.get(survey=survey, contact=contact)
    with translation.override(contact.language or "fr"):
        subject = _("Votre avis compte : %(title)s") % {"title": survey.title}
        body = render_to_string(
            "market/email/invitation.txt",
            {"survey": survey, "contact": contact, "company": company, "link": survey_link(invitation)},
        )
    message = message_queue(
        channel="email",
        contact=contact,
        company=company,
        subject=str(subject),
        body=body.strip(),
        by=by,
        key=f"market.invitation:{invitation.pk}",
        reference=f"market.survey:{survey.pk}",
    )
    invitation.message = message
    invitation.save(update_fields=["message", "updated_at"])
    return invitation


class AlreadyAnswered(DomainError):
    code = "already_answered"


@transaction.atomic
def survey_answer_by_link(*, invitation_id: int, answers: dict) -> SurveyResponse:
    """The customer's answers from the emailed link: saved once, even when the form is sent twice
    (the invitation row is locked, then marked used in the same transaction)."""
    invitation = (
        SurveyInvitation.objects.select_for_update()
        .select_related("survey", "company", "contact")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise DomainError(_("Ce lien n'est pas valable."), code="invalid")
    if invitation.used_at is not None:
        raise AlreadyAnswered(_("Vous avez déjà répondu, merci."))
    if invitation.survey.status != SurveyStatus.OPEN:
        raise DomainError(_("Cette enquête est close. Merci de votre intérêt."), code="closed")
    response = _store_response(
        survey=invitation.survey,
        company=invitation.company,
        answers=answers,
        channel=ResponseChannel.EMAIL,
        contact=invitation.contact,
        invitation=invitation,
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    # the link has no signed-in author: the entry is filed under who sent it (or the customer's rep)
    author = invitation.invited_by or invitation.company.rep or invitation.survey.created_by
    if author is not None:
        _timeline_response(response, author)
    return response


# Improvement actions -------------------------------------------------------------------------------------------------


@transaction.atomic
def action_save(
    *,
    survey: Survey,
    by,
    title: str,
    description: str = "",
    criterion: str = "",
    owner=None,
    due_on=None,
    action: ImprovementAction | None = None,
) -> ImprovementAction:
    _check_manage(by)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Décrivez l'action en quelques mots."), field="title")
    if action is None:
        action = ImprovementAction(survey=survey)
    elif action.survey_id != survey.pk:
        raise DomainError(_("Cette action appartient à une autre enquête."))
    action.title, action.description = title[:200], (description or "").strip()
    action.criterion, action.owner, action.due_on = (criterion or "").strip()[:80], owner, due_on
    action.save()
    return action


@transaction.atomic
def action_mark_done(*, action: ImprovementAction, by, done: bool = True) -> ImprovementAction:
    _check_manage(by)
    action.status = ActionStatus.DONE if done else ActionStatus.PLANNED
    action.save(update_fields=["status", "updated_at"])
    return action


@transaction.atomic
def actions_share(*, survey: Survey, by) -> int:
    """Emails the survey's actions to every contact who answered (one message each); sharing the
    same set of actions again sends nothing more. Returns how many messages were queued."""
    _check_manage(by)
    from televente.messaging.models import Message
    from televente.messaging.services import message_queue

    actions = list(survey.actions.order_by("status", "due_on", "pk"))
    if not actions:
        raise DomainError(_("Ajoutez d'abord les actions à partager."))
    digest = hashlib.sha256(",".join(f"{a.pk}.{a.status}" for a in actions).encode()).hexdigest()[:12]
    visible = Company.objects.visible_to(by)
    contacts = (
        Contact.objects.filter(
            pk__in=SurveyResponse.objects.filter(
                survey=survey, contact__isnull=False, company__in=visible
            ).values("contact_id")
        )
        .exclude(email="")
        .select_related("company")
        .order_by("pk")
    )
    sent = 0
    for contact in contacts:
        if not contact.allows("email"):
            continue
        key = f"market.actions:{survey.pk}:{digest}:{contact.pk}"
        if Message.objects.filter(idempotency_key=key).exists():
            continue
        with translation.override(contact.language or "fr"):
            subject = _("Ce que nous changeons après votre avis : %(title)s") % {"title": survey.title}
            body = render_to_string(
                "market/email/actions.txt", {"survey": survey, "contact": contact, "actions": actions}
            )
        message_queue(
            channel="email",
            contact=contact,
            subject=str(subject),
            body=body.strip(),
            by=by,
            key=key,
            reference=f"market.survey:{survey.pk}",
        )
        sent += 1
    ImprovementAction.objects.filter(pk__in=[a.pk for a in actions]).update(shared_at=timezone.now())
    return sent
