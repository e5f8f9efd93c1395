namespace Engram.Postgres;

/// <summary>
/// The PostgreSQL schema, as ordered migrations recorded in <c>engram_schema_version</c> (one row per applied version).
/// </summary>
/// <remarks>
/// <para>Timestamps are fixed-width ISO-8601 UTC text (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>, the SQLite store's format) in
/// <c>COLLATE "C"</c> columns, so ordering is chronological and the filter language's text operators on dates behave as
/// on SQLite. Metadata and categories are <c>jsonb</c>.</para>
/// <para>Every table carries <c>project_id</c>; ids are unique per project. <c>lexical_tsv</c> is generated from
/// <c>lexical</c> with the <c>simple</c> configuration (lower-case, no stemming: the engine has already stemmed) and
/// indexed with GIN; <c>lexical_len</c> is the token count BM25 normalises by.</para>
/// <para>The <c>embedding</c> column's type is <c>vector</c> (pgvector, no fixed dimension; an HNSW expression index on
/// <c>embedding::vector(d)</c> is created when the first embedder is recorded) or <c>bytea</c> (fallback: each float32 in
/// network byte order, as <c>float4send</c> writes it; <c>real[]</c> before version 3, whose binary form costs the
/// server and the client a conversion per element).</para>
/// </remarks>
internal static class PostgresSchema
{
    /// <summary>The token replaced by the vector column type in migration 1.</summary>
    public const string VectorTypeToken = "{vector_type}";

    /// <summary>The <c>vector_mode</c> recorded in <c>meta</c> for the fallback (<c>real[]</c> before version 3).</summary>
    public const string FallbackVectorMode = "float4-bytea";

    /// <summary>Serialises migrations across processes (<c>pg_advisory_xact_lock</c> key).</summary>
    public const long MigrationLockKey = 0x656E6772616D_01;

    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE memories (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            user_id text COLLATE "C",
            agent_id text COLLATE "C",
            app_id text COLLATE "C",
            run_id text COLLATE "C",
            memory text NOT NULL,
            hash text COLLATE "C" NOT NULL,
            metadata jsonb NOT NULL DEFAULT '{}',
            categories jsonb NOT NULL DEFAULT '[]',
            role text COLLATE "C",
            actor_id text COLLATE "C",
            attributed_to text COLLATE "C",
            created_at text COLLATE "C" NOT NULL,
            updated_at text COLLATE "C" NOT NULL,
            observed_at text COLLATE "C" NOT NULL,
            expiration_date text COLLATE "C",
            superseded_by text COLLATE "C",
            valid_to text COLLATE "C",
            source_message_ids jsonb NOT NULL DEFAULT '[]',
            lexical text NOT NULL DEFAULT '',
            lexical_len integer NOT NULL DEFAULT 0,
            lexical_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, lexical)) STORED,
            embedding {vector_type},
            embedder text,
            dims integer,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_memories_user ON memories (project_id, user_id);
        CREATE INDEX ix_memories_agent ON memories (project_id, agent_id);
        CREATE INDEX ix_memories_run ON memories (project_id, run_id);
        CREATE INDEX ix_memories_app ON memories (project_id, app_id);
        CREATE INDEX ix_memories_created ON memories (project_id, created_at DESC, id DESC);
        CREATE INDEX ix_memories_lexical ON memories USING gin (lexical_tsv);

        CREATE TABLE history (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            memory_id text COLLATE "C" NOT NULL,
            event text NOT NULL,
            old_memory text,
            new_memory text,
            created_at text COLLATE "C" NOT NULL,
            is_deleted boolean NOT NULL DEFAULT false,
            actor_id text,
            role text,
            related_memory_id text,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_history_memory ON history (project_id, memory_id);

        CREATE TABLE messages (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            user_id text COLLATE "C",
            agent_id text COLLATE "C",
            app_id text COLLATE "C",
            run_id text COLLATE "C",
            role text NOT NULL,
            name text,
            content text NOT NULL,
            external_id text,
            observed_at text COLLATE "C" NOT NULL,
            created_at text COLLATE "C" NOT NULL,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_messages_scope ON messages (project_id, user_id, agent_id, app_id, run_id, seq);

        CREATE TABLE entities (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            project_id text COLLATE "C" NOT NULL,
            entity_key text COLLATE "C" NOT NULL,
            name text NOT NULL,
            type text NOT NULL,
            UNIQUE (project_id, entity_key)
        );

        CREATE TABLE memory_entities (
            memory_seq bigint NOT NULL REFERENCES memories (seq) ON DELETE CASCADE,
            entity_id bigint NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
            project_id text COLLATE "C" NOT NULL,
            PRIMARY KEY (memory_seq, entity_id)
        );
        CREATE INDEX ix_memory_entities_entity ON memory_entities (entity_id, memory_seq);

        CREATE TABLE meta (
            key text PRIMARY KEY,
            value text NOT NULL
        );

        CREATE TABLE organizations (
            id text COLLATE "C" PRIMARY KEY,
            name text NOT NULL,
            created_at text COLLATE "C" NOT NULL
        );

        CREATE TABLE projects (
            id text COLLATE "C" PRIMARY KEY,
            org_id text COLLATE "C" NOT NULL REFERENCES organizations (id),
            name text NOT NULL,
            settings jsonb NOT NULL DEFAULT '{}',
            created_at text COLLATE "C" NOT NULL,
            updated_at text COLLATE "C" NOT NULL
        );

        CREATE TABLE api_keys (
            id text COLLATE "C" PRIMARY KEY,
            prefix text COLLATE "C" NOT NULL,
            key_hash bytea NOT NULL,
            org_id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL REFERENCES projects (id),
            name text,
            created_at text COLLATE "C" NOT NULL,
            revoked_at text COLLATE "C"
        );
        CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);

        CREATE TABLE events (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            event_type text NOT NULL,
            status text NOT NULL,
            payload text NOT NULL,
            results text NOT NULL DEFAULT '[]',
            error text,
            attempts integer NOT NULL DEFAULT 0,
            created_at text COLLATE "C" NOT NULL,
            updated_at text COLLATE "C" NOT NULL,
            started_at text COLLATE "C",
            completed_at text COLLATE "C",
            latency_ms double precision,
            input_tokens bigint,
            output_tokens bigint,
            model_calls integer,
            claimed_by text,
            lease_until text COLLATE "C",
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_events_unfinished ON events (seq) WHERE status IN ('PENDING', 'RUNNING');

        CREATE TABLE feedback (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            memory_id text COLLATE "C" NOT NULL,
            feedback text,
            reason text,
            created_at text COLLATE "C" NOT NULL,
            UNIQUE (project_id, id)
        );
        CREATE INDEX ix_feedback_memory ON feedback (project_id, memory_id);

        CREATE TABLE exports (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text COLLATE "C" NOT NULL,
            project_id text COLLATE "C" NOT NULL,
            schema text NOT NULL,
            filters text NOT NULL,
            instructions text,
            data text NOT NULL,
            memory_count integer NOT NULL,
            created_at text COLLATE "C" NOT NULL,
            UNIQUE (project_id, id)
        );
        """,

        // 2 (issue 11, SQLite's migration 4): graph relations (triples linked to their source memory; a contradicted
        // relation is invalidated, never deleted), webhooks and their durable outbox, written in the transaction of each
        // memory change. Webhook and delivery ids are identities (Mem0's clients treat webhook ids as integers); deleting
        // a webhook drops its outbox entries. The due index serves the SKIP LOCKED claim of the delivery workers.
        """
        CREATE TABLE relations (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            project_id text COLLATE "C" NOT NULL,
            user_id text COLLATE "C",
            agent_id text COLLATE "C",
            app_id text COLLATE "C",
            run_id text COLLATE "C",
            source text COLLATE "C" NOT NULL,
            relationship text COLLATE "C" NOT NULL,
            destination text COLLATE "C" NOT NULL,
            memory_id text COLLATE "C" NOT NULL,
            created_at text COLLATE "C" NOT NULL,
            invalidated_at text COLLATE "C",
            invalidated_by text COLLATE "C"
        );
        CREATE INDEX ix_relations_source ON relations (project_id, source);
        CREATE INDEX ix_relations_destination ON relations (project_id, destination);
        CREATE INDEX ix_relations_memory ON relations (project_id, memory_id);
        CREATE INDEX ix_relations_invalidated_by ON relations (project_id, invalidated_by) WHERE invalidated_by IS NOT NULL;

        CREATE TABLE webhooks (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            project_id text COLLATE "C" NOT NULL,
            name text NOT NULL,
            url text NOT NULL,
            event_types jsonb NOT NULL DEFAULT '[]',
            secret text NOT NULL,
            is_active boolean NOT NULL DEFAULT true,
            created_at text COLLATE "C" NOT NULL,
            updated_at text COLLATE "C" NOT NULL
        );
        CREATE INDEX ix_webhooks_project ON webhooks (project_id);

        CREATE TABLE webhook_outbox (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            project_id text COLLATE "C" NOT NULL,
            webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
            event_type text NOT NULL,
            payload text NOT NULL,
            status text NOT NULL DEFAULT 'PENDING',
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at text COLLATE "C" NOT NULL,
            last_error text,
            created_at text COLLATE "C" NOT NULL,
            completed_at text COLLATE "C"
        );
        CREATE INDEX ix_webhook_outbox_due ON webhook_outbox (next_attempt_at, id) WHERE status = 'PENDING';
        CREATE INDEX ix_webhook_outbox_webhook ON webhook_outbox (webhook_id, id);
        CREATE INDEX ix_webhook_outbox_project ON webhook_outbox (project_id, id);
        """,

        // 3: the fallback's vectors move from real[] to bytea (float4send's big-endian bytes, concatenated). Sending a
        // real[] costs the server a conversion per element and Npgsql a parse per element: reading the 1,000 vectors
        // of 512 dimensions of one user took ~25 ms in the server alone, against ~1 ms for the same bytes. pgvector
        // databases (a vector column) are left as they are.
        $$$"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = 'memories' AND column_name = 'embedding' AND data_type = 'ARRAY') THEN
                ALTER TABLE memories ADD COLUMN embedding_float4 bytea;
                UPDATE memories SET embedding_float4 =
                    (SELECT string_agg(float4send(v.x), ''::bytea ORDER BY v.i) FROM unnest(embedding) WITH ORDINALITY AS v(x, i))
                WHERE embedding IS NOT NULL;
                ALTER TABLE memories DROP COLUMN embedding;
                ALTER TABLE memories RENAME COLUMN embedding_float4 TO embedding;
                UPDATE meta SET value = '{{{FallbackVectorMode}}}' WHERE key = 'vector_mode';
            END IF;
        END
        $$;
        """,

        // 4: BM25's collection statistics, kept current by triggers instead of counted in every keyword search. Counting
        // a term's document frequency is a pass over the index entries and rows holding it, and N/avgdl a pass over the
        // project: at 100k memories ~24 ms per term and ~75 ms, against one primary-key lookup each here.
        // keyword_terms holds, per project, each lexeme of lexical_tsv with the number of memories holding it (a row
        // goes when that number reaches 0, so an erased word leaves no row); keyword_stats the memory count and the total
        // token count (lexical_len). Statement-level triggers with transition tables apply one aggregated change per
        // statement; writes of a project are already serialised by its advisory lock.
        """
        CREATE TABLE keyword_terms (
            project_id text COLLATE "C" NOT NULL,
            lexeme text COLLATE "C" NOT NULL,
            df bigint NOT NULL,
            PRIMARY KEY (project_id, lexeme)
        );
        CREATE TABLE keyword_stats (
            project_id text COLLATE "C" PRIMARY KEY,
            memory_count bigint NOT NULL,
            token_total bigint NOT NULL
        );

        -- One function for the three statement-level triggers; static statements, so PL/pgSQL caches their plans.
        -- Inserts add document frequencies; deletes subtract them and drop the rows that reach 0; updates apply the
        -- difference of the rows whose lexical text changed (an update of superseded_by or the vector changes nothing).
        CREATE FUNCTION engram_keyword_statistics() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO keyword_terms AS k (project_id, lexeme, df)
                SELECT n.project_id, l.lexeme, count(*)
                FROM new_rows n CROSS JOIN LATERAL unnest(tsvector_to_array(n.lexical_tsv)) AS l(lexeme)
                GROUP BY n.project_id, l.lexeme
                ON CONFLICT (project_id, lexeme) DO UPDATE SET df = k.df + EXCLUDED.df;
                INSERT INTO keyword_stats AS s (project_id, memory_count, token_total)
                SELECT project_id, count(*), sum(lexical_len) FROM new_rows GROUP BY project_id
                ON CONFLICT (project_id) DO UPDATE
                SET memory_count = s.memory_count + EXCLUDED.memory_count, token_total = s.token_total + EXCLUDED.token_total;
            ELSIF TG_OP = 'DELETE' THEN
                WITH d AS (
                    SELECT o.project_id, l.lexeme, count(*) AS c
                    FROM old_rows o CROSS JOIN LATERAL unnest(tsvector_to_array(o.lexical_tsv)) AS l(lexeme)
                    GROUP BY o.project_id, l.lexeme),
                gone AS (
                    DELETE FROM keyword_terms k USING d
                    WHERE k.project_id = d.project_id AND k.lexeme = d.lexeme AND k.df <= d.c)
                UPDATE keyword_terms k SET df = k.df - d.c FROM d
                WHERE k.project_id = d.project_id AND k.lexeme = d.lexeme AND k.df > d.c;
                UPDATE keyword_stats s SET memory_count = s.memory_count - d.n, token_total = s.token_total - d.tokens
                FROM (SELECT project_id, count(*) AS n, sum(lexical_len) AS tokens FROM old_rows GROUP BY project_id) d
                WHERE s.project_id = d.project_id;
            ELSE
                WITH changed AS (
                    SELECT o.project_id, o.lexical_tsv AS old_tsv, n.lexical_tsv AS new_tsv, n.lexical_len - o.lexical_len AS tokens
                    FROM old_rows o JOIN new_rows n ON n.seq = o.seq
                    WHERE n.lexical_tsv IS DISTINCT FROM o.lexical_tsv OR n.lexical_len IS DISTINCT FROM o.lexical_len),
                d AS (
                    SELECT c.project_id, c.lexeme, sum(c.delta) AS delta FROM (
                        SELECT project_id, l.lexeme, 1 AS delta FROM changed CROSS JOIN LATERAL unnest(tsvector_to_array(new_tsv)) AS l(lexeme)
                        UNION ALL
                        SELECT project_id, l.lexeme, -1 FROM changed CROSS JOIN LATERAL unnest(tsvector_to_array(old_tsv)) AS l(lexeme)) c
                    GROUP BY c.project_id, c.lexeme HAVING sum(c.delta) <> 0),
                current AS (
                    SELECT d.project_id, d.lexeme, d.delta, coalesce(k.df, 0) AS df
                    FROM d LEFT JOIN keyword_terms k ON k.project_id = d.project_id AND k.lexeme = d.lexeme),
                gone AS (
                    DELETE FROM keyword_terms k USING current c
                    WHERE k.project_id = c.project_id AND k.lexeme = c.lexeme AND c.df + c.delta <= 0),
                tokens AS (
                    UPDATE keyword_stats s SET token_total = s.token_total + t.tokens
                    FROM (SELECT project_id, sum(tokens) AS tokens FROM changed GROUP BY project_id) t
                    WHERE s.project_id = t.project_id)
                INSERT INTO keyword_terms AS k (project_id, lexeme, df)
                SELECT project_id, lexeme, delta FROM current WHERE df + delta > 0
                ON CONFLICT (project_id, lexeme) DO UPDATE SET df = k.df + EXCLUDED.df;
            END IF;
            RETURN NULL;
        END
        $fn$;

        CREATE TRIGGER memories_keyword_insert AFTER INSERT ON memories
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_keyword_statistics();
        CREATE TRIGGER memories_keyword_update AFTER UPDATE ON memories
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_keyword_statistics();
        CREATE TRIGGER memories_keyword_delete AFTER DELETE ON memories
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_keyword_statistics();

        INSERT INTO keyword_terms (project_id, lexeme, df)
        SELECT m.project_id, l.lexeme, count(*)
        FROM memories m CROSS JOIN LATERAL unnest(tsvector_to_array(m.lexical_tsv)) AS l(lexeme)
        GROUP BY m.project_id, l.lexeme;
        INSERT INTO keyword_stats (project_id, memory_count, token_total)
        SELECT project_id, count(*), coalesce(sum(lexical_len), 0) FROM memories GROUP BY project_id;
        """,

        // 5 (issue 19, SQLite's migration 5): the ids of the memories an export holds (a JSON array), so that erasing one
        // deletes the export even when the export's schema leaves the ids out of its data.
        """
        ALTER TABLE exports ADD COLUMN IF NOT EXISTS memory_ids text NOT NULL DEFAULT '[]';
        """,

        // 6 (issue 18, SQLite's migration 6): Mem0's immutable memories, whose updates are refused.
        """
        ALTER TABLE memories ADD COLUMN IF NOT EXISTS immutable boolean NOT NULL DEFAULT false;
        """,
    ];

    /// <summary>Gets the newest schema version this build knows.</summary>
    public static int CurrentVersion => Migrations.Count;
}
