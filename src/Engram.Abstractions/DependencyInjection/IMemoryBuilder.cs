using Microsoft.Extensions.DependencyInjection;

namespace Engram;

/// <summary>
/// Returned by <c>services.AddEngram()</c>: chooses components with <c>With…</c> extensions (for example
/// <c>WithSqliteStore</c>) on the host's own service collection (the MCP <c>IMcpServerBuilder</c> shape).
/// </summary>
public interface IMemoryBuilder
{
    /// <summary>Gets the service collection the engine is registered in.</summary>
    IServiceCollection Services { get; }
}
