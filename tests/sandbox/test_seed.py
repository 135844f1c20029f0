"""Seed data: deterministic per seed, realistic in shape."""

from __future__ import annotations

import re

from pbxconn.sandbox.db import Page, Store, Where
from pbxconn.sandbox.seed import seed


def _dump(store: Store) -> list[tuple]:
    tables = ("employees", "groups_", "group_members", "calls", "recordings", "voicemail_boxes", "voicemails",
              "audio_prompts", "voip_endpoints", "lost_callers")
    return [tuple(row) for table in tables for row in store.query(f"SELECT * FROM {table} ORDER BY 1, 2")]


def test_same_seed_same_data_other_seed_other_data() -> None:
    a, b, c = Store(), Store(), Store()
    seed(a, 7), seed(b, 7), seed(c, 8)
    assert _dump(a) == _dump(b)
    assert _dump(a) != _dump(c)


def test_seed_is_a_realistic_month() -> None:
    store = Store()
    counts = seed(store, 1)
    assert counts["contacts"] == 12 and counts["calls"] > 150 and counts["recordings"] > 10
    assert all(counts[k] > 0 for k in counts)
    numbers = [e.number for e in store.employees(Where(), Page(limit=100))]
    assert all(re.fullmatch(r"\+37[01][26]\d{7}", n) for n in numbers)
    assert {n[:4] for n in numbers} == {"+370", "+371"}
    calls = store.calls(Where(), Page(limit=1000))
    assert {c.direction for c in calls} == {"in", "out"} and {c.status for c in calls} == {1, 2, 3, 4}
    assert min(c.started for c in calls) >= "2024-10-01" and max(c.started for c in calls) < "2024-11-01"
