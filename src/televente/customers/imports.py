"""Services of the import screen: create the job, set the mapping, confirm, and the two background steps."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold

from . import importer
from .choices import InteractionKind, PhoneLabel
from .models import Company, Contact, ImportJob, Interaction, Phone
from .search import build_search_text

PROGRESS_EVERY = 500


def _check_importer(by: User) -> None:
    if by.role == Role.BACK_OFFICE and not by.is_superuser:
        raise PermissionRefused(_("Le back office ne peut pas importer de fiches."))


@transaction.atomic
def import_job_create(*, by: User, upload: UploadedFile, default_rep: User | None = None) -> ImportJob:
    _check_importer(by)
    if default_rep is not None and default_rep.role != Role.REP:
        raise DomainError(_("Le télévendeur par défaut doit être un télévendeur."), field="default_rep")
    suffix = Path(upload.name).suffix.lower()
    with tabular.uploaded_file(upload) as path:
        headers, _rows = tabular.read_table(path, upload.name)
    if not any(headers):
        raise DomainError(_("La première ligne doit contenir les noms des colonnes."), field="file")
    job = ImportJob(
        created_by=by,
        filename=Path(upload.name).name[:200],
        headers=headers,
        mapping=importer.guess_mapping(headers),
        default_rep=default_rep or (by if by.role == Role.REP else None),
    )
    job.file.save(f"import-{timezone.now():%Y%m%d%H%M%S}{suffix}", upload, save=False)
    job.save()
    return job


@transaction.atomic
def import_job_set_mapping(*, job: ImportJob, by: User, mapping: dict[str, str]) -> ImportJob:
    """Save the column mapping and start the dry run."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != by.pk:
        raise PermissionRefused(_("Cet import appartient à quelqu'un d'autre."))
    if job.is_running or job.status == ImportJob.Status.DONE:
        raise DomainError(_("Cet import est déjà en cours ou terminé."))
    chosen = [t for t in mapping.values() if t]
    unknown = [t for t in chosen if t not in importer.TARGETS]
    if unknown:
        raise DomainError(_("Champ inconnu : %(f)s.") % {"f": ", ".join(unknown)})
    twice = {t for t in chosen if chosen.count(t) > 1}
    if twice:
        labels = ", ".join(str(importer.TARGETS[t].label) for t in sorted(twice))
        raise DomainError(_("Ces champs reçoivent plusieurs colonnes : %(f)s.") % {"f": labels})
    missing = [
        str(spec.label) for name, spec in importer.TARGETS.items() if spec.required and name not in chosen
    ]
    if missing:
        raise DomainError(_("Associez une colonne à : %(f)s.") % {"f": ", ".join(missing)})
    job.mapping = {h: t for h, t in mapping.items() if t}
    job.status = ImportJob.Status.VALIDATING
    job.processed_rows = job.valid_rows = job.error_rows = 0
    job.errors, job.duplicates, job.message = [], [], ""
    job.save()
    from .tasks import validate_import

    transaction.on_commit(partial(validate_import.enqueue, job_id=job.pk))
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User, mode: str, skip_duplicates: bool) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != by.pk:
        raise PermissionRefused(_("Cet import appartient à quelqu'un d'autre."))
    if job.status != ImportJob.Status.VALIDATED:
        raise DomainError(_("Vérifiez d'abord le fichier."))
    if mode not in ImportJob.Mode.values:
        raise DomainError(_("Mode d'import inconnu."))
    if mode == ImportJob.Mode.ALL_OR_NOTHING and job.error_rows:
        raise DomainError(
            _(
                "Le fichier contient des lignes en erreur : corrigez-les, ou importez seulement les lignes valides."
            )
        )
    job.mode = mode
    job.skip_duplicates = skip_duplicates
    job.status = ImportJob.Status.IMPORTING
    job.processed_rows = 0
    job.save()
    from .tasks import run_import

    transaction.on_commit(partial(run_import.enqueue, job_id=job.pk))
    return job


def validate(job: ImportJob) -> ImportJob:
    """The dry run: check every row, keep the first errors and duplicates, count everything."""
    total = importer.count_rows(Path(job.file.path), job.filename)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    errors, duplicates = [], []
    valid = bad = processed = 0
    for result in importer.iter_results(Path(job.file.path), job.filename, job.mapping, job.created_by):
        processed += 1
        if result.errors:
            bad += 1
            if len(errors) < importer.MAX_ERRORS_KEPT:
                errors.extend(
                    {"row": result.number, "column": col, "message": msg} for col, msg in result.errors
                )
        else:
            valid += 1
            if result.duplicate_of and len(duplicates) < importer.MAX_ERRORS_KEPT:
                pk, name, reason = result.duplicate_of
                duplicates.append(
                    {
                        "row": result.number,
                        "company_id": pk,
                        "name": name,
                        "reason": str(reason),
                        "imported": result.data["trade_name"] or result.data["legal_name"],
                    }
                )
        if processed % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)
    job.refresh_from_db()
    job.total_rows = processed
    job.processed_rows, job.valid_rows, job.error_rows = processed, valid, bad
    job.errors, job.duplicates = errors, duplicates
    job.status = ImportJob.Status.VALIDATED
    job.save()
    return job


def run(job: ImportJob) -> ImportJob:
    """Write the rows. The whole write is one transaction: an error leaves nothing half-imported."""
    to_write = []
    bad = processed = 0
    for result in importer.iter_results(Path(job.file.path), job.filename, job.mapping, job.created_by):
        processed += 1
        if result.errors:
            bad += 1
        elif not (job.skip_duplicates and result.duplicate_of):
            to_write.append(result)
        if processed % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed // 2)
    if bad and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        return _fail(
            job, _("%(n)s ligne(s) en erreur depuis la vérification : rien n'a été importé.") % {"n": bad}
        )
    try:
        with transaction.atomic():
            created = _write(job, to_write, processed)
    except Exception as exc:
        return _fail(job, _("L'import a échoué, rien n'a été enregistré : %(e)s") % {"e": exc})
    if created > 1000:
        _refresh_statistics()
    job.refresh_from_db()
    job.created_count = created
    job.processed_rows = job.total_rows
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job


def _refresh_statistics() -> None:
    """A large import changes the table's shape: refresh the planner's statistics at once."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_company" if connection.vendor == "postgresql" else "ANALYZE")


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.refresh_from_db()
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save()
    return job


def _write(job: ImportJob, results: list, processed: int) -> int:
    by = job.created_by
    team_of_supervisor = by.led_teams.order_by("pk").first() if by.role == Role.SUPERVISOR else None
    companies, extras = [], []
    for result in results:
        data = result.data
        rep = data.get("rep") or job.default_rep
        company = Company(
            legal_name=data["legal_name"],
            trade_name=data["trade_name"],
            siret=data.get("siret", ""),
            siren=(data.get("siret") or "")[:9],
            vat_number=data.get("vat_number", ""),
            address_line1=data["address_line1"],
            address_line2=data["address_line2"],
            postcode=data["postcode"],
            city=data["city"],
            segment_id=data.get("segment"),
            zone_id=data.get("zone"),
            status=data.get("status") or job.default_status,
            rep=rep,
            team_id=rep.team_id if rep else (team_of_supervisor.pk if team_of_supervisor else None),
            field_rep_id=rep.paired_field_rep_id if rep else None,
            notes=data["notes"],
        )
        if data.get("payment_terms"):
            company.payment_terms = data["payment_terms"]
        if data.get("credit_limit") is not None:
            company.credit_limit = data["credit_limit"]
        company.sort_name = fold(company.display_name)[:160]
        # The search text is known before insert (names, contact, phones): no second pass over the rows.
        contact_stub = Contact(
            first_name=data.get("contact_first_name", ""), last_name=data.get("contact_last_name", "")
        )
        row_phones = [Phone(e164=e164) for e164 in (data.get("phone"), data.get("contact_mobile")) if e164]
        company.search_text = build_search_text(company, [contact_stub], row_phones)
        companies.append(company)
        extras.append(data)
    for start in range(0, len(companies), 1000):
        Company.objects.bulk_create(companies[start : start + 1000])
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed // 2 + (start * processed) // (2 * max(1, len(companies)))
        )
    contacts, phones, entries = [], [], []
    contact_of: dict[int, Contact] = {}
    for company, data in zip(companies, extras, strict=True):
        if data.get("contact_last_name") or data.get("contact_email"):
            contact = Contact(
                company=company,
                first_name=data.get("contact_first_name", ""),
                last_name=data.get("contact_last_name") or data.get("contact_email", "").split("@")[0],
                job_title=data.get("contact_job_title", ""),
                email=data.get("contact_email", ""),
                is_decision_maker=True,
                is_order_contact=True,
            )
            contacts.append(contact)
            contact_of[id(company)] = contact
        entries.append(
            Interaction(
                company=company,
                kind=InteractionKind.SYSTEM,
                author=by,
                subject=_("Fiche importée (fichier « %(f)s »)") % {"f": job.filename},
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=1000)
    for company, data in zip(companies, extras, strict=True):
        if data.get("phone"):
            phones.append(Phone(company=company, label=PhoneLabel.SWITCHBOARD, e164=data["phone"]))
        contact = contact_of.get(id(company))
        if contact is not None and data.get("contact_mobile"):
            phones.append(
                Phone(company=company, contact=contact, label=PhoneLabel.MOBILE, e164=data["contact_mobile"])
            )
    Phone.objects.bulk_create(phones, batch_size=1000)
    Interaction.objects.bulk_create(entries, batch_size=1000)
    return len(companies)
