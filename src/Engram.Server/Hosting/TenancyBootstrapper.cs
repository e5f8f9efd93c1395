using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// On start-up, before requests are served: makes sure the default organization and project exist, registers
/// <c>ENGRAM_API_KEY</c> as a key when it is set and unknown, and otherwise creates and prints the first key once when the
/// store has none.
/// </summary>
internal sealed class TenancyBootstrapper(
    ApiKeyService keys,
    ITenantStore tenants,
    IOptions<EngramServerOptions> serverOptions,
    IOptions<MemoryOptions> memoryOptions,
    ServerConsole console,
    ILogger<TenancyBootstrapper> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = serverOptions.Value;
        var organizationId = options.OrganizationId;
        var projectId = memoryOptions.Value.ProjectId;
        await tenants.EnsureOrganizationAsync(organizationId, organizationId, cancellationToken);
        await tenants.EnsureProjectAsync(organizationId, projectId, projectId, cancellationToken);

        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            if (!ApiKeys.IsWellFormed(options.ApiKey))
            {
                throw new MemoryValidationException(
                    $"{EngramServerOptions.ApiKeyVariable} is not a usable API key: it must be {ApiKeys.MinimumLength} to {ApiKeys.MaximumLength} visible ASCII characters without spaces (for example m0-…).",
                    "api_key");
            }

            // Registered once: a key revoked later is not brought back by the next start.
            if (await keys.FindAsync(options.ApiKey, cancellationToken) is null)
            {
                var issued = await keys.IssueAsync(organizationId, projectId, EngramServerOptions.ApiKeyVariable, options.ApiKey, cancellationToken);
                Log.ApiKeyRegistered(logger, issued.Record.Id, projectId);
            }

            return;
        }

        if ((await keys.ListAsync(cancellationToken)).Count == 0)
        {
            var issued = await keys.IssueAsync(organizationId, projectId, "first key", cancellationToken: cancellationToken);
            await console.Writer.WriteLineAsync(
                $"Created API key {issued.Record.Id} for organization '{organizationId}', project '{projectId}'. It is shown only this once:");
            await console.Writer.WriteLineAsync($"  {issued.Key}");
            await console.Writer.WriteLineAsync("Send it as 'Authorization: Token <key>'. Create more with 'engram keys create'.");
            await console.Writer.FlushAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
