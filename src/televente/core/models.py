"""Shared model bases."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every business record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, editable=False)

    class Meta:
        abstract = True
