using System.Text.Json.Serialization;

namespace Engram.Postgres;

/// <summary>Source-generated JSON for the store's own columns (string arrays).</summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
