using Engram;
using Engram.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL store on an <see cref="IMemoryBuilder"/>, directly or from configuration.</summary>
public static class PostgresMemoryBuilderExtensions
{
    /// <summary>The configuration key naming the store provider: <c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public const string ProviderKey = "Engram:Store:Provider";

    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string ConnectionStringKey = "Engram:Store:ConnectionString";

    /// <summary>
    /// Uses a <see cref="PostgresMemoryStore"/> as the engine's <see cref="IMemoryStore"/>, replacing any store registered
    /// before (the store also serves <see cref="IEventStore"/>, <see cref="ITenantStore"/>, <see cref="IFeedbackStore"/>,
    /// <see cref="IExportStore"/>, <see cref="IScopeCatalog"/>, <see cref="IGraphStore"/>, <see cref="IWebhookStore"/> and
    /// <see cref="IMemoryArchiveStore"/>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEngram()</c>.</param>
    /// <param name="connectionString">The Npgsql connection string, for example <c>Host=db;Database=engram;Username=engram;Password=…</c>.</param>
    /// <param name="configure">Adjusts the other options (event lease, HNSW parameters, VACUUM after erasure), or <see langword="null"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <remarks>A singleton taking the container's <see cref="TimeProvider"/>, else <see cref="TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or whitespace.</exception>
    public static IMemoryBuilder WithPostgresStore(this IMemoryBuilder builder, string connectionString, Action<PostgresStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);

        var services = builder.Services;
        services.RemoveAll<IMemoryStore>();
        services.RemoveAll<PostgresMemoryStore>();
        services.AddSingleton(provider => new PostgresMemoryStore(options, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IMemoryStore>(provider => provider.GetRequiredService<PostgresMemoryStore>());
        return builder;
    }

    /// <summary>
    /// Registers the PostgreSQL store when configuration selects it: <c>Engram:Store:Provider=postgres</c> with
    /// <c>Engram:Store:ConnectionString</c> (options from <c>Engram:Store:Postgres</c>). Does nothing for <c>sqlite</c>
    /// or when the provider is not set.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEngram()</c>.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns><see langword="true"/> when the PostgreSQL store was registered.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The provider is unknown, or <c>postgres</c> without a connection string.</exception>
    public static bool TryAddConfiguredPostgresStore(this IMemoryBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[ProviderKey]?.Trim();
        if (string.IsNullOrEmpty(provider) || string.Equals(provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase) && !string.Equals(provider, "postgresql", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unknown store provider '{provider}' in {ProviderKey}: use 'sqlite' or 'postgres'.");
        }

        var connectionString = configuration[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ProviderKey}=postgres needs {ConnectionStringKey} (for example Host=localhost;Database=engram;Username=engram).");
        }

        var section = configuration.GetSection("Engram:Store:Postgres");
        builder.WithPostgresStore(connectionString, options =>
        {
            options.EventLeaseSeconds = ReadInt(section, nameof(PostgresStoreOptions.EventLeaseSeconds), options.EventLeaseSeconds);
            options.HnswM = ReadInt(section, nameof(PostgresStoreOptions.HnswM), options.HnswM);
            options.HnswEfConstruction = ReadInt(section, nameof(PostgresStoreOptions.HnswEfConstruction), options.HnswEfConstruction);
            options.HnswEfSearch = ReadInt(section, nameof(PostgresStoreOptions.HnswEfSearch), options.HnswEfSearch);
            options.UsePgvector = !string.Equals(section[nameof(PostgresStoreOptions.UsePgvector)], "false", StringComparison.OrdinalIgnoreCase);
            options.VacuumAfterErasure = !string.Equals(section[nameof(PostgresStoreOptions.VacuumAfterErasure)], "false", StringComparison.OrdinalIgnoreCase);
            options.FullVacuumAfterErasure = string.Equals(section[nameof(PostgresStoreOptions.FullVacuumAfterErasure)], "true", StringComparison.OrdinalIgnoreCase);
        });
        return true;
    }

    private static int ReadInt(IConfigurationSection section, string key, int fallback) =>
        int.TryParse(section[key], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
