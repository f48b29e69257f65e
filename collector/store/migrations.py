"""The store's schema as numbered migrations, applied in order at every open.

Each migration is a list of statements, applied in one transaction and recorded in the
`migrations` table. Never edit a published one; append the next.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "responses",
        [
            """
            CREATE TABLE responses (
                response_id TEXT PRIMARY KEY
                    CHECK (typeof(response_id) = 'text' AND length(response_id) = 32),
                key_id TEXT NOT NULL CHECK (length(key_id) = 32),
                received_at TEXT NOT NULL,
                delete_by TEXT NOT NULL,
                receipt TEXT NOT NULL,
                sealed BLOB NOT NULL CHECK (typeof(sealed) = 'blob')
            )
            """,
            "CREATE INDEX responses_delete_by ON responses (delete_by)",
        ],
    ),
    (
        "invitations_and_followups",
        [
            # HR's own administrative record of whom it invited: in clear, so `status` works
            # without unlocking the key. Only notes HR writes (a decline reason, an
            # assessment) are sealed to HR's key, like the answers.
            """
            CREATE TABLE invitations (
                token TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
                set_id TEXT NOT NULL,
                language TEXT NOT NULL,
                name TEXT NOT NULL,
                email TEXT,
                position TEXT,
                workplace TEXT,
                department TEXT,
                employed_from TEXT,
                last_day TEXT NOT NULL,
                invited_at TEXT NOT NULL,
                delete_by TEXT NOT NULL,
                declined_on TEXT,
                decline_note BLOB,
                note_key_id TEXT
            )
            """,
            "CREATE INDEX invitations_delete_by ON invitations (delete_by)",
            # A response that came with an invitation's token. Whether it declined is kept
            # here too (HR's record of 001's "noted"), so `status` needs no key either.
            """
            CREATE TABLE matches (
                response_id TEXT PRIMARY KEY
                    REFERENCES responses (response_id) ON DELETE CASCADE,
                token TEXT NOT NULL REFERENCES invitations (token) ON DELETE CASCADE,
                declined INTEGER NOT NULL CHECK (declined IN (0, 1)),
                sealed_on TEXT NOT NULL
            )
            """,
            "CREATE INDEX matches_token ON matches (token)",
            """
            CREATE TABLE followups (
                response_id TEXT PRIMARY KEY
                    REFERENCES responses (response_id) ON DELETE CASCADE,
                reported_on TEXT NOT NULL,
                acknowledged_on TEXT,
                assessed_on TEXT,
                assessment BLOB,
                note_key_id TEXT,
                feedback_on TEXT
            )
            """,
        ],
    ),
]
MIGRATIONS.append(
    (
        "sealed_at_rest",
        [
            # Format 2 (FORMAT.md 11): stores of format 1 held parts that format 2 cannot
            # read and invitations in clear; connection.py refuses such a store if it holds
            # any row, so these drops only ever remove empty tables.
            "DROP TABLE followups",
            "DROP TABLE matches",
            "DROP TABLE invitations",
            "DROP TABLE responses",
            # A response as the collector keeps it: the record (payload, the invitation's
            # facts where the reader choice allows, flags) and a short summary for lists,
            # each sealed to HR's key at import. In clear only what retention, duplicates,
            # replays and the current answer need.
            """
            CREATE TABLE responses (
                response_id TEXT PRIMARY KEY CHECK (length(response_id) = 32),
                key_id TEXT NOT NULL CHECK (length(key_id) = 32),
                received_at TEXT NOT NULL,
                delete_by TEXT NOT NULL,
                receipt TEXT NOT NULL,
                file_digest TEXT NOT NULL CHECK (length(file_digest) = 64),
                enc_digest TEXT NOT NULL UNIQUE CHECK (length(enc_digest) = 64),
                record BLOB NOT NULL CHECK (typeof(record) = 'blob'),
                summary BLOB NOT NULL CHECK (typeof(summary) = 'blob'),
                superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
                confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1))
            )
            """,
            "CREATE INDEX responses_delete_by ON responses (delete_by)",
            # HR's record of an invitation, sealed; in clear its code (shown by status),
            # its link id (to find it when a bound response arrives), a keyed tag that
            # tells one person from another without naming them, and its delete-by date.
            """
            CREATE TABLE invitations (
                code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 8 AND 64),
                link_id TEXT NOT NULL UNIQUE CHECK (length(link_id) = 32),
                identity_tag TEXT NOT NULL,
                key_id TEXT NOT NULL CHECK (length(key_id) = 32),
                delete_by TEXT NOT NULL,
                record BLOB NOT NULL CHECK (typeof(record) = 'blob')
            )
            """,
            "CREATE INDEX invitations_identity ON invitations (identity_tag)",
            "CREATE INDEX invitations_delete_by ON invitations (delete_by)",
            # The duty to follow up special information; dates only, counted from receipt.
            """
            CREATE TABLE followups (
                response_id TEXT PRIMARY KEY
                    REFERENCES responses (response_id) ON DELETE CASCADE,
                reported_on TEXT NOT NULL,
                acknowledged_on TEXT,
                assessed_on TEXT,
                assessment BLOB,
                note_key_id TEXT,
                feedback_on TEXT
            )
            """,
            # What was deleted (purged or erased): digests only, so that the same file
            # imported again, or its enc replayed, is refused instead of coming back.
            """
            CREATE TABLE deleted (
                enc_digest TEXT PRIMARY KEY CHECK (length(enc_digest) = 64),
                file_digest TEXT NOT NULL,
                deleted_on TEXT NOT NULL,
                how TEXT NOT NULL CHECK (how IN ('purged', 'erased'))
            )
            """,
            "CREATE INDEX deleted_file ON deleted (file_digest)",
            # Files the collector wrote with personal data (records, reports, exports,
            # e-mails): where, and when they must be deleted (FORMAT.md is silent; the
            # retention is the employer's).
            """
            CREATE TABLE outputs (
                path TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                written_at TEXT NOT NULL,
                delete_by TEXT NOT NULL
            )
            """,
        ],
    )
)
FORMAT_2 = len(MIGRATIONS)
"""The first schema of format 2; an older store with rows in it cannot be upgraded."""
MIGRATIONS.append(
    (
        "summary_pages",
        [
            # The summaries of many responses sealed together (to HR's key, kind
            # "summaries", formats/at_rest.py), so that `list` and `status` open one page
            # per import group instead of one summary per response. A page only repeats
            # what its responses' own `summary` columns hold, which stay the source: a
            # response without a page (stored before this migration, or whose page was
            # dropped) is read from its own summary, and the reading command that finds it
            # seals a new page for it when it can write (intake/summaries.py).
            """
            CREATE TABLE summary_pages (
                page INTEGER PRIMARY KEY,
                key_id TEXT NOT NULL CHECK (length(key_id) = 32),
                sealed BLOB NOT NULL CHECK (typeof(sealed) = 'blob')
            )
            """,
            # Which page holds a response's summary: a table of its own, so that filling
            # a page never rewrites a response's row (its sealed record included).
            """
            CREATE TABLE summary_index (
                response_id TEXT PRIMARY KEY,
                page INTEGER NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE INDEX summary_index_page ON summary_index (page)",
            # What a list reads of every row, in the list's order, without touching the
            # row itself (whose sealed record lies before its flags, in overflow pages).
            """
            CREATE INDEX responses_listing ON responses (
                received_at, response_id, key_id, delete_by, receipt, file_digest,
                enc_digest, superseded, confirmed
            )
            """,
            # A page never outlives, nor disagrees with, a response in it: when one is
            # deleted (erased, purged) or its summary sealed anew (corrected), its whole
            # page goes in the same statement, and the others of that page are read from
            # their own summaries until a new page is sealed. Triggers, so that every way
            # of deleting or rewriting a row, now and later, takes the page with it.
            """
            CREATE TRIGGER summary_page_dropped AFTER DELETE ON summary_pages
            BEGIN
                DELETE FROM summary_index WHERE page = OLD.page;
            END
            """,
            """
            CREATE TRIGGER summary_page_of_deleted AFTER DELETE ON responses
            BEGIN
                DELETE FROM summary_pages WHERE page IN
                    (SELECT page FROM summary_index WHERE response_id = OLD.response_id);
                DELETE FROM summary_index WHERE response_id = OLD.response_id;
            END
            """,
            """
            CREATE TRIGGER summary_page_of_changed AFTER UPDATE OF summary, key_id ON responses
            BEGIN
                DELETE FROM summary_pages WHERE page IN
                    (SELECT page FROM summary_index WHERE response_id = OLD.response_id);
                DELETE FROM summary_index WHERE response_id = OLD.response_id;
            END
            """,
        ],
    )
)
MIGRATIONS.append(
    (
        "summaries_in_records",
        [
            # A response stored from this migration on has its summary sealed in its
            # record (records.ResponseRecord.summary) and an empty `summary` column; an
            # older row keeps its own. So a page must also go when a row's record is
            # sealed anew, and an older release, which would call such a record damaged,
            # is told the store is newer instead (connection.py).
            "DROP TRIGGER summary_page_of_changed",
            """
            CREATE TRIGGER summary_page_of_changed
            AFTER UPDATE OF summary, record, key_id ON responses
            BEGIN
                DELETE FROM summary_pages WHERE page IN
                    (SELECT page FROM summary_index WHERE response_id = OLD.response_id);
                DELETE FROM summary_index WHERE response_id = OLD.response_id;
            END
            """,
        ],
    )
)
SCHEMA_VERSION = len(MIGRATIONS)
