using Engram;
using Engram.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="EngramClient"/>.</summary>
public static class EngramClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EngramClient"/> as a typed <see cref="HttpClient"/> client, and as the application's
    /// <see cref="IMemory"/> unless one is already registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the server address and API key.</param>
    /// <returns>The HTTP client builder, to add handlers (resilience, logging).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddEngramClient(this IServiceCollection services, Action<EngramClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<EngramClientOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        var builder = services.AddHttpClient<EngramClient>();
        services.TryAddTransient<IMemory>(sp => sp.GetRequiredService<EngramClient>());
        return builder;
    }
}
