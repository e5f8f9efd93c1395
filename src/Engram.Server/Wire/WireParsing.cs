using System.Globalization;
using System.Text.Json;

namespace Engram.Server;

/// <summary>
/// Converts the loosely typed parts of Mem0 wire requests into domain values. Every failure is a
/// <see cref="MemoryValidationException"/> naming the field, which the server answers with 400.
/// </summary>
internal static class WireParsing
{
    /// <summary>The most entries a batch update or delete accepts (Mem0's limit).</summary>
    public const int MaxBatchSize = 1000;

    private static readonly string[] ScopeKeys = ["user_id", "agent_id", "app_id", "run_id", "session_id", "userId", "agentId", "appId", "runId", "sessionId"];

    /// <summary>
    /// Reads a scope identifier: identifiers are strings, so a number is refused as a boolean is (a number has no one
    /// text form: <c>1e308</c>, <c>1E+308</c> and <c>1.0e308</c> are the same number); absent or null is none.
    /// </summary>
    public static string? ScopeId(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => throw new MemoryValidationException($"{name} must be a string: send \"{value.GetRawText()}\" with quotes if that is the id.", name),
        _ => throw new MemoryValidationException($"{name} must be a string.", name),
    };

    /// <summary>Reads the top-level scope of a request (<c>session_id</c> is accepted for <c>run_id</c>).</summary>
    public static MemoryScope Scope(IScopedRequest request) => new()
    {
        UserId = ScopeId(request.UserId, "user_id"),
        AgentId = ScopeId(request.AgentId, "agent_id"),
        AppId = ScopeId(request.AppId, "app_id"),
        RunId = ScopeId(request.RunId, "run_id") ?? ScopeId(request.SessionId, "session_id"),
    };

    /// <summary>The identifier that means "every value of this kind" in reads and deletes (as in filters: <c>{"user_id": "*"}</c>).</summary>
    public const string Wildcard = "*";

    /// <summary>
    /// Splits a top-level scope (query parameters, legacy bodies) into its plain identifiers and its <c>*</c> wildcards,
    /// which become "has a value of this kind" conditions: <c>?user_id=*</c> means what <c>{"filters": {"user_id": "*"}}</c>
    /// means, every memory that has a user id — one meaning for <c>*</c> on every route.
    /// </summary>
    /// <returns>The scope without wildcards (<see langword="null"/> when nothing is left) and the wildcard conditions, if any.</returns>
    public static (MemoryScope? Scope, MemoryFilter? Wildcards) SplitWildcards(MemoryScope scope)
    {
        var wildcards = new List<MemoryFilter>(4);
        var plain = new MemoryScope
        {
            UserId = Plain(scope.UserId, FilterFieldKind.UserId),
            AgentId = Plain(scope.AgentId, FilterFieldKind.AgentId),
            AppId = Plain(scope.AppId, FilterFieldKind.AppId),
            RunId = Plain(scope.RunId, FilterFieldKind.RunId),
        };
        return (plain.IsEmpty ? null : plain, MemoryFilter.AllOf(wildcards));

        string? Plain(string? value, FilterFieldKind kind)
        {
            if (value?.Trim() == Wildcard)
            {
                wildcards.Add(new ExistsFilter(FilterField.Of(kind)));
                return null;
            }

            return value;
        }
    }

    /// <summary>Refuses <c>*</c> where an identifier names one entity (an add, an entity deletion): there it would mean everything.</summary>
    public static string? NotWildcard(string? value, string name) => value?.Trim() == Wildcard
        ? throw new MemoryValidationException(
            $"{name} cannot be '*': '*' means every {name} in reads and deletes (DELETE /v1/memories/?{name}=* deletes them all), so it cannot name one.", name)
        : value;

    /// <summary>Mem0 Platform rejects scope ids at the top level of search and list: they belong in <c>filters</c>.</summary>
    public static void RejectTopLevelScope(IScopedRequest request, string operation)
    {
        var present = new List<string>(4);
        AddIfPresent(request.UserId, "user_id");
        AddIfPresent(request.AgentId, "agent_id");
        AddIfPresent(request.AppId, "app_id");
        AddIfPresent(request.RunId, "run_id");
        AddIfPresent(request.SessionId, "session_id");
        if (present.Count > 0)
        {
            throw new MemoryValidationException(
                $"Top-level entity parameters [{string.Join(", ", present)}] are not supported in {operation}; put them inside filters, for example {{\"filters\": {{\"user_id\": \"alice\"}}}}.",
                present[0]);
        }

        void AddIfPresent(JsonElement value, string name)
        {
            if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                present.Add(name);
            }
        }
    }

    /// <summary>Reads <c>filters</c>: a JSON object in Mem0's filter language, or nothing.</summary>
    public static MemoryFilter? Filters(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Object => ParseFilterObject(value),
        _ => throw new MemoryValidationException("filters must be a JSON object, for example {\"user_id\": \"alice\"}.", "filters"),
    };

    // System.Text.Json throws InvalidOperationException for a string holding an escaped lone surrogate ("\ud800").
    private static MemoryFilter ParseFilterObject(JsonElement value)
    {
        try
        {
            return CanonicalIds(MemoryFilter.Parse(value));
        }
        catch (InvalidOperationException ex)
        {
            throw new MemoryValidationException($"filters hold a string that is not valid UTF-16: {ex.Message}", "filters");
        }
    }

    /// <summary>Memory ids in filters (<c>id</c>, <c>memory_id</c>) follow the routes' rule: a UUID in any form is its canonical form.</summary>
    private static MemoryFilter CanonicalIds(MemoryFilter filter) => filter switch
    {
        AndFilter and => new AndFilter(and.Filters.Select(CanonicalIds).ToList()),
        OrFilter or => new OrFilter(or.Filters.Select(CanonicalIds).ToList()),
        NotFilter not => new NotFilter(not.Filters.Select(CanonicalIds).ToList()),
        ComparisonFilter { Field.Kind: FilterFieldKind.Id, Operator: FilterOperator.Eq or FilterOperator.Ne or FilterOperator.In or FilterOperator.Nin } id => id with { Value = CanonicalIds(id.Value) },
        _ => filter,
    };

    private static JsonElement CanonicalIds(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when UuidIdentifiers.TryNormalize(value.GetString(), out var canonical) => JsonSerializer.SerializeToElement(canonical, ServerJsonContext.Default.String),
        JsonValueKind.Array => JsonSerializer.SerializeToElement(
            value.EnumerateArray().Select(item => CanonicalIds(item)).ToList(), ServerJsonContext.Default.ListJsonElement),
        _ => value,
    };

    /// <summary>Reads the scope ids that an add request carries inside <c>filters</c> (the Python client may put them there).</summary>
    public static MemoryScope ScopeFromFilters(JsonElement filters)
    {
        if (filters.ValueKind != JsonValueKind.Object)
        {
            return filters.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? new MemoryScope()
                : throw new MemoryValidationException("filters must be a JSON object.", "filters");
        }

        string? user = null, agent = null, app = null, run = null;
        foreach (var property in filters.EnumerateObject())
        {
            switch (property.Name)
            {
                case "user_id" or "userId":
                    user = ScopeId(property.Value, "user_id");
                    break;
                case "agent_id" or "agentId":
                    agent = ScopeId(property.Value, "agent_id");
                    break;
                case "app_id" or "appId":
                    app = ScopeId(property.Value, "app_id");
                    break;
                case "run_id" or "runId" or "session_id" or "sessionId":
                    run = ScopeId(property.Value, "run_id");
                    break;
            }
        }

        return new MemoryScope { UserId = user, AgentId = agent, AppId = app, RunId = run };
    }

    /// <summary>Reads metadata: a JSON object, or nothing.</summary>
    public static IReadOnlyDictionary<string, JsonElement>? Metadata(JsonElement value) =>
        value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : MemoryMetadata.FromJsonElement(value);

    /// <summary>
    /// Reads <c>messages</c> as Mem0 accepts them: a string (one user message), one message object, or a list of message
    /// objects <c>{role, content, name?}</c>. Every message must carry text — a string, a <c>{"text": …}</c> part, or a
    /// list of content parts (OpenAI's form, whose text parts are joined by new lines) — so that an add never answers
    /// success having stored nothing: a message whose content is absent, null, blank, a number, or parts without text (an
    /// image alone) is a 400 naming <c>messages[i].content</c>.
    /// </summary>
    public static IReadOnlyList<AddEventMessage> Messages(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return string.IsNullOrWhiteSpace(value.GetString())
                    ? throw new MemoryValidationException("messages cannot be empty: give the text to remember.", "messages")
                    : [new AddEventMessage(MemoryRoles.User, value.GetString()!, null)];
            case JsonValueKind.Object:
                return [Message(value, 0, "messages")];
            case JsonValueKind.Array:
                var result = new List<AddEventMessage>(value.GetArrayLength());
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        throw new MemoryValidationException($"messages[{index}] must be an object {{\"role\", \"content\"}}.", $"messages[{index}]");
                    }

                    result.Add(Message(item, index, $"messages[{index}]"));
                    index++;
                }

                if (result.Count == 0)
                {
                    throw new MemoryValidationException("messages cannot be empty.", "messages");
                }

                return result;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                throw new MemoryValidationException("messages are required: a string, one message or a list of messages.", "messages");
            default:
                throw new MemoryValidationException("messages must be a string, a message object or a list of message objects.", "messages");
        }
    }

    private static AddEventMessage Message(JsonElement message, int index, string path)
    {
        string? role = null, content = null, name = null;
        var contentKind = JsonValueKind.Undefined;
        foreach (var property in message.EnumerateObject())
        {
            switch (property.Name)
            {
                case "role":
                    role = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw new MemoryValidationException($"{path}.role must be a string.", $"{path}.role");
                    break;
                case "content":
                    contentKind = property.Value.ValueKind;
                    content = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Object => PartText(property.Value),
                        JsonValueKind.Array => string.Join('\n', property.Value.EnumerateArray().Select(PartText).Where(t => !string.IsNullOrWhiteSpace(t))),
                        _ => null,
                    };
                    break;
                case "name":
                    name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(role))
        {
            throw new MemoryValidationException($"{path} needs a role (user, assistant or system).", $"{path}.role");
        }

        if (string.IsNullOrWhiteSpace(content))
        {
            var what = contentKind switch
            {
                JsonValueKind.Undefined => "has no content",
                JsonValueKind.Null => "has a null content",
                JsonValueKind.String => "has an empty content",
                JsonValueKind.Object or JsonValueKind.Array => "has no text in its content (only text is stored; images and other parts are not)",
                _ => "has a content that is not text",
            };
            throw new MemoryValidationException(
                $"messages[{index}] {what}: nothing would be stored. Give each message its text as a string (or text parts); leave out messages without text.",
                $"{path}.content");
        }

        return new AddEventMessage(role, content, name);
    }

    // A content part: {"type": "text", "text": "…"} (or any object with a text string), or a bare string in a list.
    private static string? PartText(JsonElement part) => part.ValueKind switch
    {
        JsonValueKind.String => part.GetString(),
        JsonValueKind.Object when part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => text.GetString(),
        _ => null,
    };

    /// <summary>
    /// Epoch values above this are milliseconds (JavaScript's <c>Date.now()</c>), below it seconds (Mem0's <c>timestamp</c>):
    /// 10^11 seconds is the year 5138, 10^11 milliseconds March 1973.
    /// </summary>
    public const double EpochMillisecondsThreshold = 1e11;

    /// <summary>
    /// Reads a point in time: epoch seconds (Mem0's <c>timestamp</c>), epoch milliseconds (a value above
    /// <see cref="EpochMillisecondsThreshold"/>), either as a JSON number or a numeric string, an ISO-8601 date or date-time
    /// string (UTC when no offset is given), or nothing.
    /// </summary>
    public static DateTimeOffset? Timestamp(JsonElement value, string name)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when value.TryGetDouble(out var number) && FromEpoch(number) is { } fromNumber:
                return fromNumber;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var number):
                return FromEpoch(number) ?? throw OutOfRange();
            case JsonValueKind.String when DateTimeOffset.TryParse(
                value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed):
                return parsed;
            case JsonValueKind.Number:
                throw OutOfRange();
            default:
                throw new MemoryValidationException($"{name} must be epoch seconds or milliseconds (a number or numeric string) or an ISO-8601 date-time.", name);
        }

        MemoryValidationException OutOfRange() =>
            new($"{name} is out of range: epoch seconds or milliseconds between the years 1 and 9999.", name);
    }

    // DateTimeOffset's range in epoch milliseconds: 0001-01-01 to 9999-12-31.
    private static DateTimeOffset? FromEpoch(double value)
    {
        var milliseconds = Math.Abs(value) > EpochMillisecondsThreshold ? value : value * 1000;
        return double.IsFinite(milliseconds) && milliseconds >= -62135596800000 && milliseconds <= 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(milliseconds))
            : null;
    }

    /// <summary>Reads a date: <c>YYYY-MM-DD</c> (an ISO date-time is cut to its date), or nothing.</summary>
    public static DateOnly? Date(JsonElement value, string name)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return date;
                }

                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dateTime))
                {
                    return DateOnly.FromDateTime(dateTime.UtcDateTime);
                }

                break;
        }

        throw new MemoryValidationException($"{name} must be a date in the form YYYY-MM-DD.", name);
    }

    /// <summary>Reads <c>custom_categories</c>: Mem0's list of one-entry objects <c>[{"name": "description"}]</c>, or one object.</summary>
    public static IReadOnlyDictionary<string, string>? Categories(JsonElement value, string name = "custom_categories")
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Object:
                var fromObject = new Dictionary<string, string>(StringComparer.Ordinal);
                AddCategories(value, fromObject, name);
                return fromObject;
            case JsonValueKind.Array:
                var fromList = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                    {
                        fromList[item.GetString()!] = string.Empty;
                    }
                    else if (item.ValueKind == JsonValueKind.Object)
                    {
                        AddCategories(item, fromList, name);
                    }
                    else
                    {
                        throw new MemoryValidationException($"{name} must be a list of {{\"name\": \"description\"}} objects.", name);
                    }
                }

                return fromList;
            default:
                throw new MemoryValidationException($"{name} must be a list of {{\"name\": \"description\"}} objects.", name);
        }
    }

    private static void AddCategories(JsonElement item, Dictionary<string, string> target, string name)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (string.IsNullOrWhiteSpace(property.Name) || property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw new MemoryValidationException($"{name} entries map a category name to a text description.", name);
            }

            target[property.Name] = property.Value.GetString() ?? string.Empty;
        }
    }

    /// <summary>
    /// Reads an instruction of Mem0's add (<c>includes</c>, <c>excludes</c>): a string, or a list of strings joined by
    /// <c>"; "</c>; <see langword="null"/> when absent or blank.
    /// </summary>
    public static string? InstructionText(JsonElement value, string name)
    {
        var text = value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : Strings(value, name) is { } parts ? string.Join("; ", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim())) : null;
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>Reads a list of strings (for example <c>categories</c> in search), or nothing.</summary>
    public static IReadOnlyList<string>? Strings(JsonElement value, string name)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            case JsonValueKind.Array:
                var result = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    result.Add(item.ValueKind == JsonValueKind.String
                        ? item.GetString()!
                        : throw new MemoryValidationException($"{name} must be a list of strings.", name));
                }

                return result;
            default:
                throw new MemoryValidationException($"{name} must be a list of strings.", name);
        }
    }

    /// <summary>
    /// Reads a memory id: a UUID in any form <see cref="Guid.TryParse(string, out Guid)"/> accepts, returned in its canonical
    /// lower-case form (the one rule for every route, <see cref="UuidIdentifiers"/>); anything else is a 400, as in Mem0
    /// (<c>memory_id should be a valid UUID</c>).
    /// </summary>
    public static string MemoryId(string? memoryId, string name = "memory_id") => Uuid(memoryId, name);

    /// <summary>Reads an id that is a UUID (memory, event, export) into its canonical form, or refuses it naming <paramref name="name"/>.</summary>
    public static string Uuid(string? value, string name) =>
        UuidIdentifiers.TryNormalize(value, out var canonical)
            ? canonical
            : throw new MemoryValidationException($"{name} should be a valid UUID.", name);

    /// <summary>
    /// Reads an integer query parameter (bound as text, so that a value that is not a number is a 400 naming the
    /// parameter rather than ASCII-only binding's anonymous 400); absent or empty is none.
    /// </summary>
    public static int? QueryInt(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
        : throw new MemoryValidationException($"{name} must be a whole number between {int.MinValue} and {int.MaxValue}, not '{Shorten(value)}'.", name);

    /// <summary>Reads a boolean query parameter: <c>true</c>/<c>false</c> in any case (Python clients send <c>True</c>); absent or empty is none.</summary>
    public static bool? QueryBool(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : bool.TryParse(value.Trim(), out var flag) ? flag
        : throw new MemoryValidationException($"{name} must be true or false, not '{Shorten(value)}'.", name);

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;

    /// <summary>Whether an object's keys include a scope id (used to require ≥1 entity id in filters).</summary>
    public static bool IsScopeKey(string key) => Array.IndexOf(ScopeKeys, key) >= 0;

    /// <summary>Serializes a JSON element to compact text.</summary>
    public static string ToJson(JsonElement value) =>
        value.ValueKind is JsonValueKind.Undefined ? "null" : JsonSerializer.Serialize(value, ServerJsonContext.Default.JsonElement);
}
