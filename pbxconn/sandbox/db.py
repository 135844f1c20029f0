"""SQLite storage of the sandbox: schema, reads with the API's filters and cursors, writes."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

from pbxconn.sandbox.domain import (
    AudioPrompt,
    Call,
    Employee,
    Group,
    LostCaller,
    Recording,
    Voicemail,
    VoicemailBox,
    VoipEndpoint,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS employees (
    id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL, number TEXT NOT NULL,
    caller_id TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, avatar TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups_ (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind INTEGER NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS group_members (
    group_id INTEGER NOT NULL REFERENCES groups_(id), employee_id INTEGER NOT NULL REFERENCES employees(id),
    PRIMARY KEY (group_id, employee_id));
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY, caller TEXT NOT NULL, destination TEXT NOT NULL, direction TEXT NOT NULL,
    status INTEGER NOT NULL, started TEXT NOT NULL, connected TEXT, ended TEXT,
    connection_seconds INTEGER NOT NULL DEFAULT 0, employee_id INTEGER, previous_employee_id INTEGER,
    recording_id INTEGER);
CREATE INDEX IF NOT EXISTS calls_started ON calls(started);
CREATE TABLE IF NOT EXISTS recordings (
    id INTEGER PRIMARY KEY, call_id INTEGER NOT NULL REFERENCES calls(id), url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS voicemail_boxes (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INTEGER NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS voicemails (
    id INTEGER PRIMARY KEY, sender TEXT NOT NULL, seconds INTEGER NOT NULL, started TEXT NOT NULL,
    box_id INTEGER NOT NULL REFERENCES voicemail_boxes(id), url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audio_prompts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS voip_endpoints (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, employee_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lost_callers (
    caller_id TEXT NOT NULL, destination TEXT NOT NULL, employee_name TEXT NOT NULL,
    attempts INTEGER NOT NULL, last_contact TEXT NOT NULL, PRIMARY KEY (caller_id, destination));
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, api_key TEXT NOT NULL, event TEXT NOT NULL,
    endpoint TEXT NOT NULL, created TEXT NOT NULL);
"""

TABLES = (
    "webhooks", "lost_callers", "voip_endpoints", "audio_prompts", "voicemails", "voicemail_boxes",
    "recordings", "calls", "group_members", "groups_", "employees",
)
SQLITE_MAX = 2**63 - 1
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


@dataclass
class Page:
    """Which slice of a list to return: the cursor, limit and offset of a request."""

    after: int = 0
    limit: int | None = None
    offset: int = 0


@dataclass
class Where:
    """SQL conditions built from request filters; values bound as parameters, never formatted in."""

    clauses: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, clause: str, *values: Any) -> None:
        """Add a condition; an integer outside SQLite's range matches nothing."""
        if any(isinstance(v, int) and not -SQLITE_MAX <= v <= SQLITE_MAX for v in values):
            self.clauses.append("0")
            return
        self.clauses.append(clause)
        self.args.extend(values)

    def sql(self) -> str:
        """The WHERE clause (or nothing)."""
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


class Store:
    """One SQLite database; safe to share between threads (one lock, short transactions)."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        with self.lock:
            self.conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a read and return all rows."""
        with self.lock:
            return self.conn.execute(sql, tuple(args)).fetchall()

    def execute(self, sql: str, args: Iterable[Any] = ()) -> int:
        """Run a write and return the last inserted row id."""
        with self.lock:
            return int(self.conn.execute(sql, tuple(args)).lastrowid or 0)

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """Run one write for many rows."""
        with self.lock:
            self.conn.executemany(sql, [tuple(r) for r in rows])

    def transaction(self) -> "_Transaction":
        """`with store.transaction():` groups writes atomically."""
        return _Transaction(self)

    def wipe(self) -> None:
        """Delete every row of every table (webhooks included)."""
        with self.transaction():
            for table in TABLES:
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("DELETE FROM sqlite_sequence")

    def count(self, table: str) -> int:
        """Rows in a table (table names are constants of this module)."""
        assert table in TABLES
        return int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    # -- reads -------------------------------------------------------------------------------

    def _page(self, base: str, where: Where, page: Page, id_col: str) -> list[sqlite3.Row]:
        """Newest first. With a cursor, the oldest `limit` items after it (so none is skipped)."""
        if page.after:
            where.add(f"{id_col} > ?", page.after)
        limit = DEFAULT_LIMIT if page.limit is None else max(1, min(page.limit, MAX_LIMIT))
        offset = max(0, min(page.offset, SQLITE_MAX))
        if page.after:
            inner = f"{base}{where.sql()} ORDER BY {id_col} ASC LIMIT ? OFFSET ?"
            rows = self.query(inner, [*where.args, limit, offset])
            return list(reversed(rows))
        sql = f"{base}{where.sql()} ORDER BY {id_col} DESC LIMIT ? OFFSET ?"
        return self.query(sql, [*where.args, limit, offset])

    def employees(self, where: Where, page: Page) -> list[Employee]:
        """Employees matching `where`."""
        return [_employee(r) for r in self._page("SELECT * FROM employees", where, page, "id")]

    def employee(self, employee_id: int) -> Employee | None:
        """One employee."""
        where = Where()
        where.add("id = ?", employee_id)
        rows = self.query("SELECT * FROM employees" + where.sql(), where.args)
        return _employee(rows[0]) if rows else None

    def groups(self, where: Where, page: Page) -> list[Group]:
        """Groups matching `where`."""
        rows = self._page("SELECT * FROM groups_", where, page, "id")
        return [self._group(r) for r in rows]

    def _group(self, row: sqlite3.Row) -> Group:
        members = self.query("SELECT employee_id FROM group_members WHERE group_id = ? ORDER BY employee_id", [row["id"]])
        return Group(row["id"], row["name"], row["kind"], row["created"], tuple(m[0] for m in members))

    def groups_of(self, employee_id: int) -> list[Group]:
        """The groups an employee belongs to."""
        rows = self.query(
            "SELECT g.* FROM groups_ g JOIN group_members m ON m.group_id = g.id WHERE m.employee_id = ? ORDER BY g.id",
            [employee_id],
        )
        return [self._group(r) for r in rows]

    def calls(self, where: Where, page: Page) -> list[Call]:
        """Call-history rows matching `where`."""
        return [_call(r) for r in self._page("SELECT * FROM calls", where, page, "id")]

    def recordings(self, where: Where, page: Page) -> list[Recording]:
        """Recordings matching `where` (conditions may use the call's columns)."""
        base = (
            "SELECT r.id AS rec_id, r.url AS rec_url, calls.* FROM recordings r JOIN calls ON calls.id = r.call_id"
        )
        rows = self._page(base, where, page, "r.id")
        return [Recording(r["rec_id"], _call(r), r["rec_url"]) for r in rows]

    def boxes(self, where: Where, page: Page) -> list[VoicemailBox]:
        """Voicemail boxes matching `where`."""
        return [_box(r) for r in self._page("SELECT * FROM voicemail_boxes", where, page, "id")]

    def voicemails(self, where: Where, page: Page) -> list[Voicemail]:
        """Voicemails matching `where` (conditions may use the box's columns as `b.`)."""
        base = (
            "SELECT v.*, b.name AS box_name, b.owner_id AS box_owner, b.created AS box_created "
            "FROM voicemails v JOIN voicemail_boxes b ON b.id = v.box_id"
        )
        rows = self._page(base, where, page, "v.id")
        return [
            Voicemail(
                r["id"], r["sender"], r["seconds"], r["started"],
                VoicemailBox(r["box_id"], r["box_name"], r["box_owner"], r["box_created"]), r["url"],
            )
            for r in rows
        ]

    def prompts(self, where: Where, page: Page) -> list[AudioPrompt]:
        """Audio prompts matching `where`."""
        return [AudioPrompt(r["id"], r["name"], r["kind"]) for r in self._page("SELECT * FROM audio_prompts", where, page, "id")]

    def endpoints(self, where: Where, page: Page) -> list[VoipEndpoint]:
        """VoIP endpoints matching `where`."""
        rows = self._page("SELECT * FROM voip_endpoints", where, page, "id")
        return [VoipEndpoint(r["id"], r["name"], r["employee_id"]) for r in rows]

    def lost_callers(self, where: Where, limit: int | None, offset: int) -> list[LostCaller]:
        """Lost callers, most recent contact first."""
        limit = DEFAULT_LIMIT if limit is None else max(1, min(limit, MAX_LIMIT))
        sql = f"SELECT * FROM lost_callers{where.sql()} ORDER BY last_contact DESC, caller_id LIMIT ? OFFSET ?"
        rows = self.query(sql, [*where.args, limit, max(0, min(offset, SQLITE_MAX))])
        return [_lost(r) for r in rows]

    def lost_caller(self, caller_id: str, destination: str) -> LostCaller | None:
        """The lost-caller record of one number towards one destination."""
        rows = self.query("SELECT * FROM lost_callers WHERE caller_id = ? AND destination = ?", [caller_id, destination])
        return _lost(rows[0]) if rows else None

    def webhook_count(self, api_key: str) -> int:
        """Active webhooks registered with one key."""
        return int(self.query("SELECT COUNT(*) FROM webhooks WHERE api_key = ?", [api_key])[0][0])

    def webhook_targets(self, event: str) -> list[tuple[int, str]]:
        """(id, endpoint) of every webhook subscribed to an event."""
        return [(r["id"], r["endpoint"]) for r in self.query("SELECT id, endpoint FROM webhooks WHERE event = ? ORDER BY id", [event])]


class _Transaction:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Store:
        self.store.lock.acquire()
        self.store.conn.execute("BEGIN")
        return self.store

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            self.store.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.lock.release()


def _employee(r: sqlite3.Row) -> Employee:
    return Employee(
        r["id"], r["first_name"], r["last_name"], r["number"], r["caller_id"], bool(r["archived"]), r["created"], r["avatar"]
    )


def _call(r: sqlite3.Row) -> Call:
    return Call(
        r["id"], r["caller"], r["destination"], r["direction"], r["status"], r["started"], r["connected"], r["ended"],
        r["connection_seconds"], r["employee_id"], r["previous_employee_id"], r["recording_id"],
    )


def _box(r: sqlite3.Row) -> VoicemailBox:
    return VoicemailBox(r["id"], r["name"], r["owner_id"], r["created"])


def _lost(r: sqlite3.Row) -> LostCaller:
    return LostCaller(r["caller_id"], r["destination"], r["employee_name"], r["attempts"], r["last_contact"])
