"""Other apps add candidates to a day's plan without `calls` importing them: campaigns add their
targets, claims the customers whose claim needs a follow-up call. Each source is a function
`(team, day, rep_ids) -> iterable of (company_id, reason, note)` or `(company_id, reason, note, reference)`
registered from its AppConfig.ready(); its calls then go through the same rules as the others
(windows, opt-outs, closures, stakes). The reference ("campaigns.campaign:3") is kept on the call
(`CallTask.source_reference`) unless another reason of the same customer set one first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

CandidateSource = Callable[[object, dt.date, set[int]], Iterable[tuple]]

_SOURCES: dict[str, CandidateSource] = {}


def register(key: str, source: CandidateSource) -> None:
    _SOURCES[key] = source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def registered() -> list[CandidateSource]:
    return list(_SOURCES.values())
