using Engram;
using Engram.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite store on an <see cref="IMemoryBuilder"/>.</summary>
public static class SqliteMemoryBuilderExtensions
{
    /// <summary>
    /// Uses a <see cref="SqliteMemoryStore"/> over one database file as the engine's <see cref="IMemoryStore"/>,
    /// replacing any store registered before.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEngram()</c>.</param>
    /// <param name="databasePath">The database file, for example <c>engram-data/engram.db</c>; its directory is created when missing.</param>
    /// <param name="configure">Adjusts the other options (busy timeout, synchronous mode), or <see langword="null"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <remarks>
    /// The store is a singleton, also resolvable as <see cref="SqliteMemoryStore"/> (for integrity checks). It takes the
    /// <see cref="TimeProvider"/> registered in the container, else <see cref="TimeProvider.System"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty or whitespace.</exception>
    public static IMemoryBuilder WithSqliteStore(this IMemoryBuilder builder, string databasePath, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var options = new SqliteStoreOptions { DatabasePath = databasePath };
        configure?.Invoke(options);

        var services = builder.Services;
        services.RemoveAll<IMemoryStore>();
        services.RemoveAll<SqliteMemoryStore>();
        services.AddSingleton(provider => new SqliteMemoryStore(options, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IMemoryStore>(provider => provider.GetRequiredService<SqliteMemoryStore>());
        return builder;
    }
}
