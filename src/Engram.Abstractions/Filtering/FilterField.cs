namespace Engram;

/// <summary>A field a filter can test: a built-in memory field or a metadata key.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct FilterField
{
    private FilterField(FilterFieldKind kind, string? metadataKey)
    {
        Kind = kind;
        MetadataKey = metadataKey;
    }

    /// <summary>Gets which field is tested.</summary>
    public FilterFieldKind Kind { get; }

    /// <summary>Gets the metadata key when <see cref="Kind"/> is <see cref="FilterFieldKind.Metadata"/>.</summary>
    public string? MetadataKey { get; }

    /// <summary>Gets a value indicating whether the field is one of the scope identifiers.</summary>
    public bool IsScope => Kind is FilterFieldKind.UserId or FilterFieldKind.AgentId or FilterFieldKind.AppId or FilterFieldKind.RunId;

    /// <summary>Creates a built-in field.</summary>
    /// <param name="kind">The field; not <see cref="FilterFieldKind.Metadata"/>.</param>
    /// <returns>The field.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is <see cref="FilterFieldKind.Metadata"/>.</exception>
    public static FilterField Of(FilterFieldKind kind) => kind == FilterFieldKind.Metadata
        ? throw new ArgumentException("Use FilterField.Metadata(key) for metadata fields.", nameof(kind))
        : new FilterField(kind, null);

    /// <summary>Creates a metadata field.</summary>
    /// <param name="key">The metadata key; not blank, without <c>"</c> or control characters.</param>
    /// <returns>The field.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or contains a double quote.</exception>
    public static FilterField Metadata(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!IsValidMetadataKey(key))
        {
            throw new ArgumentException(MetadataKeyRule, nameof(key));
        }

        return new FilterField(FilterFieldKind.Metadata, key);
    }

    /// <summary>What a metadata key in a filter must be; the stores build JSON paths from it.</summary>
    internal const string MetadataKeyRule = "metadata keys in filters must be non-empty and cannot contain '\"' or control characters.";

    /// <summary>Whether a metadata key can be used in a filter: not blank, no <c>"</c>, no control characters (a NUL in a
    /// JSON path is an error in SQLite).</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key is usable.</returns>
    internal static bool IsValidMetadataKey(string key) =>
        !string.IsNullOrWhiteSpace(key) && !key.Contains('"', StringComparison.Ordinal) && !key.Any(char.IsControl);

    /// <inheritdoc/>
    public override string ToString() => Kind == FilterFieldKind.Metadata ? $"metadata.{MetadataKey}" : FilterFieldNames.ToName(Kind);
}
