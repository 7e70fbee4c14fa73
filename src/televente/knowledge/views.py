"""Knowledge screens: the search and articles, the cockpit card (search + documentation to send),
the documents library and the rep's list of documents to send."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.calls.models import CallTask
from televente.core.errors import DomainError, PermissionRefused, add_form_error
from televente.customers.models import Company

from . import selectors, services
from .choices import ArticleTopic, DocumentKind
from .documents import document_content
from .forms import ArticleForm, DocumentForm
from .models import Article, CommercialDocument


def _manager(request: HttpRequest) -> None:
    if not services.can_manage(request.user):
        raise PermissionDenied


# Articles ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    topic = request.GET.get("theme", "")
    topic = topic if topic in ArticleTopic.values else ""
    result = selectors.knowledge_search(user=request.user, query=query, topic=topic)
    context = {
        "result": result,
        "topic": topic,
        "topics": ArticleTopic.choices,
        "to_send": selectors.to_send_count(user=request.user),
        "can_manage": services.can_manage(request.user),
    }
    if request.htmx and request.GET.get("partie") == "resultats":
        return render(request, "knowledge/home.html#results", context)
    return render(request, "knowledge/home.html", context)


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_page(user=request.user, pk=pk)
    if article is None:
        raise Http404
    return render(
        request,
        "knowledge/article_detail.html",
        {"article": article, "can_manage": services.can_manage(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    article = get_object_or_404(Article, pk=pk) if pk else None
    initial = {}
    if article is not None:
        initial = {
            "title": article.title,
            "topic": article.topic,
            "summary": article.summary,
            "body": article.body,
            "keywords": article.keywords,
            "product_codes": ", ".join(p.code for p in article.products.order_by("code")),
            "is_published": article.is_published,
        }
    form = ArticleForm(request.POST or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_save(
                by=request.user,
                article=article,
                title=data["title"],
                topic=data["topic"],
                summary=data["summary"],
                body=data["body"],
                keywords=data["keywords"],
                products=data["product_codes"],
                is_published=data["is_published"],
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Article enregistré."))
            return redirect("knowledge:article", pk=article.pk)
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "article": article},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    article = get_object_or_404(Article, pk=pk)
    published = request.POST.get("publier") == "1"
    services.article_publish(article=article, by=request.user, published=published)
    messages.success(request, _("Article publié.") if published else _("Article retiré de la publication."))
    return redirect("knowledge:article", pk=article.pk)


# The cockpit's card ------------------------------------------------------------------------------------------------


def _task(request: HttpRequest, company: Company) -> CallTask | None:
    """The call in progress (`?appel=`), when the user sees it and it is this customer's."""
    ref = request.GET.get("appel") or request.POST.get("appel") or ""
    if not ref.isdigit():
        return None
    return CallTask.objects.visible_to(request.user).filter(pk=int(ref), company=company).first()


def _panel(request: HttpRequest, company: Company, *, task=None, errors=None, data=None, done="", status=200):
    recipients = selectors.company_recipients(company)
    data = data or {}
    documents = selectors.suggested_documents(company=company)
    # Documents ticked in the search results (a sheet outside the suggestions) stay ticked on error.
    offered = {d.pk for d in documents}
    missing = [pk for pk in data.get("documents", []) if pk not in offered]
    if missing:
        documents += list(CommercialDocument.objects.filter(pk__in=missing, is_active=True).order_by("title"))
    return render(
        request,
        "knowledge/_company_panel.html",
        {
            "company": company,
            "task": task,
            "documents": documents,
            "recipients": recipients,
            "chosen_contact": data.get("contact", recipients[0].pk if recipients else None),
            "chosen_documents": data.get("documents", []),
            "note": data.get("note", ""),
            "due_on": data.get("due_on", ""),
            "errors": errors or {},
            "today": timezone.localdate(),
            "can_send": services.can_send(request.user),
            "done": done,
            **selectors.company_sendings(company=company),
        },
        status=status,
    )


def _allowed_panel(user) -> bool:
    from televente.accounts.choices import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.REP, Role.SUPERVISOR, Role.ADMIN))
    )


@login_required
@require_GET
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The card of the customer file and the cockpit: search, then documentation to send."""
    if not _allowed_panel(request.user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    return _panel(request, company, task=_task(request, company))


@login_required
@require_GET
def panel_search(request: HttpRequest) -> HttpResponse:
    """The card's results: articles open in place (never leaving the call), products link to their sheet."""
    result = selectors.knowledge_search(user=request.user, query=request.GET.get("q", "")[:200], limit=8)
    if not result.query:
        result.articles = []
    return render(request, "knowledge/_panel_results.html", {"result": result})


@login_required
@require_POST
def panel_send(request: HttpRequest, company_pk: int) -> HttpResponse:
    if not _allowed_panel(request.user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    task = _task(request, company)
    post = request.POST
    doc_ids = [int(v) for v in post.getlist("documents") if v.isdigit()]
    contact_ref = post.get("contact", "")
    contact = (
        company.contacts.filter(pk=int(contact_ref), anonymised_at__isnull=True).first()
        if contact_ref.isdigit()
        else None
    )
    later = post.get("action") == "later"
    data = {
        "contact": contact.pk if contact else None,
        "documents": doc_ids,
        "note": post.get("note", "")[:500],
        "due_on": post.get("due_on", ""),
    }
    due_on = None
    if later and data["due_on"]:
        try:
            due_on = dt.date.fromisoformat(data["due_on"])
        except ValueError:
            return _panel(
                request, company, task=task, data=data, errors={"due_on": _("Date invalide.")}, status=422
            )
    documents = list(CommercialDocument.objects.filter(pk__in=doc_ids))
    try:
        sending = services.documents_send(
            company=company,
            contact=contact,
            documents=documents,
            by=request.user,
            note=data["note"],
            task=task,
            due_on=due_on,
            now=not later,
        )
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return _panel(
            request, company, task=task, data=data, errors={exc.field or "all": exc.message}, status=422
        )
    if later:
        done = _("Ajouté à vos documents à envoyer le %(date)s.") % {
            "date": date_format(sending.due_on, "SHORT_DATE_FORMAT")
        }
    else:
        done = _("Documentation envoyée à %(email)s.") % {"email": sending.contact.email}
    return _panel(request, company, task=task, done=done)


# Documents to send -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def to_send(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "knowledge/to_send.html",
        {"sendings": selectors.to_send(user=request.user), "today": timezone.localdate()},
    )


@login_required
@require_POST
def sending_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sending = get_object_or_404(selectors.visible_sendings(request.user), pk=pk)
    try:
        if action == "envoyer":
            sending = services.sending_send(sending=sending, by=request.user)
            messages.success(
                request,
                _("Documentation envoyée à %(email)s.") % {"email": sending.contact.email},
            )
        elif action == "annuler":
            services.sending_cancel(sending=sending, by=request.user)
            messages.success(request, _("Envoi annulé."))
        else:
            raise Http404
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("knowledge:to_send")


@login_required
@require_GET
def sending_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sending = get_object_or_404(
        selectors.visible_sendings(request.user).select_related(
            "company", "contact", "requested_by", "message", "task"
        ),
        pk=pk,
    )
    return render(
        request,
        "knowledge/sending_detail.html",
        {"sending": sending, "documents": list(sending.documents.all())},
    )


# Documents library -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    kind = kind if kind in DocumentKind.values else ""
    can_manage = services.can_manage(request.user)
    return render(
        request,
        "knowledge/documents.html",
        {
            "documents": selectors.documents_library(user=request.user, kind=kind, include_inactive=True),
            "kind": kind,
            "kinds": DocumentKind.choices,
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _manager(request)
    document = get_object_or_404(CommercialDocument, pk=pk) if pk else None
    initial = None
    if document is not None:
        initial = {
            "title": document.title,
            "kind": document.kind,
            "description": document.description,
            "product_code": document.product.code if document.product_id else "",
            "segments": list(document.segments.all()),
            "language": document.language,
            "is_active": document.is_active,
        }
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_save(
                by=request.user,
                document=document,
                title=data["title"],
                kind=data["kind"],
                description=data["description"],
                upload=data["file"] or None,
                product=data["product_code"],
                segments=data["segments"],
                language=data["language"],
                is_active=data["is_active"],
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Document enregistré."))
            return redirect("knowledge:documents")
    return render(
        request,
        "knowledge/document_form.html",
        {"form": form, "document": document},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def document_activate(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    document = get_object_or_404(CommercialDocument, pk=pk)
    active = request.POST.get("actif") == "1"
    services.document_activate(document=document, by=request.user, active=active)
    messages.success(request, _("Document réactivé.") if active else _("Document retiré."))
    return redirect("knowledge:documents")


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF, to signed-in users only, as a download that the browser never sniffs."""
    document = get_object_or_404(CommercialDocument.objects.select_related("product"), pk=pk)
    try:
        filename, content, content_type = document_content(document, request.user.language or "fr")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=content_type)
    inline = request.GET.get("voir") == "1"
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
