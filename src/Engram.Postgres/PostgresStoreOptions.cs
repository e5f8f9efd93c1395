namespace Engram.Postgres;

/// <summary>Options of <see cref="PostgresMemoryStore"/>.</summary>
/// <remarks>Not thread-safe while being configured; read once by the store's constructor.</remarks>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string, for example
    /// <c>Host=db;Port=5432;Database=engram;Username=engram;Password=…;Maximum Pool Size=50</c>. Required.
    /// </summary>
    /// <remarks>
    /// Npgsql pools connections per process: size the pool so that (servers × Maximum Pool Size) stays below the
    /// server's <c>max_connections</c>, or put PgBouncer (transaction mode) in front. A server that accepts one connection
    /// at a time (PGlite) needs <c>Maximum Pool Size=1</c>; one that shares a single session between clients (PGlite)
    /// also needs <c>Search Path=public;No Reset On Close=true</c> (the search path is then set on each physical
    /// connection, and pooled connections are not reset with <c>DISCARD ALL</c>).
    /// </remarks>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets how long a claimed event stays reserved for the server that claimed it, in seconds (default 300).
    /// Another server may take over a <c>RUNNING</c> event only after its lease expired (its server crashed or stalled).
    /// </summary>
    public int EventLeaseSeconds { get; set; } = 300;

    /// <summary>
    /// Gets or sets whether to try <c>CREATE EXTENSION IF NOT EXISTS vector</c> on the first initialization (default
    /// <see langword="true"/>). When it fails (pgvector not installed, or no privilege) vectors are stored as
    /// <c>bytea</c> (float32 values) and scored exactly in the process.
    /// </summary>
    public bool UsePgvector { get; set; } = true;

    /// <summary>
    /// Gets or sets the HNSW <c>m</c> parameter (links per node, default 16) of the vector index created for the first
    /// embedder's dimension (pgvector only).
    /// </summary>
    public int HnswM { get; set; } = 16;

    /// <summary>Gets or sets the HNSW <c>ef_construction</c> parameter (default 64; pgvector only).</summary>
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>
    /// Gets or sets the HNSW <c>ef_search</c> used by vector searches (default 100; raised to the requested limit when
    /// smaller; pgvector only). Higher is slower and more exact.
    /// </summary>
    public int HnswEfSearch { get; set; } = 100;

    /// <summary>
    /// Gets or sets whether an erasure (<see cref="IMemoryStore.EraseAsync"/>: delete, delete_all, entity deletion) runs
    /// <c>VACUUM</c> on the tables it changed after its commit (default <see langword="true"/>), so that the old row
    /// versions holding the erased text are removed now rather than whenever autovacuum gets to them. VACUUM frees their
    /// space without zeroing it (bytes stay until the space is reused) and leaves erased words in index pages; see
    /// <see cref="FullVacuumAfterErasure"/>. Best effort: it needs ownership of the tables, cannot remove versions an
    /// older running transaction may still see, and costs a pass over each table's changed pages and its indexes.
    /// </summary>
    public bool VacuumAfterErasure { get; set; } = true;

    /// <summary>
    /// Gets or sets whether an erasure runs <c>VACUUM FULL</c> instead of <c>VACUUM</c> on the tables it changed (default
    /// <see langword="false"/>; applies whatever <see cref="VacuumAfterErasure"/> says). Plain VACUUM frees the old row
    /// versions' space without zeroing it, and index pages keep erased words (lexemes, entity keys) until reused;
    /// <c>VACUUM FULL</c> rewrites the tables and their indexes into new files holding only live rows. It locks each
    /// table exclusively while it rewrites it (every project waits) and reads it whole: for deployments that must show
    /// erased text gone from the database files, at that cost per erasure.
    /// </summary>
    public bool FullVacuumAfterErasure { get; set; }
}
