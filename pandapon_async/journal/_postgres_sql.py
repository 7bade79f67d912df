"""The PostgreSQL journal's SQL: table layout, migration steps and statements.

Schema and migrations. The journal lives in one table (``pandapon_pay_journal`` unless
``table=`` says otherwise) created on first use, and a row in ``pandapon_schema_version``
(``component`` = the table name, ``version``) records its layout. Every :meth:`open` takes a
transaction-scoped advisory lock, reads that row and applies, in one transaction, the steps
from the recorded version up to the version this release knows (DDL is transactional in
PostgreSQL: a failed migration leaves the old layout intact). Several workers starting at once
queue on the lock; one migrates and the others see the new version. A table whose recorded
version is newer than this release knows is refused (``JournalUnavailableError``: upgrade
pandapon-async on every worker) rather than written with an old layout. Version 1 is the layout
below; a future change adds a step to ``_MIGRATIONS`` (say ``ALTER TABLE ... ADD COLUMN``), never
edits an old one. Workers of mixed versions should not share a journal across a migration:
upgrade them together, or migrate with one worker first.
"""

from __future__ import annotations

import re

from ._model import STATES

__all__ = [
    "DEFAULT_TABLE",
    "IDENTIFIER",
    "SCHEMA_VERSION",
    "VERSION_TABLE",
    "Statements",
    "schema_steps",
]

SCHEMA_VERSION = 1
"""The journal table layout this release writes (see the module docstring)."""

DEFAULT_TABLE = "pandapon_pay_journal"
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,47}")


def schema_steps(table: str) -> dict[int, str]:
    """Step n brings the table from version n - 1 to n."""
    states = ", ".join(f"'{state}'" for state in sorted(STATES))
    return {
        1: f"""
CREATE TABLE IF NOT EXISTS {table} (
    order_id      text PRIMARY KEY,
    state         text NOT NULL CHECK (state IN ({states})),
    reason        text,
    batch         text,
    attempts      integer NOT NULL DEFAULT 0,
    updated_at    double precision NOT NULL,
    owner         text,
    lease_expires double precision
);
CREATE INDEX IF NOT EXISTS {table}_owner ON {table} (owner) WHERE owner IS NOT NULL;
CREATE OR REPLACE FUNCTION {table}_monotone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'success' AND NEW.state <> 'success' THEN
        RAISE EXCEPTION 'journal: order % is success, which is final (not %)',
            OLD.order_id, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.state = 'pay_fail' AND NEW.state NOT IN ('pay_fail', 'success') THEN
        RAISE EXCEPTION 'journal: order % is pay_fail, which only becomes success (not %)',
            OLD.order_id, NEW.state USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS {table}_monotone ON {table};
CREATE TRIGGER {table}_monotone BEFORE UPDATE OF state ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_monotone();
""",
    }


VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS pandapon_schema_version (
    component  text PRIMARY KEY,
    version    integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""
_NOW = "COALESCE($%d::float8, extract(epoch FROM clock_timestamp())::float8)"
_COLUMNS = "order_id, state, reason, batch, attempts, updated_at, owner, lease_expires"


class Statements:
    """The SQL of one journal table."""

    def __init__(self, table: str) -> None:
        self.now = f"SELECT {_NOW % 1}"
        self.select = f"SELECT {_COLUMNS} FROM {table} WHERE order_id = ANY($1::text[])"
        self.select_all = f"SELECT {_COLUMNS} FROM {table} ORDER BY order_id"
        self.counts = f"SELECT state, count(*) FROM {table} GROUP BY state"
        self.insert_missing = (
            f"INSERT INTO {table} (order_id, state, attempts, updated_at) "
            f"SELECT id, 'claimed', 0, $2 FROM unnest($1::text[]) AS id ORDER BY id "
            f"ON CONFLICT (order_id) DO NOTHING RETURNING order_id"
        )
        self.lock = (
            f"SELECT {_COLUMNS} FROM {table} WHERE order_id = ANY($1::text[]) "
            f"ORDER BY order_id FOR UPDATE"
        )
        self.write_rows = (
            f"UPDATE {table} AS p SET state = v.state, reason = v.reason, batch = v.batch, "
            f"attempts = v.attempts, updated_at = v.updated_at, owner = v.owner, "
            f"lease_expires = v.lease_expires "
            f"FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], "
            f"$6::float8[], $7::text[], $8::float8[]) "
            f"AS v(order_id, state, reason, batch, attempts, updated_at, owner, lease_expires) "
            f"WHERE p.order_id = v.order_id"
        )
        # Rows are locked in key order first (FOR UPDATE in a CTE), like claims, so that
        # concurrent writers queue instead of deadlocking.
        self.intent = (
            f"WITH now AS (SELECT {_NOW % 4} AS t), locked AS ("
            f"SELECT order_id FROM {table} WHERE order_id = ANY($1::text[]) AND owner = $2 "
            f"AND state NOT IN ('success', 'pay_fail') ORDER BY order_id FOR UPDATE) "
            f"UPDATE {table} AS p SET state = 'sending', reason = NULL, batch = $3, "
            f"attempts = p.attempts + 1, updated_at = now.t FROM locked, now "
            f"WHERE p.order_id = locked.order_id RETURNING p.order_id"
        )
        self.renew = (
            f"WITH now AS (SELECT {_NOW % 3} AS t), locked AS ("
            f"SELECT order_id FROM {table} WHERE owner = $1 ORDER BY order_id FOR UPDATE) "
            f"UPDATE {table} AS p SET lease_expires = now.t + $2 FROM locked, now "
            f"WHERE p.order_id = locked.order_id"
        )
        self.release = (
            f"WITH locked AS (SELECT order_id FROM {table} WHERE order_id = ANY($1::text[]) "
            f"AND owner = $2 ORDER BY order_id FOR UPDATE) "
            f"UPDATE {table} AS p SET owner = NULL, lease_expires = NULL FROM locked "
            f"WHERE p.order_id = locked.order_id"
        )
        # The monotone rule of journal.merge_outcome, and "errored/unknown never overwrite
        # another live owner's claim", as the condition of the upsert.
        self.outcomes = (
            f"WITH now AS (SELECT {_NOW % 7} AS t) "
            f"INSERT INTO {table} AS p ({_COLUMNS}) "
            f"SELECT v.order_id, v.state, v.reason, v.batch, v.attempts, now.t, NULL, NULL "
            f"FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) "
            f"AS v(order_id, state, reason, batch, attempts), now ORDER BY v.order_id "
            f"ON CONFLICT (order_id) DO UPDATE SET state = EXCLUDED.state, "
            f"reason = EXCLUDED.reason, batch = COALESCE(NULLIF(EXCLUDED.batch, ''), p.batch), "
            f"owner = NULL, lease_expires = NULL, updated_at = EXCLUDED.updated_at "
            f"WHERE p.state <> 'success' "
            f"AND (p.state <> 'pay_fail' OR EXCLUDED.state = 'success') "
            f"AND (EXCLUDED.state IN ('success', 'pay_fail') OR p.owner IS NULL "
            f"OR p.owner = $6 OR p.lease_expires IS NULL "
            f"OR p.lease_expires <= EXCLUDED.updated_at)"
        )
