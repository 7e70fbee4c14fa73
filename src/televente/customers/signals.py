"""Signals other apps listen to, so that this app never imports them."""

from django.dispatch import Signal

# Sent inside the merge transaction, before `removed` is deleted: move your rows from it to `kept`.
# kwargs: kept (Company), removed (Company), by (User)
company_merged = Signal()
