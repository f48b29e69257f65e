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
SCHEMA_VERSION = len(MIGRATIONS)
