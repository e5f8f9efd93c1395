// Engram's Mem0-compatible REST server. Program only composes; see EngramServerBuilderExtensions.
// `engram serve` hosts the same application through AddEngramServer/MapEngramServer.
var builder = WebApplication.CreateBuilder(args);
builder.AddEngramServer();

var app = builder.Build();
app.MapEngramServer();
await app.RunAsync();

/// <summary>The server's entry point, public so that tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
