"""The message template this app offers to a fresh installation (a rule sends it to customers who
stopped ordering); supervisors adapt it like any other."""

from __future__ import annotations

from televente.messaging.defaults import DefaultTemplate, register_default

REMINDER_CODE = "customer_reminder"


def register() -> None:
    register_default(
        DefaultTemplate(
            code=REMINDER_CODE,
            context="company",
            name={
                "fr": "Relance d'un client qui ne commande plus",
                "en": "Reminder to a customer who stopped ordering",
            },
            subject={
                "fr": "Nous pensons à vous – {{ seller.name }}",
                "en": "We are thinking of you – {{ seller.name }}",
            },
            body={
                "fr": (
                    "Bonjour {{ contact.greeting }},\n\n"
                    "Nous n'avons pas reçu votre commande depuis quelque temps. Avez-vous besoin de quelque "
                    "chose ? Je me tiens à votre disposition pour préparer la prochaine avec vous et vous "
                    "présenter nos offres du moment.\n\n"
                    "Bien cordialement,\n{{ rep.full_name }}\n{{ rep.phone }}\n{{ seller.name }}"
                ),
                "en": (
                    "Dear {{ contact.greeting }},\n\n"
                    "We have not received your order for a while. Do you need anything? I would be glad to "
                    "prepare the next one with you and to present our current offers.\n\n"
                    "Kind regards,\n{{ rep.full_name }}\n{{ rep.phone }}\n{{ seller.name }}"
                ),
            },
        )
    )
