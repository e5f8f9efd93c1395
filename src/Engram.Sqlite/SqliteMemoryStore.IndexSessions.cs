using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Engram.Sqlite;

/// <content>Connections kept for the in-memory index, each with its statements prepared once.</content>
public sealed partial class SqliteMemoryStore
{
    // Idle sessions kept for reuse; more may exist while many searches run at once.
    private const int IdleSessions = 8;

    private readonly ConcurrentBag<IndexSession> _sessions = [];

    private async Task<IReadOnlyList<MemoryItem>> GetManyWithSessionAsync(string projectId, IReadOnlyCollection<string> memoryIds, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var session = RentSession();
            var command = session.Session.GetMany;
            command.Parameters[0].Value = projectId;
            command.Parameters[1].Value = SqliteValues.ToJsonArray(memoryIds);
            return await ReadMemoriesAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Map(ex, "get");
        }
    }

    /// <summary>Takes an idle session or opens one; dispose the lease to give it back.</summary>
    private SessionLease RentSession()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sessions.TryTake(out var session))
        {
            session = new IndexSession(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString(), _connectionPragmas);
        }

        return new SessionLease(this, session);
    }

    private void ReturnSession(IndexSession session)
    {
        if (_disposed || session.IsBroken || _sessions.Count >= IdleSessions)
        {
            session.Dispose();
            return;
        }

        _sessions.Add(session);
        if (_disposed && _sessions.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    /// <summary>A rented <see cref="IndexSession"/>; disposing it returns the session.</summary>
    private readonly struct SessionLease(SqliteMemoryStore store, IndexSession session) : IDisposable
    {
        public IndexSession Session => session;

        public SqliteConnection Connection => session.Connection;

        public long LastDataVersion
        {
            get => session.LastDataVersion;
            set => session.LastDataVersion = value;
        }

        public void Dispose() => store.ReturnSession(session);

        public static implicit operator IndexSession(SessionLease lease) => lease.Session;
    }

    /// <summary>
    /// One open connection (not pooled: its <c>PRAGMA data_version</c> history matters) with the index's statements.
    /// Used by one search at a time.
    /// </summary>
    private sealed class IndexSession : IDisposable
    {
        public IndexSession(string connectionString, string pragmas)
        {
            Connection = new SqliteConnection(connectionString);
            try
            {
                Connection.Open();
                using (var setup = Connection.CreateCommand())
                {
                    setup.CommandText = pragmas;
                    setup.ExecuteNonQuery();
                }

                DataVersion = Prepare("PRAGMA data_version;");

                // "+m.project_id" keeps SQLite on row id lookups instead of scanning the project through an index.
                Rescore = Prepare("""
                    SELECT m.seq, m.embedding FROM memories m
                    WHERE m.seq IN (SELECT value FROM json_each(@seqs)) AND +m.project_id = @project AND m.embedding IS NOT NULL AND m.dims = @dims;
                    """);
                Rescore.Parameters.Add("@seqs", SqliteType.Text);
                Rescore.Parameters.Add("@project", SqliteType.Text);
                Rescore.Parameters.Add("@dims", SqliteType.Integer);
                DocumentFrequency = Prepare("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH @phrase;");
                DocumentFrequency.Parameters.Add("@phrase", SqliteType.Text);
                GetMany = Prepare($"SELECT {MemoryColumns} FROM memories m WHERE m.project_id = @project AND m.id IN (SELECT value FROM json_each(@ids));");
                GetMany.Parameters.Add("@project", SqliteType.Text);
                GetMany.Parameters.Add("@ids", SqliteType.Text);
            }
            catch
            {
                Connection.Dispose();
                throw;
            }
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand DataVersion { get; }

        public SqliteCommand Rescore { get; }

        public SqliteCommand DocumentFrequency { get; }

        public SqliteCommand GetMany { get; }

        /// <summary>Gets or sets the <c>data_version</c> this connection read at its last check.</summary>
        public long LastDataVersion { get; set; } = long.MinValue;

        /// <summary>Gets or sets the generation this connection read at its last check.</summary>
        public long LastGeneration { get; set; } = -1;

        public bool IsBroken => Connection.State != System.Data.ConnectionState.Open;

        public void Dispose()
        {
            DataVersion.Dispose();
            Rescore.Dispose();
            DocumentFrequency.Dispose();
            GetMany.Dispose();
            Connection.Dispose();
        }

        private SqliteCommand Prepare(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }
}
