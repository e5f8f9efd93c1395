namespace Engram.Sqlite;

/// <summary>The schema of the SQLite store as an ordered list of migrations; the version lives in <c>PRAGMA user_version</c>.</summary>
internal static class SqliteSchema
{
    /// <summary>
    /// The migrations, in order: migration <c>i</c> (0-based) moves the database from version <c>i</c> to <c>i + 1</c>.
    /// Append new migrations; never edit a shipped one.
    /// </summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: everything. Every table carries project_id; ids are unique per project.
        """
        CREATE TABLE memories (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            user_id TEXT,
            agent_id TEXT,
            app_id TEXT,
            run_id TEXT,
            memory TEXT NOT NULL,
            hash TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            categories TEXT NOT NULL DEFAULT '[]',
            role TEXT,
            actor_id TEXT,
            attributed_to TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            expiration_date TEXT,
            superseded_by TEXT,
            valid_to TEXT,
            source_message_ids TEXT NOT NULL DEFAULT '[]',
            lexical TEXT NOT NULL DEFAULT '',
            embedding BLOB,
            embedder TEXT,
            dims INTEGER,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_memories_user ON memories (project_id, user_id);
        CREATE INDEX ix_memories_agent ON memories (project_id, agent_id);
        CREATE INDEX ix_memories_run ON memories (project_id, run_id);
        CREATE INDEX ix_memories_app ON memories (project_id, app_id);
        CREATE INDEX ix_memories_created ON memories (project_id, created_at);

        CREATE VIRTUAL TABLE memories_fts USING fts5 (lexical, content = 'memories', content_rowid = 'seq', tokenize = 'unicode61');
        CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
            INSERT INTO memories_fts (rowid, lexical) VALUES (new.seq, new.lexical);
        END;
        CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, lexical) VALUES ('delete', old.seq, old.lexical);
        END;
        CREATE TRIGGER memories_fts_update AFTER UPDATE OF lexical ON memories BEGIN
            INSERT INTO memories_fts (memories_fts, rowid, lexical) VALUES ('delete', old.seq, old.lexical);
            INSERT INTO memories_fts (rowid, lexical) VALUES (new.seq, new.lexical);
        END;

        CREATE TABLE history (
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            memory_id TEXT NOT NULL,
            event TEXT NOT NULL,
            old_memory TEXT,
            new_memory TEXT,
            created_at TEXT NOT NULL,
            is_deleted INTEGER NOT NULL DEFAULT 0,
            actor_id TEXT,
            role TEXT,
            related_memory_id TEXT,
            PRIMARY KEY (project_id, id)
        );
        CREATE INDEX ix_history_memory ON history (project_id, memory_id);

        CREATE TABLE messages (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            user_id TEXT,
            agent_id TEXT,
            app_id TEXT,
            run_id TEXT,
            role TEXT NOT NULL,
            name TEXT,
            content TEXT NOT NULL,
            external_id TEXT,
            observed_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_messages_scope ON messages (project_id, user_id, agent_id, app_id, run_id, seq);

        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            project_id TEXT NOT NULL,
            entity_key TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            UNIQUE (project_id, entity_key)
        );

        CREATE TABLE memory_entities (
            memory_seq INTEGER NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
            entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
            project_id TEXT NOT NULL,
            PRIMARY KEY (memory_seq, entity_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_memory_entities_entity ON memory_entities (entity_id, memory_seq);

        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,

        // 2: what a server needs: tenancy (organizations, projects, hashed API keys), the durable event queue of
        // asynchronous adds, feedback and exports. Events, feedback and exports carry project_id like every other table.
        """
        CREATE TABLE organizations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE projects (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organizations (id),
            name TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            prefix TEXT NOT NULL,
            key_hash BLOB NOT NULL,
            org_id TEXT NOT NULL,
            project_id TEXT NOT NULL REFERENCES projects (id),
            name TEXT,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            status TEXT NOT NULL,
            payload TEXT NOT NULL,
            results TEXT NOT NULL DEFAULT '[]',
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            started_at TEXT,
            completed_at TEXT,
            latency_ms REAL,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_events_unfinished ON events (status, seq) WHERE status IN ('PENDING', 'RUNNING');

        CREATE TABLE feedback (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            memory_id TEXT NOT NULL,
            feedback TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_feedback_memory ON feedback (project_id, memory_id);

        CREATE TABLE exports (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            schema TEXT NOT NULL,
            filters TEXT NOT NULL,
            instructions TEXT,
            data TEXT NOT NULL,
            memory_count INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (project_id, id)
        );
        """,

        // 3: language-model usage per event (issue 4).
        """
        ALTER TABLE events ADD COLUMN input_tokens INTEGER;
        ALTER TABLE events ADD COLUMN output_tokens INTEGER;
        ALTER TABLE events ADD COLUMN model_calls INTEGER;
        """,

        // 4 (issue 11): graph relations (triples linked to their source memory; a contradicted relation is invalidated,
        // never deleted), webhooks and their durable outbox, written in the transaction of each memory change. The webhook
        // id is the row id (Mem0's clients treat webhook ids as integers); deleting a webhook drops its outbox entries.
        """
        CREATE TABLE relations (
            id INTEGER PRIMARY KEY,
            project_id TEXT NOT NULL,
            user_id TEXT,
            agent_id TEXT,
            app_id TEXT,
            run_id TEXT,
            source TEXT NOT NULL,
            relationship TEXT NOT NULL,
            destination TEXT NOT NULL,
            memory_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            invalidated_at TEXT,
            invalidated_by TEXT
        );
        CREATE INDEX ix_relations_source ON relations (project_id, source);
        CREATE INDEX ix_relations_destination ON relations (project_id, destination);
        CREATE INDEX ix_relations_memory ON relations (project_id, memory_id);

        CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY,
            project_id TEXT NOT NULL,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            event_types TEXT NOT NULL DEFAULT '[]',
            secret TEXT NOT NULL,
            is_active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX ix_webhooks_project ON webhooks (project_id);

        CREATE TABLE webhook_outbox (
            id INTEGER PRIMARY KEY,
            project_id TEXT NOT NULL,
            webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
            event_type TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'PENDING',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            completed_at TEXT
        );
        CREATE INDEX ix_webhook_outbox_due ON webhook_outbox (next_attempt_at, id) WHERE status = 'PENDING';
        CREATE INDEX ix_webhook_outbox_webhook ON webhook_outbox (webhook_id, id);
        """,

        // 5 (issue 19): the ids of the memories an export holds, so that erasing one deletes the export even when the
        // export's schema leaves the ids out of its data.
        """
        ALTER TABLE exports ADD COLUMN memory_ids TEXT NOT NULL DEFAULT '[]';
        """,

        // 6 (issue 18): Mem0's immutable memories, whose updates are refused.
        """
        ALTER TABLE memories ADD COLUMN immutable INTEGER NOT NULL DEFAULT 0;
        """,
    ];

    /// <summary>Gets the schema version this code creates and understands.</summary>
    public static int CurrentVersion => Migrations.Count;
}
