"""Background work of the customer file."""

from __future__ import annotations

from django.tasks import task


@task
def validate_import(*, job_id: int) -> None:
    from . import imports
    from .models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        imports.validate(job)
    except Exception as exc:
        imports._fail(job, str(exc))
        raise


@task
def run_import(*, job_id: int) -> None:
    from . import imports
    from .models import ImportJob

    job = ImportJob.objects.select_related("created_by", "default_rep").get(pk=job_id)
    imports.run(job)


@task
def recompute_abc_classes() -> dict:
    from .services import habits_assign_abc

    return habits_assign_abc()
