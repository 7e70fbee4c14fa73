"""The company rules a fresh installation starts with (deadlines per type, authority per role);
the admin changes them afterwards."""

from django.db import migrations


def forwards(apps, schema_editor):
    from televente.claims.policy import DEFAULT_LIMITS, DEFAULT_POLICIES

    ClaimPolicy = apps.get_model("claims", "ClaimPolicy")
    AuthorityLimit = apps.get_model("claims", "AuthorityLimit")
    for claim_type, (service, days, remind) in DEFAULT_POLICIES.items():
        ClaimPolicy.objects.get_or_create(
            claim_type=str(claim_type),
            defaults={"service": str(service), "deadline_days": days, "remind_days_before": remind},
        )
    for role, amount in DEFAULT_LIMITS.items():
        AuthorityLimit.objects.get_or_create(role=str(role), defaults={"amount": amount})


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
