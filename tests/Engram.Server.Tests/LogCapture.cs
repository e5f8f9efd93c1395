using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Engram.Server.Tests;

/// <summary>Keeps every log entry: its level, its formatted message and each structured value.</summary>
internal sealed class LogCapture : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" | ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        Entries.Enqueue($"[{logLevel}] {formatter(state, exception)} {values} {exception}");
    }

    public void Dispose()
    {
    }
}

/// <summary>A server whose every log entry, Trace and up, goes to a <see cref="LogCapture"/>.</summary>
internal sealed class LoggingServerFactory(LogCapture logs, bool sensitive) : EngramServerFactory(new()
{
    ["Engram:EnableSensitiveDataLogging"] = sensitive ? "true" : "false",
})
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true).AddProvider(logs));
    }
}
