"""Deterministic, realistic seed data: the same `--seed` always gives the same company PBX."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from pbxconn.sandbox.db import Store
from pbxconn.sandbox.domain import stamp
from pbxconn.sandbox.simulate import CallPlan, place_call

# The seeded month; fixed so that a seed always yields byte-identical data.
MONTH_START = datetime(2024, 10, 1, tzinfo=timezone.utc)
DAYS = 31

PEOPLE = (
    ("Jonas", "Petrauskas", "LT"), ("Rūta", "Kazlauskienė", "LT"), ("Mantas", "Jankauskas", "LT"),
    ("Eglė", "Stankevičiūtė", "LT"), ("Tomas", "Vasiliauskas", "LT"), ("Greta", "Žukauskaitė", "LT"),
    ("Jānis", "Bērziņš", "LV"), ("Līga", "Kalniņa", "LV"), ("Andris", "Ozoliņš", "LV"),
    ("Ilze", "Liepiņa", "LV"), ("Mārtiņš", "Krūmiņš", "LV"), ("Laura", "Zariņa", "LV"),
)
GROUPS = (("Pardavimai", 1), ("Klientų aptarnavimas", 2), ("Grāmatvedība", 1), ("Vadība", 3))
PROMPTS = (
    ("Sveiki atvykę", 1), ("Darbo laikas", 1), ("Ārpus darba laika", 1), ("Pasirinkite skyrių", 2),
    ("Lūdzu, uzgaidiet", 3), ("Balso pašto pasisveikinimas", 1),
)
DEVICES = ("Yealink T54W", "Softphone", "Grandstream GXP2170", "Snom D785")
OUTCOME_WEIGHTS = (("answered", 60), ("missed", 15), ("voicemail", 10), ("transferred", 15))


def e164(rng: random.Random, country: str) -> str:
    """A mobile number in E.164 form: +3706xxxxxxx (Lithuania) or +3712xxxxxxx (Latvia)."""
    prefix = "+3706" if country == "LT" else "+3712"
    return f"{prefix}{rng.randrange(10**7):07d}"


def seed(store: Store, seed_value: int = 1) -> dict[str, int]:
    """Wipe the store and fill it with the company PBX of `seed_value`; return row counts."""
    rng = random.Random(seed_value)
    store.wipe()
    created = MONTH_START - timedelta(days=30)
    employees: list[tuple[int, str, str]] = []
    with store.transaction():
        for first, last, country in PEOPLE:
            number = e164(rng, country)
            archived = 1 if rng.random() < 0.08 else 0
            when = stamp(created + timedelta(hours=rng.randrange(24 * 20)))
            avatar = f"https://media.pbx.invalid/avatars/{first.lower()}.png"
            eid = store.execute(
                "INSERT INTO employees (first_name, last_name, number, caller_id, archived, created, avatar)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [first, last, number, number, archived, when, avatar],
            )
            employees.append((eid, number, country))
        for name, kind in GROUPS:
            gid = store.execute(
                "INSERT INTO groups_ (name, kind, created) VALUES (?, ?, ?)",
                [name, kind, stamp(created + timedelta(days=rng.randrange(10)))],
            )
            members = rng.sample([e[0] for e in employees], rng.randint(2, 5))
            store.executemany("INSERT INTO group_members VALUES (?, ?)", [(gid, m) for m in sorted(members)])
        for eid, _, _ in employees:
            if rng.random() < 0.7:
                name = next(f"{f} {l}" for (f, l, _), (i, _, _) in zip(PEOPLE, employees) if i == eid)
                store.execute(
                    "INSERT INTO voicemail_boxes (name, owner_id, created) VALUES (?, ?, ?)",
                    [f"{name} balso paštas", eid, stamp(created + timedelta(days=rng.randrange(20)))],
                )
        for name, kind in PROMPTS:
            store.execute("INSERT INTO audio_prompts (name, kind) VALUES (?, ?)", [name, kind])
        for eid, _, _ in employees:
            device = rng.choice(DEVICES)
            store.execute("INSERT INTO voip_endpoints (name, employee_id) VALUES (?, ?)", [f"{device} #{eid}", eid])
    _history(store, rng, employees)
    return {
        "contacts": store.count("employees"), "groups": store.count("groups_"), "calls": store.count("calls"),
        "recordings": store.count("recordings"), "voicemail_boxes": store.count("voicemail_boxes"),
        "voicemails": store.count("voicemails"), "audio_prompts": store.count("audio_prompts"),
        "voip_endpoints": store.count("voip_endpoints"), "lost_calls": store.count("lost_callers"),
    }


def _history(store: Store, rng: random.Random, employees: list[tuple[int, str, str]]) -> None:
    """A month of calls in both directions; some callers call back, so lost callers come and go."""
    outcomes, weights = zip(*OUTCOME_WEIGHTS)
    regulars = [e164(rng, rng.choice(("LT", "LV"))) for _ in range(25)]
    for day in range(DAYS):
        when = MONTH_START + timedelta(days=day, hours=8)
        for _ in range(rng.randint(6, 14)):
            when += timedelta(minutes=rng.randint(3, 55))
            eid, number, _ = rng.choice(employees)
            outcome = rng.choices(outcomes, weights)[0]
            direction = "in" if rng.random() < 0.6 else "out"
            if direction == "out" and outcome == "voicemail":
                outcome = "missed"
            external = rng.choice(regulars) if rng.random() < 0.5 else e164(rng, rng.choice(("LT", "LV")))
            plan = CallPlan(
                outcome=outcome, direction=direction, contact_id=eid,
                caller=external if direction == "in" else number,
                destination=number if direction == "in" else external,
                recorded=outcome in ("answered", "transferred") and rng.random() < 0.3,
                seconds=rng.randint(15, 900), at=when,
            )
            place_call(store, plan)
