using System.Text.Json;

namespace Engram.Cli.Commands;

/// <summary>Parses the JSON values of <c>--metadata</c> and <c>--filters</c>.</summary>
internal static class CliJson
{
    /// <summary>Parses <c>--metadata</c>.</summary>
    /// <param name="json">The JSON object text, or <see langword="null"/>.</param>
    /// <returns>The metadata, or <see langword="null"/> when not given.</returns>
    /// <exception cref="MemoryValidationException">The text is not a JSON object.</exception>
    public static IReadOnlyDictionary<string, JsonElement>? ParseMetadata(string? json) =>
        json is null ? null : MemoryMetadata.Parse(json);

    /// <summary>Parses <c>--filters</c> (Mem0's filter language).</summary>
    /// <param name="json">The JSON object text, or <see langword="null"/>.</param>
    /// <returns>The filter, or <see langword="null"/> when not given.</returns>
    /// <exception cref="MemoryValidationException">The JSON is malformed or uses an unknown operator.</exception>
    public static MemoryFilter? ParseFilter(string? json) =>
        json is null ? null : MemoryFilter.Parse(json);
}
