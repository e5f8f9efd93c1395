using System.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Server.Tests;

/// <summary>
/// The hostile requests of issue 19 that reached a 500 or a wrong answer: each must be a 400 ProblemDetails naming the
/// field, and a refused request writes nothing.
/// </summary>
public sealed class HostileInputTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private const string ProjectPath = "/api/v1/orgs/organizations/default/projects/default/";

    public static TheoryData<string, string, string, string> LoneSurrogateBodies => new()
    {
        { "POST", "/v3/memories/add/", """{"messages":[{"role":"user","content":"bad \ud800 text"}],"user_id":"s1","infer":false}""", "messages[0].content" },
        { "POST", "/v3/memories/add/", """{"messages":[{"role":"user","content":"bad text"}],"user_id":"s1","infer":true}""".Replace("bad text", "bad \\udc00 text", StringComparison.Ordinal), "messages[0].content" },
        { "POST", "/v3/memories/add/", """{"messages":"hello","user_id":"\ud800","infer":false}""", "user_id" },
        { "POST", "/v3/memories/add/", """{"messages":"hello","user_id":"s1","metadata":{"k":"\ud800"},"infer":false}""", "metadata.k" },
        { "POST", "/v3/memories/add/", """{"messages":"hello","user_id":"s1","metadata":{"\ud800":1},"infer":false}""", "metadata" },
        { "POST", "/v1/memories/", """{"messages":[{"role":"user","content":"\ud800"}],"user_id":"s1","async_mode":false,"infer":false}""", "messages[0].content" },
        { "POST", "/v1/memories/", """{"messages":[{"role":"user","content":"\ud800"}],"user_id":"s1"}""", "messages[0].content" },
        { "PATCH", ProjectPath, """{"custom_instructions":"\ud800"}""", "custom_instructions" },
        { "PATCH", ProjectPath, """{"anything":["ok","\udfff"]}""", "anything[1]" },
        { "POST", "/v1/imports/", """{"format":"engram.memories","version":1}""" + "\n" + """{"type":"memory","id":"x","memory":"\ud800"}""", "memory" },
        { "POST", "/v1/feedback/", """{"memory_id":"01900000-0000-7000-8000-000000000000","feedback":"POSITIVE","feedback_reason":"\ud800"}""", "feedback_reason" },
        { "PUT", "/v1/batch/", """{"memories":[{"memory_id":"01900000-0000-7000-8000-000000000000","text":"\ud800"}]}""", "memories[0].text" },
        { "POST", "/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_memory","arguments":{"text":"\ud800","infer":false}}}""", "params.arguments.text" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogateBodies))]
    public async Task WriteBody_WithAnEscapedLoneSurrogate_Is400NamingTheField_AndWritesNothing(string method, string path, string body, string field)
    {
        var client = factory.CreateAuthorizedClient();
        var before = Fingerprint();

        var response = await SendAsync(client, method, path, Encoding.UTF8.GetBytes(body));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(field, problem["field"]?.GetValue<string>());
        Assert.Contains("surrogate", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint());
    }

    public static TheoryData<string, string, string> InvalidUtf8Bodies => new()
    {
        { "POST", "/v3/memories/add/", "FF" },
        { "POST", "/v3/memories/add/", "C0AF" },
        { "POST", "/v3/memories/add/", "EDA080" },
        { "POST", "/v3/memories/add/", "F8888080" },
        { "POST", "/v1/memories/", "FF" },
        { "PATCH", ProjectPath, "FF" },
        { "PATCH", ProjectPath, "EDA080" },
        { "POST", "/v1/imports/", "C0AF" },
        { "POST", "/v3/memories/search/", "FF" },
        { "POST", "/mcp", "FF" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Body_WithInvalidUtf8_Is400NamingTheField_AndWritesNothing(string method, string path, string hex)
    {
        var client = factory.CreateAuthorizedClient();
        var bad = Convert.FromHexString(hex);
        byte[] body = path switch
        {
            ProjectPath => [.. "{\"custom_instructions\":\"x"u8, .. bad, .. "\"}"u8],
            "/v1/imports/" => [.. "{\"format\":\"engram.memories\",\"version\":1}\n{\"type\":\"memory\",\"memory\":\"x"u8, .. bad, .. "\"}"u8],
            "/v3/memories/search/" => [.. "{\"query\":\"x"u8, .. bad, .. "\",\"filters\":{\"user_id\":\"u\"}}"u8],
            "/mcp" => [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add_memory\",\"arguments\":{\"text\":\"x"u8, .. bad, .. "\"}}}"u8],
            _ => [.. "{\"messages\":[{\"role\":\"user\",\"content\":\"x"u8, .. bad, .. "\"}],\"user_id\":\"u8\",\"infer\":false}"u8],
        };
        var before = Fingerprint();

        var response = await SendAsync(client, method, path, body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem["field"]?.GetValue<string>()));
        Assert.Equal(before, Fingerprint());
        var settings = await (await client.GetAsync(ProjectPath)).JsonAsync();
        Assert.DoesNotContain("\uFFFD", settings.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithInvalidUtf8_Is400NamingTheParameter()
    {
        var client = factory.CreateAuthorizedClient();

        var problem = await ProblemAsync(await client.GetAsync("/v1/memories/?user_id=%FF"), HttpStatusCode.BadRequest);

        Assert.Equal("user_id", problem["field"]?.GetValue<string>());
    }

    [Fact]
    public async Task PairedSurrogatesAndOtherUnicode_AreStoredAsSent()
    {
        var client = factory.CreateAuthorizedClient();
        const string text = "Emoji \ud83d\ude00 and \u202e bidi, zero\u200bwidth and é";

        var id = await client.AddMemoryAsync(text, "unicode-user");

        var stored = await (await client.GetAsync($"/v1/memories/{id}/")).JsonAsync();
        Assert.Equal(text, stored["memory"]!.GetValue<string>());
    }

    public static TheoryData<string> ReadRoutes => new() { "/v3/memories/", "/v3/memories/search/", "/v2/memories/", "/v2/memories/search/" };

    [Theory]
    [MemberData(nameof(ReadRoutes))]
    public async Task WideFlatFilters_AreAnswered_NotAnExpressionTreeError(string path)
    {
        var client = factory.CreateAuthorizedClient();
        await client.AddMemoryAsync("Wide filters still find me", "wide-user", ",\"metadata\":{\"k7\":\"v7\"}");
        var or = string.Join(',', Enumerable.Range(0, 1_000).Select(i => "{\"metadata\":{\"k" + i + "\":\"v" + i + "\"}}"));
        var and = string.Join(',', Enumerable.Range(0, 1_000).Select(i => "{\"created_at\":{\"gte\":\"2000-01-" + (1 + (i % 28)).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + "\"}}"));
        var siblings = string.Join(',', Enumerable.Range(0, 1_500).Select(i => "\"m" + i + "\":{\"ne\":\"x\"}"));

        foreach (var filters in new[]
        {
            "{\"user_id\":\"wide-user\",\"OR\":[" + or + "]}",
            "{\"AND\":[{\"user_id\":\"wide-user\"}," + and + "]}",
            "{\"user_id\":\"wide-user\",\"metadata\":{" + siblings + "}}",
        })
        {
            var response = await client.PostJsonAsync(path, "{\"query\":\"wide filters\",\"filters\":" + filters + "}");

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
            Assert.Contains("Wide filters still find me", body, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string> OversizedFilters => new()
    {
        // Four lists, each under the cap, binding 36,000 values together (SQLite allows 32,766 variables).
        { "/v3/memories/", "{\"filters\":{\"user_id\":\"u\",\"AND\":[" + string.Join(',', Enumerable.Range(0, 4).Select(_ => "{\"run_id\":{\"in\":[" + Values(9_000) + "]}}")) + "]}}" },
        { "/v3/memories/search/", "{\"query\":\"q\",\"filters\":{\"user_id\":\"u\",\"AND\":[" + string.Join(',', Enumerable.Range(0, 4).Select(_ => "{\"run_id\":{\"nin\":[" + Values(9_000) + "]}}")) + "]}}" },
        // A categories list skipped the cap.
        { "/v3/memories/", "{\"filters\":{\"user_id\":\"u\",\"categories\":{\"in\":[" + Values(40_000) + "]}}}" },
        { "/v3/memories/", "{\"filters\":{\"user_id\":\"u\"},\"categories\":[" + Values(40_000) + "]}" },
        { "/v3/memories/search/", "{\"query\":\"q\",\"filters\":{\"user_id\":\"u\"},\"categories\":[" + Values(40_000) + "]}" },
        // Search did not apply the list's cap at all.
        { "/v3/memories/search/", "{\"query\":\"q\",\"filters\":{\"user_id\":{\"in\":[" + Values(100_001) + "]}}}" },
        { "/v2/memories/search/", "{\"query\":\"q\",\"filters\":{\"user_id\":{\"in\":[" + Values(10_001) + "]}}}" },
    };

    [Theory]
    [MemberData(nameof(OversizedFilters))]
    public async Task FilterWithMoreThanTenThousandValues_Is400NamingFilters(string path, string body)
    {
        var client = factory.CreateAuthorizedClient();

        var problem = await ProblemAsync(await client.PostJsonAsync(path, body), HttpStatusCode.BadRequest);

        Assert.Contains("10000", problem["detail"]!.GetValue<string>().Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(problem["field"]!.GetValue<string>(), new[] { "filters", "categories" });
    }

    private static string Values(int count) => string.Join(',', Enumerable.Range(0, count).Select(i => $"\"v{i}\""));

    public static TheoryData<string> UuidForms => new() { "upper", "braced", "dashless", "parenthesised", "padded" };

    [Theory]
    [MemberData(nameof(UuidForms))]
    public async Task MemoryId_InAnyUuidForm_NamesTheSameMemoryOnEveryRoute(string form)
    {
        var client = factory.CreateAuthorizedClient();
        var id = await client.AddMemoryAsync("Forms of one id", "uuid-user-" + form);
        var other = Form(id, form);

        var got = await (await client.GetAsync($"/v1/memories/{Uri.EscapeDataString(other)}/")).JsonAsync();
        var history = await (await client.GetAsync($"/v1/memories/{Uri.EscapeDataString(other)}/history/")).JsonAsync();
        var updated = await (await client.PutJsonAsync($"/v1/memories/{Uri.EscapeDataString(other)}/", """{"text":"Forms of one id, updated"}""")).JsonAsync();
        var batch = await (await client.PutJsonAsync("/v1/batch/", $$"""{"memories":[{"memory_id":{{JsonSerializer.Serialize(other)}},"text":"Forms of one id, batched"}]}""")).JsonAsync();
        var feedback = await (await client.PostJsonAsync("/v1/feedback/", $$"""{"memory_id":{{JsonSerializer.Serialize(other)}},"feedback":"POSITIVE"}""")).JsonAsync();
        var feedbackStored = (await factory.Store.Feedback.ListFeedbackAsync("default", id)).Count;
        var mcp = await (await SendAsync(client, "POST", "/mcp", Encoding.UTF8.GetBytes(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_memory\",\"arguments\":{\"memory_id\":" + JsonSerializer.Serialize(other) + "}}}"))).Content.ReadAsStringAsync();
        var filtered = await (await client.PostJsonAsync("/v3/memories/", "{\"filters\":{\"user_id\":\"uuid-user-" + form + "\",\"memory_id\":" + JsonSerializer.Serialize(other) + "}}")).JsonAsync();
        var deleted = await (await client.DeleteAsync($"/v1/memories/{Uri.EscapeDataString(other)}/")).JsonAsync();

        Assert.Equal(id, got["id"]!.GetValue<string>());
        Assert.NotEmpty(history.AsArray());
        Assert.Equal(id, updated["id"]!.GetValue<string>());
        Assert.NotNull(batch);
        Assert.NotNull(feedback["id"]);
        Assert.Equal(1, feedbackStored);
        Assert.Contains(id, mcp, StringComparison.Ordinal);
        Assert.DoesNotContain("\"isError\":true", mcp, StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(filtered["results"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(id, deleted["erasure"]!["memory_ids"]![0]!.GetValue<string>());
        await (await client.GetAsync($"/v1/memories/{id}/")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EventAndExportIds_InAnyUuidForm_AreFound_AndANonUuidIs400NamingTheField()
    {
        var client = factory.CreateAuthorizedClient();
        var queued = await (await client.PostJsonAsync("/v3/memories/add/", """{"messages":"I keep an upper-case diary.","user_id":"uuid-events"}""")).JsonAsync();
        var eventId = queued["event_id"]!.GetValue<string>();
        await client.WaitForEventAsync(eventId);
        var export = await (await client.PostJsonAsync("/v1/exports/", """{"schema":{"type":"object"},"filters":{"user_id":"uuid-events"}}""")).JsonAsync(HttpStatusCode.Created);
        var exportId = export["id"]!.GetValue<string>();

        var byUpperEvent = await (await client.GetAsync($"/v1/event/{eventId.ToUpperInvariant()}/")).JsonAsync();
        var byBracedExport = await (await client.PostJsonAsync("/v1/exports/get/", "{\"memory_export_id\":\"{" + exportId + "}\"}")).JsonAsync();
        var badEvent = await ProblemAsync(await client.GetAsync("/v1/event/not-a-uuid/"), HttpStatusCode.BadRequest);
        var badExport = await ProblemAsync(await client.PostJsonAsync("/v1/exports/get/", """{"memory_export_id":"x"}"""), HttpStatusCode.BadRequest);
        var badMemory = await ProblemAsync(await client.GetAsync("/v1/memories/not-a-uuid/"), HttpStatusCode.BadRequest);

        Assert.Equal(eventId, byUpperEvent["id"]!.GetValue<string>());
        Assert.Equal(exportId, byBracedExport["id"]!.GetValue<string>());
        Assert.Equal("event_id", badEvent["field"]!.GetValue<string>());
        Assert.Equal("memory_export_id", badExport["field"]!.GetValue<string>());
        Assert.Equal("memory_id", badMemory["field"]!.GetValue<string>());
    }

    private static string Form(string id, string form) => form switch
    {
        "upper" => id.ToUpperInvariant(),
        "braced" => "{" + id + "}",
        "dashless" => id.Replace("-", "", StringComparison.Ordinal),
        "parenthesised" => "(" + id.ToUpperInvariant() + ")",
        _ => " " + id + " ",
    };

    [Fact]
    public async Task Wildcard_MeansEveryValueOfItsKind_OnEveryRoute_AndCannotNameOneEntity()
    {
        var client = factory.CreateAuthorizedClient();
        var first = await client.AddMemoryAsync("Wildcard one likes kites", "wild-1");
        var second = await client.AddMemoryAsync("Wildcard two likes kites", "wild-2");

        var byQuery = await (await client.GetAsync("/v1/memories/?user_id=*&limit=200")).JsonAsync();
        var byFilters = await (await client.PostJsonAsync("/v2/memories/", """{"filters":{"user_id":"*"},"page_size":200}""")).JsonAsync();
        var searched = await (await client.PostJsonAsync("/v1/memories/search/", """{"query":"who likes kites","user_id":"*","top_k":50}""")).JsonAsync();

        static string[] Ids(JsonNode list) => [.. list.AsArray().Select(m => m!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
        Assert.Contains(first, Ids(byQuery));
        Assert.Contains(second, Ids(byQuery));
        Assert.Equal(Ids(byFilters), Ids(byQuery));
        Assert.Contains(first, Ids(searched));
        Assert.Contains(second, Ids(searched));

        var before = Fingerprint();
        var add = await ProblemAsync(await client.PostJsonAsync("/v3/memories/add/", """{"messages":"I am everyone","user_id":"*","infer":false}"""), HttpStatusCode.BadRequest);
        var addQueued = await ProblemAsync(await client.PostJsonAsync("/v1/memories/", """{"messages":"I am every agent","agent_id":" * "}"""), HttpStatusCode.BadRequest);
        var entity = await ProblemAsync(await client.DeleteAsync("/v2/entities/user/*/"), HttpStatusCode.BadRequest);
        Assert.Equal("user_id", add["field"]!.GetValue<string>());
        Assert.Equal("agent_id", addQueued["field"]!.GetValue<string>());
        Assert.Equal("user_id", entity["field"]!.GetValue<string>());
        Assert.Equal(before, Fingerprint());
        await (await client.GetAsync($"/v1/memories/{first}/")).JsonAsync();
    }

    public static TheoryData<string, string, string> MessagesWithoutText => new()
    {
        { "/v3/memories/add/", """{"messages":[{"role":"user"}],"user_id":"nt","infer":false}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":null}],"user_id":"nt"}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":""}],"user_id":"nt"}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":"ok"},{"role":"assistant","content":"  "}],"user_id":"nt","infer":false}""", "messages[1].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":[]}],"user_id":"nt","infer":false}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}],"user_id":"nt"}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":[{"role":"user","content":42}],"user_id":"nt"}""", "messages[0].content" },
        { "/v3/memories/add/", """{"messages":{"role":"user"},"user_id":"nt"}""", "messages.content" },
        { "/v3/memories/add/", """{"messages":"   ","user_id":"nt"}""", "messages" },
        { "/v1/memories/", """{"messages":[{"role":"user","content":null}],"user_id":"nt","async_mode":false,"infer":false}""", "messages[0].content" },
        { "/v1/memories/", """{"messages":[{"role":"user"}],"user_id":"nt"}""", "messages[0].content" },
        { "/mcp", """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_memory","arguments":{"text":"","infer":false}}}""", "" },
    };

    [Theory]
    [MemberData(nameof(MessagesWithoutText))]
    public async Task Add_WithAMessageThatHasNoText_IsRefusedNamingIt_AndStoresNothing(string path, string body, string field)
    {
        var client = factory.CreateAuthorizedClient();
        var before = Fingerprint();

        var response = await SendAsync(client, "POST", path, Encoding.UTF8.GetBytes(body));

        if (path == "/mcp")
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"isError\":true", text, StringComparison.Ordinal);
            Assert.Contains("text cannot be empty", text, StringComparison.Ordinal);
        }
        else
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(field, problem["field"]!.GetValue<string>());
        }

        Assert.Equal(before, Fingerprint());
    }

    [Fact]
    public async Task Add_WithContentParts_StoresTheirText()
    {
        var client = factory.CreateAuthorizedClient();

        var added = await (await client.PostJsonAsync("/v3/memories/add/",
            """{"messages":[{"role":"user","content":[{"type":"text","text":"I paint"},{"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"text","text":"watercolours"}]}],"user_id":"parts-user","infer":false}""")).JsonAsync();

        Assert.Equal("I paint\nwatercolours", Assert.Single(added["results"]!.AsArray())!["data"]!["memory"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> NonStringIds => new()
    {
        { "/v3/memories/add/", """{"messages":"I count in floats","user_id":1e308,"infer":false}""", "user_id" },
        { "/v3/memories/add/", """{"messages":"I count in floats","user_id":42}""", "user_id" },
        { "/v3/memories/add/", """{"messages":"I count in floats","filters":{"agent_id":7},"infer":false}""", "agent_id" },
        { "/v1/memories/", """{"messages":"I count in floats","run_id":-0,"async_mode":false,"infer":false}""", "run_id" },
        { "/v3/memories/add/", """{"messages":"I count in floats","user_id":true}""", "user_id" },
        { "/v1/memories/search/", """{"query":"floats","app_id":3.5}""", "app_id" },
    };

    [Theory]
    [MemberData(nameof(NonStringIds))]
    public async Task ScopeId_ThatIsNotAString_IsRefusedNamingIt_AndStoresNothing(string path, string body, string field)
    {
        var client = factory.CreateAuthorizedClient();
        var before = Fingerprint();

        var problem = await ProblemAsync(await client.PostJsonAsync(path, body), HttpStatusCode.BadRequest);

        Assert.Equal(field, problem["field"]!.GetValue<string>());
        Assert.Contains("must be a string", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint());
    }

    [Theory]
    [InlineData("-62135596801")]
    [InlineData("253402300800000")]
    [InlineData("\"253402300800000\"")]
    [InlineData("1e309")]
    [InlineData("-1e308")]
    public async Task Timestamp_OutsideTheRangeOfDates_Is400NamingIt(string seconds)
    {
        var client = factory.CreateAuthorizedClient();
        var id = await client.AddMemoryAsync("Timestamps at the edge", "edge-user");

        var update = await ProblemAsync(await client.PutJsonAsync($"/v1/memories/{id}/", "{\"text\":\"x\",\"timestamp\":" + seconds + "}"), HttpStatusCode.BadRequest);
        var add = await ProblemAsync(await client.PostJsonAsync("/v3/memories/add/", "{\"messages\":\"x\",\"user_id\":\"edge-user\",\"timestamp\":" + seconds + "}"), HttpStatusCode.BadRequest);

        Assert.Equal("timestamp", update["field"]!.GetValue<string>());
        Assert.Equal("timestamp", add["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/events/?page=abc", "page")]
    [InlineData("/v1/entities/?page_size=1e3", "page_size")]
    [InlineData("/v1/entities/?enable_graph=maybe", "enable_graph")]
    [InlineData("/v1/memories/?user_id=u&limit=%C4%B0", "limit")]
    [InlineData("/v1/exports/jsonl/?embeddings=yes", "embeddings")]
    [InlineData("/v1/relations/?entity=x&include_invalidated=2", "include_invalidated")]
    [InlineData("/v1/events/?page=2147483647", "page")]
    [InlineData("/v1/entities/?page=2147483647&page_size=200", "page")]
    [InlineData("/v1/memories/?user_id=u&page=2147483647&page_size=10", "page")]
    public async Task QueryParameter_ThatIsNotANumberOrABoolean_Is400NamingIt(string path, string field)
    {
        var problem = await ProblemAsync(await factory.CreateAuthorizedClient().GetAsync(path), HttpStatusCode.BadRequest);

        Assert.Equal(field, problem["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_NamingAnIdTheProjectHasOrTwice_Is400_AndWritesNothing()
    {
        var client = factory.CreateAuthorizedClient();
        var id = await client.AddMemoryAsync("Imported twice", "import-user");
        var history = Guid.NewGuid().ToString();
        const string Header = "{\"format\":\"engram.memories\",\"version\":1}";
        var line = "{\"type\":\"history\",\"id\":\"" + history + "\",\"memory_id\":\"" + id + "\",\"event\":\"ADD\",\"new_memory\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\"}";
        var memory = "{\"type\":\"memory\",\"id\":\"" + Guid.NewGuid() + "\",\"memory\":\"Twice in one file\",\"hash\":\"h\",\"user_id\":\"import-user\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:00Z\",\"observed_at\":\"2026-01-01T00:00:00Z\"}";
        await (await client.PostAsync("/v1/imports/", new StringContent(Header + "\n" + line))).JsonAsync();
        var before = Fingerprint();

        var again = await ProblemAsync(await client.PostAsync("/v1/imports/", new StringContent(Header + "\n" + line)), HttpStatusCode.BadRequest);
        var twice = await ProblemAsync(await client.PostAsync("/v1/imports/", new StringContent(Header + "\n" + memory + "\n" + memory)), HttpStatusCode.BadRequest);

        Assert.Equal("id", again["field"]!.GetValue<string>());
        Assert.Equal("id", twice["field"]!.GetValue<string>());
        Assert.Equal(before, Fingerprint());
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, byte[] body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Api.Json;
        if (path == "/mcp")
        {
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        return await client.SendAsync(request);
    }

    /// <summary>Asserts a ProblemDetails with the status, <c>type</c>, <c>title</c> and a <c>detail</c>; returns it.</summary>
    internal static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        await response.ErrorAsync(expected);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrEmpty(problem["type"]?.GetValue<string>()), problem.ToJsonString());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()), problem.ToJsonString());
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        return problem;
    }

    /// <summary>Row counts and stored bytes of every table: equal before and after means nothing was written.</summary>
    private string Fingerprint() => DatabaseFingerprint.Of(Path.Combine(factory.DataDirectory, "engram.db"));
}

/// <summary>Row counts and total stored bytes of every table of a SQLite database, read on a connection of its own.</summary>
internal static class DatabaseFingerprint
{
    public static string Of(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var parts = new List<string>();
        foreach (var table in tables)
        {
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                using var reader = info.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add(reader.GetString(0));
                }
            }

            using var count = connection.CreateCommand();
            var bytes = columns.Count == 0 ? "0" : string.Join(" + ", columns.Select(c => $"total(length(CAST(\"{c}\" AS BLOB)))"));
            count.CommandText = $"SELECT count(*), {bytes} FROM \"{table}\"";
            using var row = count.ExecuteReader();
            row.Read();
            parts.Add($"{table}:{row.GetInt64(0)}:{row.GetDouble(1)}");
        }

        return string.Join(' ', parts);
    }
}

/// <summary><c>DELETE /v1/memories/?user_id=*</c> erases each user it reaches as a scope: messages, event payloads and exports too.</summary>
public sealed class WildcardErasureTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    [Fact]
    public async Task DeleteAll_WithAWildcard_ErasesEveryReachedScope_NotOnlyItsMemories()
    {
        var client = factory.CreateAuthorizedClient();
        var events = new List<string>();
        foreach (var user in new[] { "Wildusersapphire", "Wilduseremerald" })
        {
            var queued = await (await client.PostJsonAsync("/v3/memories/add/", $$"""{"messages":[{"role":"user","content":"I like opals"},{"role":"assistant","content":"Noted"}],"user_id":"{{user}}"}""")).JsonAsync();
            events.Add(queued["event_id"]!.GetValue<string>());
            await client.WaitForEventAsync(events[^1]);
            await (await client.PostJsonAsync("/v1/exports/", "{\"schema\":{\"type\":\"object\"},\"filters\":{\"user_id\":\"" + user + "\"}}")).JsonAsync(HttpStatusCode.Created);
        }

        var erased = await (await client.DeleteAsync("/v1/memories/?user_id=*")).JsonAsync();

        Assert.True(erased["erasure"]!["memories"]!.GetValue<int>() >= 2);
        Assert.True(erased["erasure"]!["exports_deleted"]!.GetValue<int>() >= 2);
        foreach (var eventId in events)
        {
            var stored = await (await client.GetAsync($"/v1/event/{eventId}/")).JsonAsync();
            Assert.DoesNotContain("Wilduser", stored.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain("opals", stored.ToJsonString(), StringComparison.Ordinal);
        }

        var db = Path.Combine(factory.DataDirectory, "engram.db");
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM messages WHERE user_id LIKE 'Wilduser%'"));
        Assert.Equal(0, Scalar(db, "SELECT count(*) FROM exports"));
    }

    private static long Scalar(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
