"""Background work of the automation rules: the rules of a business event, run by the task worker
rather than inside the request that caused the event; and the notices to colleagues."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from televente.core.mail import mail_users


@task
def handle_event(name: str, company_id: int, reference: str, key: str, data: dict) -> int:
    """Runs the active rules listening to this event; returns how many fired."""
    from .services import event_process

    return event_process(name=name, company_id=company_id, reference=reference, key=key, data=data)


@task
def notify_people(firing_id: int, user_ids: list[int]) -> int:
    """The notice of a "notify" rule, after the firing was committed."""
    from televente.accounts.models import User
    from televente.customers.actions import reference_url

    from .models import RuleFiring

    firing = RuleFiring.objects.select_related("rule", "company").filter(pk=firing_id).first()
    if firing is None:
        return 0
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    with translation.override("fr"):
        subject = _("Automatisation « %(rule)s » : %(company)s") % {
            "rule": firing.rule.name,
            "company": firing.company.display_name,
        }
    return mail_users(
        users,
        subject,
        "automation/email/notice.txt",
        {
            "firing": firing,
            "rule": firing.rule,
            "company": firing.company,
            "about_url": reference_url(firing.reference),
        },
    )
