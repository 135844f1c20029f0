"""SQLite storage of the extension PBX emulator: extensions, their items and settings, subscriptions."""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS extensions (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    kind TEXT NOT NULL, extension_id INTEGER NOT NULL REFERENCES extensions(id), scope TEXT NOT NULL,
    key TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, extension_id, scope, key));
CREATE INDEX IF NOT EXISTS items_order ON items(kind, extension_id, scope, seq);
CREATE TABLE IF NOT EXISTS settings (
    kind TEXT NOT NULL, extension_id INTEGER NOT NULL REFERENCES extensions(id), data TEXT NOT NULL,
    PRIMARY KEY (kind, extension_id));
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, extension_id INTEGER NOT NULL REFERENCES extensions(id),
    client_id TEXT NOT NULL, url TEXT NOT NULL, event_type TEXT NOT NULL, method TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Store:
    """The emulator's data. Items are JSON documents keyed by (kind, extension, scope, key), where
    scope is the parent path inside the extension (an IVR context, an option's digits) or ""."""

    def __init__(self, path: str = ":memory:") -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.executescript(SCHEMA)
        self.lock = threading.RLock()

    # --- extensions ---------------------------------------------------------------------
    def add_extension(self, ext_id: int, name: str, ext_type: str, data: dict[str, Any]) -> None:
        """Create an extension with its generic properties."""
        with self.lock:
            self.db.execute("INSERT INTO extensions VALUES (?, ?, ?, ?)", (ext_id, name, ext_type, json.dumps(data)))

    def extension(self, ref: str) -> tuple[int, str, str, dict[str, Any]] | None:
        """(id, name, type, data) of the extension a path names: its id, its name, or @name."""
        name = ref[1:] if ref.startswith("@") else ref
        with self.lock:
            row = None
            if ref.isascii() and ref.isdigit() and len(ref) < 19:
                row = self.db.execute("SELECT id, name, type, data FROM extensions WHERE id = ?", (int(ref),)).fetchone()
            if row is None:
                suffix = "*" + name  # a relative name: the part after the client prefix
                row = self.db.execute("SELECT id, name, type, data FROM extensions WHERE name = ? "
                                      "OR substr(name, -?) = ?", (name, len(suffix), suffix)).fetchone()
        return None if row is None else (row[0], row[1], row[2], json.loads(row[3]))

    def extensions(self) -> list[tuple[int, str, str, dict[str, Any]]]:
        """Every extension, by id."""
        with self.lock:
            rows = self.db.execute("SELECT id, name, type, data FROM extensions ORDER BY id").fetchall()
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    # --- items --------------------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        """A fresh id for an item of `kind` (ids are unique per kind across extensions)."""
        with self.lock:
            self.db.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT(kind) DO UPDATE SET value = value + 1",
                            (kind,))
            return self.db.execute("SELECT value FROM counters WHERE kind = ?", (kind,)).fetchone()[0]

    def put(self, kind: str, ext: int, scope: str, key: str, data: dict[str, Any]) -> None:
        """Insert or replace one item, keeping its place in the list when it exists."""
        with self.lock:
            row = self.db.execute("SELECT seq FROM items WHERE kind=? AND extension_id=? AND scope=? AND key=?",
                                  (kind, ext, scope, key)).fetchone()
            seq = row[0] if row else self.next_id("seq")
            self.db.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)",
                            (kind, ext, scope, key, seq, json.dumps(data)))

    def get(self, kind: str, ext: int, scope: str, key: str) -> dict[str, Any] | None:
        """One item, or None."""
        with self.lock:
            row = self.db.execute("SELECT data FROM items WHERE kind=? AND extension_id=? AND scope=? AND key=?",
                                  (kind, ext, scope, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def items(self, kind: str, ext: int, scope: str = "") -> list[tuple[str, dict[str, Any]]]:
        """(key, item) of every item of `kind` in the extension and scope, oldest first."""
        with self.lock:
            rows = self.db.execute("SELECT key, data FROM items WHERE kind=? AND extension_id=? AND scope=? ORDER BY seq",
                                   (kind, ext, scope)).fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def delete(self, kind: str, ext: int, scope: str, key: str | None = None) -> int:
        """Delete one item (or every item of the scope when key is None); how many went."""
        with self.lock:
            if key is None:
                cur = self.db.execute("DELETE FROM items WHERE kind=? AND extension_id=? AND scope=?", (kind, ext, scope))
            else:
                cur = self.db.execute("DELETE FROM items WHERE kind=? AND extension_id=? AND scope=? AND key=?",
                                      (kind, ext, scope, key))
            return cur.rowcount

    def delete_scopes(self, kind: str, ext: int, prefix: str) -> None:
        """Delete the items of every scope below `prefix` (children of a deleted parent)."""
        with self.lock:
            self.db.execute("DELETE FROM items WHERE kind=? AND extension_id=? AND (scope = ? OR scope LIKE ?)",
                            (kind, ext, prefix, prefix + "/%"))

    # --- settings -----------------------------------------------------------------------
    def settings(self, kind: str, ext: int) -> dict[str, Any] | None:
        """The extension's settings of `kind`, or None when it has none."""
        with self.lock:
            row = self.db.execute("SELECT data FROM settings WHERE kind=? AND extension_id=?", (kind, ext)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_settings(self, kind: str, ext: int, data: dict[str, Any]) -> None:
        """Store the extension's settings of `kind`."""
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)", (kind, ext, json.dumps(data)))

    # --- event subscriptions ------------------------------------------------------------
    def subscribe(self, ext: int, client_id: str, url: str, event_type: str, method: str) -> int:
        """Add a subscription; its id."""
        with self.lock:
            cur = self.db.execute("INSERT INTO subscriptions (extension_id, client_id, url, event_type, method) "
                                  "VALUES (?, ?, ?, ?, ?)", (ext, client_id, url, event_type, method))
            return int(cur.lastrowid)

    def subscriptions(self, ext: int | None = None, client_id: str | None = None) -> list[dict[str, Any]]:
        """Subscriptions of an extension and/or a client, oldest first."""
        sql, args = "SELECT id, extension_id, client_id, url, event_type, method FROM subscriptions WHERE 1=1", []
        if ext is not None:
            sql, args = sql + " AND extension_id = ?", args + [ext]
        if client_id is not None:
            sql, args = sql + " AND client_id = ?", args + [client_id]
        with self.lock:
            rows = self.db.execute(sql + " ORDER BY id", args).fetchall()
        return [dict(zip(("id", "extension_id", "client_id", "url", "event_type", "method"), r)) for r in rows]

    def update_subscription(self, sub_id: int, **values: str) -> None:
        """Change url, event_type and/or method of a subscription."""
        with self.lock:
            for column, value in values.items():
                self.db.execute(f"UPDATE subscriptions SET {column} = ? WHERE id = ?", (value, sub_id))

    def unsubscribe(self, ext: int, sub_id: int | None = None) -> int:
        """Delete one subscription of the extension (or all of them); how many went."""
        with self.lock:
            if sub_id is None:
                return self.db.execute("DELETE FROM subscriptions WHERE extension_id = ?", (ext,)).rowcount
            return self.db.execute("DELETE FROM subscriptions WHERE extension_id = ? AND id = ?", (ext, sub_id)).rowcount
