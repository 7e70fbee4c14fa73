"""Messaging screens: the outbox and a message (with its versions and document), the templates with
their variable palette, and the preview of a template with a real record."""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, PermissionRefused, add_form_error
from televente.customers.actions import reference_url

from . import selectors, services, variables
from .choices import MessageChannel
from .forms import OutboxFilterForm, TemplateForm, document_choices, template_initial
from .models import MessageTemplate
from .permissions import can_manage_templates, can_watch_outbox

# A message's HTML is the customer's email: shown in a sandboxed frame, with no script, no request
# to anywhere, and framable by our own pages only (the app's CSP forbids inline styles, so a
# `srcdoc` frame, which inherits it, would show the email without its layout).
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
PREVIEWS_KEY = "messaging.previews"  # session: the last previews' HTML, per editing page
PREVIEWS_KEPT = 5


def _sandboxed(html: str) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"  # the clickjacking middleware keeps it
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _require_outbox(user) -> None:
    if not can_watch_outbox(user):
        raise PermissionDenied


def _require_manager(user) -> None:
    if not can_manage_templates(user):
        raise PermissionDenied


# Outbox --------------------------------------------------------------------------------------------------------------


def _cursor(request: HttpRequest):
    at = parse_datetime(request.GET.get("avant_le", ""))
    pk = request.GET.get("avant", "")
    if at is None or at.tzinfo is None or not pk.isdigit():
        return None
    return at, int(pk)


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_outbox(user)
    tab = request.GET.get("etat", "tous")
    tab = tab if tab in selectors.TAB_STATUSES else "tous"
    form = OutboxFilterForm(request.GET or None)
    before = _cursor(request)
    filters = form.values()
    page = selectors.outbox(user=user, tab=tab, before=before, limit=selectors.OUTBOX_PAGE, **filters)
    counts = selectors.outbox_counts(user=user)
    return render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label, _statuses in selectors.OUTBOX_TABS],
            "form": form,
            "paged": before is not None,
            "filtered": any(filters.values()),
            "pending": list(selectors.TAB_STATUSES["a-envoyer"]),
            "can_manage": can_manage_templates(user),
        },
    )


# A message -----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    message = selectors.message_for(user=user, pk=pk)
    watch = can_watch_outbox(user)
    return render(
        request,
        "messaging/message_detail.html",
        {
            "message": message,
            "attachments": selectors.message_attachments(message),
            "document_label": selectors.document_label(message.document_kind)
            if message.document_kind
            else "",
            "about_url": reference_url(message.reference),
            "watch": watch,
            "can_retry": watch and message.status in selectors.RETRYABLE,
            "can_cancel": watch and message.status in selectors.CANCELLABLE,
            "can_manage": can_manage_templates(user),
            "max_attempts": services.MAX_ATTEMPTS,
            "pending": message.is_pending,
        },
    )


@login_required
@require_GET
def message_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The email's HTML version as the customer received it, for the page's sandboxed frame."""
    message = selectors.message_for(user=request.user, pk=pk)
    if not message.body_html:
        raise Http404
    return _sandboxed(message.body_html)


@login_required
@require_GET
def message_document(request: HttpRequest, pk: int) -> FileResponse:
    """The document exactly as it was sent (rendered at the first attempt, then kept)."""
    message = selectors.message_for(user=request.user, pk=pk)
    if not message.document_file:
        raise Http404
    name = message.document_name or PurePath(message.document_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        message.document_file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.message_retry, _("Le message repart : il est envoyé dans un instant."))


@login_required
@require_POST
def message_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.message_cancel, _("Message annulé : il ne partira pas."))


def _act(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    user = request.user
    message = selectors.message_for(user=user, pk=pk)
    _require_outbox(user)
    try:
        service(message=message, by=user)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("messaging:detail", pk=pk)


# Templates -----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_outbox(user)
    return render(
        request,
        "messaging/template_list.html",
        {"groups": selectors.templates_by_context(), "can_manage": can_manage_templates(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    return _template_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    return _template_form(request, get_object_or_404(MessageTemplate, pk=pk))


def _palette(context_name: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The variables of this context by group: (group label, [("{{ group.field }}", label)])."""
    return [
        (
            str(group.label),
            [("{{ " + f"{key}.{name}" + " }}", str(label)) for name, label in group.fields.items()],
        )
        for key, group in variables.groups_for(context_name).items()
    ]


def _template_form(request: HttpRequest, template: MessageTemplate | None) -> HttpResponse:
    user = request.user
    _require_manager(user)
    stored = template_initial(template) if template else None
    if request.method == "POST":
        form = TemplateForm(request.POST, initial=stored, template=template)  # initial: a disabled code
        if form.is_valid():
            data = form.template_data()
            try:
                saved = services.template_save(by=user, data=data, template=template)
            except DomainError as exc:
                if exc.code == "invalid_template":
                    # The service names the first field at fault; show every field's reasons at once.
                    for name, reasons in services.template_check(data).items():
                        form.add_error(name if name in form.fields else None, reasons)
                else:
                    add_form_error(form, exc)
            else:
                messages.success(request, _("Modèle « %(name)s » enregistré.") % {"name": saved.name})
                return redirect("messaging:templates")
    else:
        form = TemplateForm(
            initial=stored or {"context": request.GET.get("porte_sur", "company")}, template=template
        )
    context_name = form.current_context()
    return render(
        request,
        "messaging/template_form.html",
        {
            "form": form,
            "template": template,
            "palette": _palette(context_name),
            "preview_key": secrets.token_urlsafe(6),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def template_variables(request: HttpRequest) -> HttpResponse:
    """The palette and the documents of the context just chosen (htmx)."""
    _require_manager(request.user)
    form = TemplateForm(
        initial={"context": request.GET.get("context", ""), "document": request.GET.get("document")}
    )
    context_name = form.current_context()
    if form.initial["document"] not in dict(document_choices(context_name)):
        form.initial["document"] = ""
    return render(
        request,
        "messaging/_template_context.html",
        {"form": form, "palette": _palette(context_name), "oob": True},
    )


# Preview -------------------------------------------------------------------------------------------------------------

FIELD_LABELS = {
    "context": gettext_lazy("Porte sur"),
    "subject": gettext_lazy("Objet"),
    "body": gettext_lazy("Texte"),
    "document": gettext_lazy("Document joint"),
    "code": gettext_lazy("Code"),
}


def _posted_data(post) -> services.TemplateData:
    return services.TemplateData(
        code=post.get("code", ""),
        name=post.get("name", ""),
        channel=post.get("channel", MessageChannel.EMAIL),
        language=post.get("language", "fr"),
        context=post.get("context", ""),
        subject=post.get("subject", ""),
        body=post.get("body", ""),
        document=post.get("document", ""),
        is_active=bool(post.get("is_active")),
    )


def _keep_preview(request: HttpRequest, key: str, html: str) -> None:
    kept = {k: v for k, v in request.session.get(PREVIEWS_KEY, {}).items() if k != key}
    kept = dict(list(kept.items())[-(PREVIEWS_KEPT - 1) :])
    kept[key] = html
    request.session[PREVIEWS_KEY] = kept


@login_required
@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """The template as typed (not saved), rendered for a real record the person picks (htmx)."""
    user = request.user
    _require_manager(user)
    post = request.POST
    data = _posted_data(post)
    errors = services.template_check(data)
    context_name = data.context if "context" not in errors else ""
    records = selectors.preview_records(user=user, context_name=context_name) if context_name else []
    record = None
    chosen = post.get("record", "")
    if post.get("record_context") == context_name and chosen.isdigit():
        record = next(
            (r for pk, _label, r in records if pk == int(chosen)), None
        ) or selectors.preview_record(user=user, context_name=context_name, pk=int(chosen))
    if record is None and records:
        record = records[0][2]
    contacts = selectors.record_contacts(selectors.record_company(context_name, record))
    wanted = post.get("record_contact", "")
    contact = next((c for c in contacts if wanted.isdigit() and c.pk == int(wanted)), None)
    result = None
    key = post.get("preview_key", "")[:20] or secrets.token_urlsafe(6)
    version = secrets.token_hex(4)
    if record is not None:
        result = services.template_preview(data=data, record=record, contact=contact)
        if data.channel == MessageChannel.EMAIL:
            _keep_preview(request, key, result["html"])
    return render(
        request,
        "messaging/template_form.html#preview",
        {
            "context_name": context_name,
            "records": [(pk, label) for pk, label, _r in records],
            "record": record,
            "contacts": contacts,
            "contact": contact,
            "result": result,
            "is_sms": data.channel == MessageChannel.SMS,
            "errors": [
                (FIELD_LABELS.get(name, name), text) for name, texts in errors.items() for text in texts
            ],
            "preview_key": key,
            "version": version,
        },
    )


@login_required
@require_GET
def preview_html(request: HttpRequest, key: str) -> HttpResponse:
    """The HTML of this person's last preview on one editing page (kept in their session)."""
    html = request.session.get(PREVIEWS_KEY, {}).get(key)
    if html is None:
        raise Http404
    return _sandboxed(html)
