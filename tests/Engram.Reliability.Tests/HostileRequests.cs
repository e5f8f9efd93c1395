using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Engram.Reliability.Tests;

/// <summary>Combinators the fluent API lacks as extensions.</summary>
internal static class GenSequence
{
    /// <summary>One value of each generator, in order.</summary>
    public static Gen<List<T>> All<T>(this IEnumerable<Gen<T>> generators) => Gen.CollectToList(generators).Select(list => list.ToList());
}

/// <summary>What a generated value stands for: decides its well-formed values (hostile ones are shared by every kind).</summary>
internal enum FieldKind
{
    Text,
    Int,
    Number,
    Bool,
    ScopeId,
    Messages,
    Filters,
    Metadata,
    Date,
    StringList,
    CustomCategories,
    BatchItems,
    MemoryId,
    EventId,
    ExportId,
    WebhookId,
    EntityType,
    Project,
    Organization,
    FeedbackValue,
    Schema,
    Url,
    Settings,
    Any,
}

/// <summary>One operation of the server, read from its OpenAPI document (or added for the routes it does not describe).</summary>
internal sealed record RouteOperation(string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<(string Name, FieldKind Kind)> Query, IReadOnlyList<(string Name, FieldKind Kind)>? Body)
{
    public string Key => $"{Method} {Template}";
}

/// <summary>How a generated request authenticates.</summary>
internal enum AuthMode
{
    Token,
    Bearer,
    ApiKeyHeader,
    None,
    WrongKey,
    SchemeOnly,
    RevokedKey,
    OverlongKey,
}

/// <summary>A generated request; <see cref="Body"/> is sent as is (it may be invalid UTF-8 or not JSON at all).</summary>
internal sealed record HostileRequest(string Route, string Method, string Path, byte[] Body, string? ContentType, AuthMode Auth, bool AcceptsMcp)
{
    public HttpRequestMessage ToMessage(string key, string revokedKey)
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body.Length > 0 || Method is "POST" or "PUT" or "PATCH")
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        switch (Auth)
        {
            case AuthMode.Token:
                message.Headers.TryAddWithoutValidation("Authorization", "Token " + key);
                break;
            case AuthMode.Bearer:
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
                break;
            case AuthMode.ApiKeyHeader:
                message.Headers.TryAddWithoutValidation("X-API-Key", key);
                break;
            case AuthMode.WrongKey:
                message.Headers.TryAddWithoutValidation("Authorization", "Token " + key[..^1] + (key[^1] == 'x' ? 'y' : 'x'));
                break;
            case AuthMode.SchemeOnly:
                message.Headers.TryAddWithoutValidation("Authorization", "Token");
                break;
            case AuthMode.RevokedKey:
                message.Headers.TryAddWithoutValidation("Authorization", "Token " + revokedKey);
                break;
            case AuthMode.OverlongKey:
                message.Headers.TryAddWithoutValidation("Authorization", "Token m0-" + new string('k', 4000));
                break;
        }

        if (AcceptsMcp)
        {
            message.Headers.Accept.ParseAdd("application/json");
            message.Headers.Accept.ParseAdd("text/event-stream");
        }

        return message;
    }

    public bool IsAuthenticated => Auth is AuthMode.Token or AuthMode.Bearer or AuthMode.ApiKeyHeader;

    public override string ToString()
    {
        var body = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 160));
        return $"{Method} {(Path.Length > 140 ? Path[..140] + "…" : Path)} [{Auth}, {ContentType}, {Body.Length} bytes: {body}]";
    }
}

/// <summary>The server's state a generator may point at: real ids, so that well-formed requests reach past validation.</summary>
internal sealed record FuzzFixtures(IReadOnlyList<string> MemoryIds, IReadOnlyList<string> EventIds, IReadOnlyList<string> ExportIds, IReadOnlyList<string> WebhookIds, IReadOnlyList<string> UserIds);

/// <summary>
/// FsCheck generators of hostile requests for every route: for each field, well-formed values of its kind mixed with
/// wrong types, boundary numbers, invalid Unicode (escaped lone surrogates) and invalid UTF-8 bytes, deep and wide
/// JSON, huge strings and lists, injection-like strings and bad ids; bad authentication; wrong content types.
/// </summary>
internal sealed class HostileRequests(FuzzFixtures fixtures, IReadOnlyList<(string Name, IReadOnlyList<(string Name, FieldKind Kind)> Arguments)> mcpTools)
{
    /// <summary>Replaced, in the encoded body, by one of <see cref="InvalidUtf8"/>.</summary>
    public const string BadUtf8Marker = "@@BADUTF8@@";

    public static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFE, 0xFF],
    ];

    public static readonly string[] InjectionStrings =
    [
        "' OR 1=1 --", "\"; DROP TABLE memories; --", "') UNION SELECT key_hash FROM api_keys --", "%", "_", "*", "\\", "../../../etc/passwd",
        "..%2F..%2Fengram.db", "%2e%2e%2f%2e%2e%2f", "\0", "\u202Eevil", "\u200B\u200D", "\uFEFF", "😀👩‍👩‍👧", "é", "ﬁ", "İ", "$where",
        "metadata.x'); --", "json_extract(memory,'$')", "<script>alert(1)</script>", "${jndi:ldap://x}", "NaN", "-0", "1e999", "$.a[*]",
        "{{7*7}}", "%00", "\r\nX-Injected: 1", "\t", " ", "", "null", "true", "AND", "$or",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9007199254740993", "1e308", "-1e308", "1e309", "0.5", "1e-400",
        "123456789012345678901234567890", "3.4028235e38", "-9223372036854775809", "18446744073709551616",
    ];

    private static readonly string[] FilterFields =
    [
        "user_id", "agent_id", "app_id", "run_id", "session_id", "userId", "id", "memory_id", "memory", "hash", "categories", "created_at",
        "updated_at", "observed_at", "expiration_date", "role", "actor_id", "topic", "level", "tags", "metadata",
    ];

    private static readonly string[] FilterOperators = ["eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "contains", "icontains", "$eq", "$in", "$where", "like", "' OR '1'='1"];

    /// <summary>Kinds of request body fields, by name; a body field the map lacks fails the test (classify it).</summary>
    public static readonly Dictionary<string, FieldKind> FieldKinds = new(StringComparer.Ordinal)
    {
        ["messages"] = FieldKind.Messages, ["user_id"] = FieldKind.ScopeId, ["agent_id"] = FieldKind.ScopeId, ["app_id"] = FieldKind.ScopeId,
        ["run_id"] = FieldKind.ScopeId, ["session_id"] = FieldKind.ScopeId, ["filters"] = FieldKind.Filters, ["metadata"] = FieldKind.Metadata,
        ["infer"] = FieldKind.Bool, ["custom_categories"] = FieldKind.CustomCategories, ["custom_instructions"] = FieldKind.Text,
        ["timestamp"] = FieldKind.Date, ["observation_date"] = FieldKind.Date, ["observation_datetime"] = FieldKind.Date,
        ["expiration_date"] = FieldKind.Date, ["memory_type"] = FieldKind.Text, ["async_mode"] = FieldKind.Bool, ["output_format"] = FieldKind.Text,
        ["enable_graph"] = FieldKind.Bool, ["immutable"] = FieldKind.Bool, ["includes"] = FieldKind.Text, ["excludes"] = FieldKind.Text,
        ["agent_custom_instructions"] = FieldKind.Text, ["structured_data_schema"] = FieldKind.Schema, ["keyword_search"] = FieldKind.Bool,
        ["query"] = FieldKind.Text, ["top_k"] = FieldKind.Int, ["threshold"] = FieldKind.Number,
        ["rerank"] = FieldKind.Bool, ["show_expired"] = FieldKind.Bool, ["latest_only"] = FieldKind.Bool, ["reference_date"] = FieldKind.Date,
        ["categories"] = FieldKind.StringList, ["explain"] = FieldKind.Bool, ["page"] = FieldKind.Int, ["page_size"] = FieldKind.Int,
        ["start_date"] = FieldKind.Date, ["end_date"] = FieldKind.Date, ["keywords"] = FieldKind.Text, ["text"] = FieldKind.Text,
        ["data"] = FieldKind.Text, ["memories"] = FieldKind.BatchItems, ["memory_id"] = FieldKind.MemoryId, ["feedback"] = FieldKind.FeedbackValue,
        ["feedback_reason"] = FieldKind.Text, ["schema"] = FieldKind.Schema, ["export_instructions"] = FieldKind.Text,
        ["memory_export_id"] = FieldKind.ExportId, ["name"] = FieldKind.Text, ["url"] = FieldKind.Url, ["event_types"] = FieldKind.StringList,
        ["is_active"] = FieldKind.Bool, ["limit"] = FieldKind.Int, ["entity"] = FieldKind.Text, ["include_invalidated"] = FieldKind.Bool,
        ["embeddings"] = FieldKind.Bool, ["fields"] = FieldKind.StringList, ["memoryId"] = FieldKind.MemoryId, ["eventId"] = FieldKind.EventId,
        ["webhookId"] = FieldKind.WebhookId, ["entityType"] = FieldKind.EntityType, ["entityId"] = FieldKind.ScopeId,
        ["projectId"] = FieldKind.Project, ["orgId"] = FieldKind.Organization,
    };

    /// <summary>A request for one of <paramref name="operations"/>.</summary>
    public Gen<HostileRequest> Request(IReadOnlyList<RouteOperation> operations) =>
        from operation in Gen.Elements(operations.ToArray())
        from request in For(operation)
        select request;

    /// <summary>A request for <paramref name="operation"/>.</summary>
    public Gen<HostileRequest> For(RouteOperation operation) =>
        from path in PathFor(operation)
        from query in QueryFor(operation.Query)
        from body in BodyFor(operation)
        from badUtf8 in Gen.Choose(0, InvalidUtf8.Length - 1)
        from contentType in Gen.Frequency(
            (20, Gen.Constant<string?>("application/json")),
            (1, Gen.Constant<string?>("text/plain")),
            (1, Gen.Constant<string?>("application/x-www-form-urlencoded")),
            (1, Gen.Constant<string?>(null)),
            (1, Gen.Constant<string?>("application/json; charset=iso-8859-1")))
        from auth in Gen.Frequency(
            (40, Gen.Constant(AuthMode.Token)),
            (2, Gen.Constant(AuthMode.Bearer)),
            (2, Gen.Constant(AuthMode.ApiKeyHeader)),
            (1, Gen.Elements(AuthMode.None, AuthMode.WrongKey, AuthMode.SchemeOnly, AuthMode.RevokedKey, AuthMode.OverlongKey)))
        from acceptsMcp in Gen.Frequency((12, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new HostileRequest(
            operation.Key,
            operation.Method,
            path + query,
            Encode(body, InvalidUtf8[badUtf8]),
            operation.Method is "GET" or "DELETE" && body.Length == 0 ? null : contentType,
            auth,
            operation.Template == "/mcp" && acceptsMcp);

    /// <summary>UTF-8 of <paramref name="body"/>, with every <see cref="BadUtf8Marker"/> replaced by <paramref name="invalid"/>.</summary>
    public static byte[] Encode(string body, byte[] invalid)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var marker = Encoding.UTF8.GetBytes(BadUtf8Marker);
        if (bytes.AsSpan().IndexOf(marker) < 0)
        {
            return bytes;
        }

        var result = new List<byte>(bytes.Length);
        var rest = bytes.AsSpan();
        int at;
        while ((at = rest.IndexOf(marker)) >= 0)
        {
            result.AddRange(rest[..at]);
            result.AddRange(invalid);
            rest = rest[(at + marker.Length)..];
        }

        result.AddRange(rest);
        return [.. result];
    }

    private Gen<string> PathFor(RouteOperation operation)
    {
        if (operation.PathParameters.Count == 0)
        {
            return Gen.Constant(operation.Template);
        }

        return operation.PathParameters
            .Select(name => PathValue(FieldKinds.GetValueOrDefault(name, FieldKind.Text)).Select(value => (name, value)))
            .All()
            .Select(values => values.Aggregate(operation.Template, (path, p) => path.Replace("{" + p.name + "}", p.value, StringComparison.Ordinal)));
    }

    // A path segment: a well-formed value escaped, or hostile text escaped (or, sometimes, left raw: traversal, percent escapes).
    private Gen<string> PathValue(FieldKind kind) => Gen.Frequency(
        (6, PlainValue(kind).Select(v => v.Length == 0 ? "x" : Uri.EscapeDataString(v))),
        (2, Gen.Elements(InjectionStrings).Select(s => s.Length == 0 ? "%20" : Uri.EscapeDataString(s))),
        (1, Gen.Elements("..", "..%2F..", "%2e%2e", "%FF", "%ED%A0%80", "%C0%AF", "%00", "%0A", "%7F", "a%2Fb", "%25", "~", "%E2%80%AE")),
        (1, Gen.Choose(1, 9_000).Select(n => new string('a', n))));

    private Gen<string> QueryFor(IReadOnlyList<(string Name, FieldKind Kind)> parameters)
    {
        if (parameters.Count == 0)
        {
            return Gen.Frequency((8, Gen.Constant(string.Empty)), (1, Gen.Elements("?x=1", "?=&&=", "?%FF=%FE", "?a=%ZZ", "?page=1&page=2")));
        }

        return Gen.SubListOf(parameters.ToArray())
            .SelectMany(chosen => chosen.Select(p => QueryValue(p.Kind).Select(v => $"{Uri.EscapeDataString(p.Name)}={v}")).All())
            .Select(pairs => pairs.Count == 0 ? string.Empty : "?" + string.Join('&', pairs));
    }

    private Gen<string> QueryValue(FieldKind kind) => Gen.Frequency(
        (6, PlainValue(kind).Select(Uri.EscapeDataString)),
        (2, Gen.Elements(InjectionStrings).Select(Uri.EscapeDataString)),
        (1, Gen.Elements(Numbers)),
        (1, Gen.Elements("%FF", "%ED%A0%80", "%C0%AF", "%F8%88%80%80%80", "%00", "%", "%2", "*", "true", "maybe", "[1]", "%7B%22a%22%3A1%7D")),
        (1, Gen.Choose(1, 6_000).Select(n => new string('q', n))));

    private Gen<string> BodyFor(RouteOperation operation)
    {
        Gen<string> wellFormedOrHostile = operation.Template switch
        {
            "/mcp" => McpMessage(),
            "/v1/imports/" => ImportBody(),
            _ when operation.Body is { Count: > 0 } fields => ObjectOf(fields),
            _ when operation.Body is { Count: 0 } => Value(FieldKind.Settings),
            _ => Gen.Frequency((6, Gen.Constant(string.Empty)), (1, Value(FieldKind.Any))),
        };
        return Gen.Frequency(
            (10, wellFormedOrHostile),
            (1, HostileDocument()));
    }

    // An object of some of the route's fields (well-formed or hostile values), sometimes with an unknown or duplicated key.
    private Gen<string> ObjectOf(IReadOnlyList<(string Name, FieldKind Kind)> fields) =>
        from chosen in Gen.SubListOf(fields.ToArray())
        from values in chosen.Select(f => Value(f.Kind).Select(v => JsonSerializer.Serialize(f.Name) + ":" + v)).All()
        from extra in Gen.Frequency(
            (8, Gen.Constant(string.Empty)),
            (1, Value(FieldKind.Any).Select(v => "\"unknown_field\":" + v)),
            (1, Gen.Elements(fields.ToArray()).SelectMany(f => Value(f.Kind).Select(v => JsonSerializer.Serialize(f.Name) + ":" + v))))
        select "{" + string.Join(',', extra.Length == 0 ? values : [.. values, extra]) + "}";

    /// <summary>A JSON value for a field of <paramref name="kind"/>: usually well-formed, otherwise hostile.</summary>
    public Gen<string> Value(FieldKind kind) => Gen.Frequency(
        (5, WellFormed(kind)),
        (2, HostileValue()));

    private static Gen<string> HostileValue() => Gen.Frequency(
        (4, Gen.Elements("null", "true", "false", "[]", "{}", "[null]", "[1,2]", "\"\"", "{\"role\":1}", "[{}]", "\"2020-13-45\"")),
        (3, Gen.Elements(Numbers)),
        (4, Gen.Elements(InjectionStrings).Select(Json)),
        (2, Gen.Elements("\"\\ud800\"", "\"a\\udfffb\"", "\"\\ud83d\"", "\"\\udc00\\ud800\"", "\"ok \\ud83d\\ude00\"", "\"\\u0000\"", "\"\\u001f\"")),
        (2, Gen.Constant("\"x" + BadUtf8Marker + "y\"")),
        (1, Gen.Choose(20, 3_000).SelectMany(depth => Gen.Elements("[", "{\"a\":").Select(open => Nest(open, depth)))),
        (1, Gen.Choose(100, 20_000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => (i % 3).ToString(CultureInfo.InvariantCulture))) + "]")),
        (1, Gen.Choose(100, 5_000).Select(n => "{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"k{i}\":{i}")) + "}")),
        (1, Gen.Choose(1_000, 200_000).Select(n => "\"" + new string('x', n) + "\"")),
        (2, ArbMap.Default.GeneratorFor<string>().Select(s => Json(s ?? string.Empty))));

    private static string Nest(string open, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + (open == "[" ? string.Empty : "1") + new string(open == "[" ? ']' : '}', depth);

    // A body that is not one JSON object of fields: malformed, empty, a bare value, deep, or invalid bytes.
    private static Gen<string> HostileDocument() => Gen.OneOf(
        Gen.Elements("{", "[", "{\"messages\":", "{\"a\":1,}", "nul", "{'single':1}", "\"unterminated", "{}}", "", "[]", "\"text\"", "42", "null", "{\"a\":1}{\"b\":2}"),
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty),
        Gen.Constant("{\"query\":\"" + BadUtf8Marker + "\"}"),
        Gen.Constant(BadUtf8Marker),
        Gen.Choose(50, 3_000).Select(depth => Nest("{\"filters\":", depth)));

    /// <summary>A well-formed value of a kind (text to be escaped for paths and queries).</summary>
    private Gen<string> PlainValue(FieldKind kind) => kind switch
    {
        FieldKind.Int => Gen.Elements("1", "2", "10", "50", "200", "0", "-1", "abc", "2147483648", ""),
        FieldKind.Bool => Gen.Elements("true", "false", "True", "1", "yes"),
        FieldKind.ScopeId => Gen.Elements(fixtures.UserIds.Concat(["*", "fuzz-other", "ana"]).ToArray()),
        FieldKind.MemoryId => Ids(fixtures.MemoryIds),
        FieldKind.EventId => Ids(fixtures.EventIds),
        FieldKind.ExportId => Ids(fixtures.ExportIds),
        FieldKind.WebhookId => Gen.Elements(fixtures.WebhookIds.Concat(["0", "-1", "99999999999999999999", "1.5"]).ToArray()),
        FieldKind.EntityType => Gen.Elements("user", "agent", "app", "run", "USER", "users", "session", "x"),
        FieldKind.Project => Gen.Elements("default", "other", "Default"),
        FieldKind.Organization => Gen.Elements("default", "other"),
        FieldKind.Date => Gen.Elements("2026-01-01", "2026-01-01T10:00:00Z", "1700000000", "2020-13-45", "yesterday"),
        FieldKind.StringList => Gen.Elements("a", "a,b", "work,travel", "memory", "id"),
        _ => Gen.Elements("tea", "I like tea", "Where do I live?", "fuzz", "memory", "travel", "Ana"),
    };

    // An id in its canonical form, another accepted form, an unknown UUID, or not a UUID.
    private static Gen<string> Ids(IReadOnlyList<string> known) => Gen.Frequency(
        (5, known.Count == 0 ? Gen.Constant("00000000-0000-0000-0000-000000000000") : Gen.Elements(known.ToArray())),
        (2, known.Count == 0 ? Gen.Constant("00000000-0000-0000-0000-000000000000")
            : Gen.Elements(known.ToArray()).SelectMany(id => Gen.Elements(id.ToUpperInvariant(), "{" + id + "}", id.Replace("-", "", StringComparison.Ordinal), " " + id + " ", "(" + id + ")"))),
        (1, Gen.Elements("01900000-0000-7000-8000-000000000000", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "01900000-0000-7000-8000-00000000000g")));

    private Gen<string> WellFormed(FieldKind kind) => kind switch
    {
        FieldKind.Int => Gen.Frequency((4, Gen.Elements("1", "2", "5", "10", "50", "100", "200", "0", "-1", "201", "1000")), (1, Gen.Elements("\"3\"", "\"x\"", "1.5"))),
        FieldKind.Number => Gen.Elements("0", "0.1", "0.3", "1", "1.0001", "-0.5", "5", "\"0.2\""),
        FieldKind.Bool => Gen.Elements("true", "false", "\"true\"", "0"),
        FieldKind.Text => PlainValue(kind).Select(Json),
        FieldKind.ScopeId => PlainValue(kind).Select(Json),
        FieldKind.MemoryId or FieldKind.EventId or FieldKind.ExportId => PlainValue(kind).Select(Json),
        FieldKind.Date => Gen.Elements("\"2026-01-01\"", "\"2026-01-01T10:00:00Z\"", "1700000000", "1700000000.5", "\"2020-13-45\"", "-62135596801", "\"\""),
        FieldKind.StringList => Gen.Frequency(
            (4, Gen.Elements("[\"work\"]", "[\"work\",\"travel\"]", "[]", "\"work,travel\"", "[\"memory_add\",\"memory_delete\"]", "[\"memory\",\"id\"]")),
            (1, Gen.Choose(1, 40_000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"c{i}\"")) + "]"))),
        FieldKind.CustomCategories => Gen.Elements("[{\"work\":\"jobs\"}]", "{\"hobby\":\"pastimes\"}", "[\"work\"]", "[{\"\":\"x\"}]", "[{\"a\":1}]", "[]"),
        FieldKind.FeedbackValue => Gen.Elements("\"POSITIVE\"", "\"NEGATIVE\"", "\"VERY_NEGATIVE\"", "null", "\"negative\"", "\"MEH\""),
        FieldKind.Url => Gen.Elements("\"https://example.com/hook\"", "\"http://127.0.0.1/\"", "\"http://169.254.169.254/latest\"", "\"ftp://example.com\"", "\"not a url\"", "\"http://[::1]/\"", "\"https://example.com:99999/\""),
        FieldKind.Schema => Gen.Elements("{\"type\":\"object\"}", "{\"type\":\"object\",\"properties\":{\"memories\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"memory\":{\"type\":\"string\"}}}}}}", "{\"type\":\"array\"}", "{}"),
        FieldKind.Messages => Messages(),
        FieldKind.Filters => Filter(0),
        FieldKind.Metadata => Metadata(),
        FieldKind.BatchItems => BatchItems(),
        FieldKind.Settings => Gen.SubListOf(new[] { "custom_instructions", "custom_categories", "name", "anything" })
            .SelectMany(keys => keys.Select(k => Value(k == "custom_categories" ? FieldKind.CustomCategories : FieldKind.Text).Select(v => Json(k) + ":" + v)).All())
            .Select(pairs => "{" + string.Join(',', pairs) + "}"),
        _ => HostileValue(),
    };

    private Gen<string> Messages() => Gen.Frequency(
        (3, PlainValue(FieldKind.Text).Select(Json)),
        (5, UpTo(Message(), 3).Select(list => "[" + string.Join(',', list) + "]")),
        (1, Message()),
        (1, Gen.Choose(100, 3_000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"{{\"role\":\"user\",\"content\":\"turn {i}\"}}")) + "]")));

    private Gen<string> Message() =>
        from role in Gen.Frequency((6, Gen.Elements("\"user\"", "\"assistant\"")), (1, Gen.Elements("\"system\"", "\"\"", "1", "null", "\"tool\"")))
        from content in Gen.Frequency(
            (6, PlainValue(FieldKind.Text).Select(Json)),
            (1, Gen.Elements("null", "\"\"", "[]", "[{\"type\":\"text\",\"text\":\"parts\"}]", "{\"text\":\"obj\"}", "42", "[{\"type\":\"image_url\"}]")),
            (1, HostileValue()))
        from hasContent in Gen.Frequency((12, Gen.Constant(true)), (1, Gen.Constant(false)))
        select hasContent ? $"{{\"role\":{role},\"content\":{content}}}" : $"{{\"role\":{role}}}";

    private static Gen<string> Metadata() => Gen.Frequency(
        (4, UpTo(
            from key in Gen.Frequency((5, Gen.Elements("topic", "level", "tags", "k", "pro")), (1, Gen.Elements(InjectionStrings)), (1, Gen.Elements("user_id", "agent_id", "run_id")))
            from value in Gen.Frequency((4, Gen.Elements("\"travel\"", "3", "[\"a\",\"b\"]", "true", "null", "{\"nested\":{\"x\":1}}")), (1, HostileValue()))
            select Json(key) + ":" + value, 4).Select(pairs => "{" + string.Join(',', pairs) + "}")),
        (1, Gen.Choose(100, 3_000).Select(n => "{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"m{i}\":\"v{i}\"")) + "}")));

    /// <summary>A filter in Mem0's language: scope equalities, operators, logic nested and wide, hostile keys and values.</summary>
    private static Gen<string> Filter(int depth) => Gen.Frequency(
        (4, FilterLeaf().SelectMany(leaf => Gen.Elements(true, false).Select(scoped => scoped ? $"{{\"user_id\":\"fuzz-user\",{leaf[1..]}" : leaf))),
        (2, depth >= 6 ? FilterLeaf() : from op in Gen.Elements("AND", "OR", "NOT", "$and", "or")
                                         from width in depth == 0 ? Gen.Frequency((8, Gen.Choose(0, 4)), (1, Gen.Choose(100, 2_000))) : Gen.Choose(0, 3)
                                         from children in Gen.ArrayOf(Filter(depth + 1), Math.Min(width, 4))
                                         select $"{{\"user_id\":\"fuzz-user\",{Json(op)}:[{string.Join(',', Enumerable.Range(0, width).Select(i => children.Length == 0 ? "{}" : children[i % children.Length]))}]}}"),
        (1, Gen.Choose(2, 8).SelectMany(n => Gen.ArrayOf(FilterLeaf(), n)).Select(leaves => "{\"user_id\":\"fuzz-user\"," + string.Join(',', leaves.Select(l => l[1..^1]).Distinct(StringComparer.Ordinal)) + "}")),
        (1, Gen.Choose(100, 2_000).Select(n => "{\"user_id\":\"fuzz-user\",\"metadata\":{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"m{i}\":{{\"ne\":\"x\"}}")) + "}}")),
        (1, Gen.Choose(2, 6).SelectMany(lists => Gen.Choose(1_000, 12_000).Select(n => "{\"user_id\":\"fuzz-user\",\"AND\":[" + string.Join(',', Enumerable.Range(0, lists).Select(l => $"{{\"run_id\":{{\"nin\":[{string.Join(',', Enumerable.Range(0, n).Select(i => $"\"r{l}-{i}\""))}]}}}}")) + "]}"))),
        (1, Gen.Choose(20, 200).Select(levels => string.Concat(Enumerable.Repeat("{\"AND\":[", levels)) + "{\"user_id\":\"fuzz-user\"}" + string.Concat(Enumerable.Repeat("]}", levels)))));

    private static Gen<string> FilterLeaf() =>
        from field in Gen.Frequency((6, Gen.Elements(FilterFields)), (1, Gen.Elements(InjectionStrings)))
        from shape in Gen.Choose(0, 3)
        from op in Gen.Elements(FilterOperators)
        from value in Gen.Frequency(
            (5, Gen.Elements("\"fuzz-user\"", "\"travel\"", "3", "\"2026-01-01\"", "\"*\"", "null", "true", "[\"a\",\"fuzz-user\"]", "[]", "\"T\"")),
            (1, Gen.Choose(1, 20_000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"u{i}\"")) + "]")),
            (2, HostileValue()))
        select shape switch
        {
            0 => $"{{{Json(field)}:{value}}}",
            1 => $"{{{Json(field)}:{{{Json(op)}:{value}}}}}",
            2 => $"{{\"metadata\":{{{Json(field)}:{{{Json(op)}:{value}}}}}}}",
            _ => $"{{{Json(field)}:{{{Json(op)}:{value},\"gt\":{value}}}}}",
        };

    private Gen<string> BatchItems() => Gen.Frequency(
        (4, UpTo(
            from id in PlainValue(FieldKind.MemoryId)
            from text in Gen.Frequency((3, PlainValue(FieldKind.Text).Select(Json)), (1, HostileValue()))
            from withMetadata in Gen.Elements(true, false)
            from metadata in Metadata()
            select $"{{\"memory_id\":{Json(id)},\"text\":{text}{(withMetadata ? ",\"metadata\":" + metadata : string.Empty)}}}", 3).Select(items => "[" + string.Join(',', items) + "]")),
        (1, Gen.Choose(1_000, 3_000).Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(_ => "{\"memory_id\":\"01900000-0000-7000-8000-000000000000\"}")) + "]")),
        (1, Gen.Elements("[null]", "[1]", "[{\"memory_id\":5}]", "[{}]")));

    // JSON-RPC for /mcp: a tools/call of one of the server's tools with arguments from its input schema, or another method.
    private Gen<string> McpMessage() => Gen.Frequency(
        (8, from tool in Gen.Elements(mcpTools.ToArray())
            from arguments in Gen.SubListOf(tool.Arguments.ToArray())
                .SelectMany(chosen => chosen.Select(a => Value(a.Kind).Select(v => Json(a.Name) + ":" + v)).All())
            from id in Gen.Elements("1", "\"abc\"", "null", "{}", "1e999")
            select $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/call\",\"params\":{{\"name\":{Json(tool.Name)},\"arguments\":{{{string.Join(',', arguments)}}}}}}}"),
        (2, from method in Gen.Elements("tools/list", "initialize", "ping", "resources/read", "prompts/list", "x", "", "notifications/initialized")
            from parameters in Value(FieldKind.Any)
            select $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":{Json(method)},\"params\":{parameters}}}"),
        (1, Gen.Elements(
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/list\"}", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]",
            "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"add_memory\"}}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\",\"arguments\":{}}}")));

    // POST /v1/imports/: an engram.memories JSONL file with generated lines, or junk.
    private Gen<string> ImportBody() =>
        from header in Gen.Frequency(
            (5, Gen.Constant("{\"format\":\"engram.memories\",\"version\":1,\"project_id\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"embeddings\":false}")),
            (1, Gen.Elements("{\"format\":\"engram.memories\",\"version\":99}", "{\"format\":\"other\"}", "{}", "[]", "")))
        from lines in UpTo(
            from type in Gen.Elements("memory", "message", "history", "relation", "unknown")
            from id in Gen.Frequency((3, Gen.Fresh(() => Guid.NewGuid().ToString()).Select(Json)), (1, PlainValue(FieldKind.MemoryId).Select(Json)), (1, HostileValue()))
            from text in Value(FieldKind.Text)
            from user in Value(FieldKind.ScopeId)
            from metadata in Gen.Frequency((3, Gen.Constant("{}")), (1, Metadata()))
            select $"{{\"type\":{Json(type)},\"id\":{id},\"memory\":{text},\"content\":{text},\"role\":\"user\",\"user_id\":{user},\"memory_id\":{id},\"event\":\"ADD\",\"source\":{text},\"relationship\":\"likes\",\"destination\":{text},\"metadata\":{metadata},\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\"}}",
            4)
        select header + "\n" + string.Join('\n', lines);

    private static string Json(string value) => JsonSerializer.Serialize(value);

    // Between 0 and max values of a generator.
    private static Gen<List<T>> UpTo<T>(Gen<T> generator, int max) => Gen.Choose(0, max).SelectMany(n => Gen.ListOf(generator, n)).Select(list => list.ToList());
}
