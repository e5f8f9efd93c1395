using System.Text.Json;

namespace Engram.Server;

/// <summary>
/// An add request after validation, as persisted in its event's payload: what the worker replays with
/// <see cref="IMemory.AddAsync"/>. Project settings (custom instructions and categories) are already folded in.
/// </summary>
internal sealed record AddEventPayload
{
    public required IReadOnlyList<AddEventMessage> Messages { get; init; }

    public string? UserId { get; init; }

    public string? AgentId { get; init; }

    public string? AppId { get; init; }

    public string? RunId { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public bool Infer { get; init; } = true;

    public DateTimeOffset? Timestamp { get; init; }

    public DateOnly? ExpirationDate { get; init; }

    public string? CustomInstructions { get; init; }

    public IReadOnlyDictionary<string, string>? CustomCategories { get; init; }

    public string? MemoryType { get; init; }

    /// <summary>Gets a value indicating whether graph relations are extracted (<c>enable_graph</c>).</summary>
    public bool EnableGraph { get; init; }

    /// <summary>Gets a value indicating whether the added memories are immutable (Mem0 <c>immutable</c>).</summary>
    public bool Immutable { get; init; }

    /// <summary>Builds the engine request.</summary>
    /// <param name="eventId">The event the add carries out, or <see langword="null"/> for a synchronous add.</param>
    public AddMemoriesRequest ToRequest(string? eventId) => new()
    {
        Messages = Messages.Select(m => new MemoryMessage { Role = m.Role, Content = m.Content, Name = m.Name }).ToList(),
        Scope = new MemoryScope { UserId = UserId, AgentId = AgentId, AppId = AppId, RunId = RunId },
        Metadata = Metadata,
        Infer = Infer,
        Timestamp = Timestamp,
        ExpirationDate = ExpirationDate,
        CustomInstructions = CustomInstructions,
        CustomCategories = CustomCategories,
        MemoryType = MemoryType,
        EnableGraph = EnableGraph,
        Immutable = Immutable,
        EventId = eventId,
    };
}

/// <summary>One message of an <see cref="AddEventPayload"/>.</summary>
internal sealed record AddEventMessage(string Role, string Content, string? Name);
