namespace Engram.Server.Tests;

/// <summary>
/// Issue 18: what programs that work on Mem0 send, as Mem0's clients send it — metadata keys named like ids, a host with a
/// trailing slash, backdating timestamps, error bodies the Python client reads, nested metadata filters and memory types.
/// </summary>
public sealed class Mem0CompatibilityTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    private const string IdLikeMetadata = """{"session_id":"s1","app_id":"a1","org_id":"o1","project_id":"p1","":"empty","user_id":"mallory","agent_id":"mallory","run_id":"mallory","actor_id":"mallory"}""";

    private static void AssertIdLikeMetadataStored(JsonNode memory, string userId)
    {
        var metadata = memory["metadata"]!.AsObject();
        Assert.Equal(["", "app_id", "org_id", "project_id", "session_id"], metadata.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("s1", metadata["session_id"]!.GetValue<string>());
        Assert.Equal("empty", metadata[""]!.GetValue<string>());
        Assert.Equal(userId, memory["user_id"]!.GetValue<string>());
        Assert.Null(memory["agent_id"]);
        Assert.Null(memory["app_id"]);
        Assert.Null(memory["session_id"]);
    }

    [Fact]
    public async Task V3Add_MetadataKeysNamedLikeIds_AreStoredAndTheFourMem0StripsAreDroppedWithAWarning()
    {
        var logs = new LogCapture();
        using var server = new LoggingServerFactory(logs, sensitive: false);
        var client = server.CreateAuthorizedClient();

        var id = await client.AddMemoryAsync("Prefers window seats", "meta-v3", $$""","metadata":{{IdLikeMetadata}}""");

        AssertIdLikeMetadataStored(await (await client.GetAsync($"/v1/memories/{id}/")).JsonAsync(), "meta-v3");
        var warning = Assert.Single(logs.Entries, e => e.StartsWith("[Warning]", StringComparison.Ordinal) && e.Contains("actor_id, agent_id, run_id, user_id", StringComparison.Ordinal));
        Assert.DoesNotContain("window", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V3AsyncAdd_AndLegacyAdd_StoreMetadataKeysNamedLikeIds()
    {
        var queued = await (await _client.PostJsonAsync("/v3/memories/add/",
            $$"""{"messages":"I moved to Lisbon.","user_id":"meta-async","metadata":{{IdLikeMetadata}}}""")).JsonAsync();
        var finished = await _client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", finished["status"]!.GetValue<string>());
        var fromEvent = await (await _client.GetAsync($"/v1/memories/{finished["results"]![0]!["id"]}/")).JsonAsync();
        AssertIdLikeMetadataStored(fromEvent, "meta-async");

        var legacy = (await (await _client.PostJsonAsync("/v1/memories/",
            $$"""{"messages":"Plays chess","user_id":"meta-legacy","async_mode":false,"infer":false,"metadata":{{IdLikeMetadata}}}""")).JsonAsync()).AsArray();
        AssertIdLikeMetadataStored(await (await _client.GetAsync($"/v1/memories/{legacy[0]!["id"]}/")).JsonAsync(), "meta-legacy");
    }

    [Fact]
    public async Task UpdateAndBatchUpdate_MetadataKeysNamedLikeIds_AreMergedAndTheStrippedOnesNeverChangeTheScope()
    {
        var id = await _client.AddMemoryAsync("Works at Acme", "meta-update");
        var other = await _client.AddMemoryAsync("Works at Globex", "meta-update");

        var updated = await (await _client.PutJsonAsync($"/v1/memories/{id}/", $$"""{"metadata":{{IdLikeMetadata}}}""")).JsonAsync();
        await (await _client.PutJsonAsync("/v1/batch/", $$"""{"memories":[{"memory_id":"{{other}}","metadata":{{IdLikeMetadata}}}]}""")).JsonAsync();

        AssertIdLikeMetadataStored(updated, "meta-update");
        AssertIdLikeMetadataStored(await (await _client.GetAsync($"/v1/memories/{other}/")).JsonAsync(), "meta-update");
    }

    [Fact]
    public async Task Filters_TopLevelSessionIdIsTheRunScope_MetadataFilterReachesAnyKey()
    {
        await _client.AddMemoryAsync("Metadata session only", "meta-filter", ""","metadata":{"session_id":"s-9","org_id":"o-9"}""");
        await _client.AddMemoryAsync("Run scope only", "meta-filter", ""","run_id":"s-9" """);

        async Task<string[]> ListAsync(string filters) =>
            (await (await _client.PostJsonAsync("/v3/memories/", $$"""{"filters":{{filters}}}""")).JsonAsync())["results"]!.AsArray()
                .Select(r => r!["memory"]!.GetValue<string>()).ToArray();

        Assert.Equal(["Run scope only"], await ListAsync("""{"user_id":"meta-filter","session_id":"s-9"}"""));
        Assert.Equal(["Run scope only"], await ListAsync("""{"AND":[{"user_id":"meta-filter"},{"run_id":"s-9"}]}"""));
        Assert.Equal(["Metadata session only"], await ListAsync("""{"user_id":"meta-filter","metadata":{"session_id":"s-9"}}"""));
        Assert.Equal(["Metadata session only"], await ListAsync("""{"user_id":"meta-filter","metadata":{"org_id":"o-9"}}"""));
        var search = await (await _client.PostJsonAsync("/v3/memories/search/",
            """{"query":"session","filters":{"user_id":"meta-filter"},"metadata":{"session_id":"s-9"}}""")).JsonAsync();
        Assert.Equal("Metadata session only", Assert.Single(search["results"]!.AsArray())!["memory"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "//v1/ping/")]
    [InlineData("GET", "///v1//ping/")]
    [InlineData("POST", "//v3/memories/add/")]
    [InlineData("POST", "//v3/memories/")]
    public async Task RepeatedSlashesInThePath_AreCollapsed(string method, string path)
    {
        // An absolute URI: a relative "//v1/ping/" would name the host "v1".
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri("http://localhost" + path));
        Assert.Equal(path, request.RequestUri!.AbsolutePath);
        if (method == "POST")
        {
            request.Content = new StringContent(path.Contains("add", StringComparison.Ordinal)
                ? """{"messages":"Slashes are fine","user_id":"slashes","infer":false}"""
                : """{"filters":{"user_id":"slashes"}}""", System.Text.Encoding.UTF8, "application/json");
        }

        var body = await (await _client.SendAsync(request)).JsonAsync();

        Assert.NotNull(body.AsObject());
    }

    [Fact]
    public async Task Add_Timestamp_BackdatesCreatedAtInSecondsMillisecondsAndNumericStrings()
    {
        var seconds = await _client.AddMemoryAsync("Backdated in seconds", "backdate", ""","timestamp":1672531200""");
        var milliseconds = await _client.AddMemoryAsync("Backdated in milliseconds", "backdate", ""","timestamp":1675209600000""");
        var text = await _client.AddMemoryAsync("Backdated as text", "backdate", ""","timestamp":"1677628800" """);
        await _client.AddMemoryAsync("Added now", "backdate");

        foreach (var (id, date) in new[] { (seconds, "2023-01-01"), (milliseconds, "2023-02-01"), (text, "2023-03-01") })
        {
            var memory = await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync();
            Assert.StartsWith(date, memory["created_at"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith(date, memory["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var january = await (await _client.PostJsonAsync("/v3/memories/",
            """{"filters":{"AND":[{"user_id":"backdate"},{"created_at":{"lt":"2023-01-15"}}]}}""")).JsonAsync();
        Assert.Equal("Backdated in seconds", Assert.Single(january["results"]!.AsArray())!["memory"]!.GetValue<string>());
        var february = await (await _client.PostJsonAsync("/v3/memories/",
            """{"filters":{"user_id":"backdate"},"start_date":"2023-01-15","end_date":"2023-02-15"}""")).JsonAsync();
        Assert.Equal("Backdated in milliseconds", Assert.Single(february["results"]!.AsArray())!["memory"]!.GetValue<string>());

        var detail = await (await _client.PostJsonAsync("/v3/memories/add/", """{"messages":"x","user_id":"backdate","timestamp":1e300}""")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("timestamp", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_TimestampOnly_BackdatesTheMemory()
    {
        var id = await _client.AddMemoryAsync("Backdated later", "backdate-update");

        var updated = await (await _client.PutJsonAsync($"/v1/memories/{id}/", """{"timestamp":1672531200}""")).JsonAsync();

        Assert.StartsWith("2023-01-01", updated["created_at"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("2023-01-01", updated["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Backdated later", updated["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task Errors_AreProblemDetailsServedAsApplicationJson()
    {
        using var anonymous = factory.CreateClient();
        foreach (var response in new[]
        {
            await _client.PostJsonAsync("/v3/memories/add/", """{"messages":"x"}"""),
            await _client.GetAsync($"/v1/memories/{Guid.NewGuid()}/"),
            await _client.PostJsonAsync("/v3/memories/add/", "{not json"),
            await anonymous.GetAsync("/v1/ping/"),
            await _client.GetAsync("/v9/nothing/"),
        })
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsStringAsync();
            var problem = JsonNode.Parse(body)!;
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), body);
            Assert.Equal((int)response.StatusCode, problem["status"]!.GetValue<int>());
            Assert.NotNull(problem["title"]);
        }
    }

    [Fact]
    public async Task MetadataFilter_NestedObject_IsEqualityOnThatValue()
    {
        await _client.AddMemoryAsync("Nested one", "nested", ""","metadata":{"a":{"b":1,"c":"x"}}""");
        await _client.AddMemoryAsync("Nested two", "nested", ""","metadata":{"a":{"b":2,"c":"x"}}""");
        await _client.AddMemoryAsync("Nested superset", "nested", ""","metadata":{"a":{"b":1,"c":"x","d":true}}""");

        async Task<string[]> ListAsync(string filters) =>
            (await (await _client.PostJsonAsync("/v3/memories/", $$"""{"filters":{{filters}}}""")).JsonAsync())["results"]!.AsArray()
                .Select(r => r!["memory"]!.GetValue<string>()).ToArray();

        Assert.Equal(["Nested one"], await ListAsync("""{"user_id":"nested","metadata":{"a":{"c":"x","b":1.0}}}"""));
        Assert.Equal(["Nested two"], await ListAsync("""{"user_id":"nested","metadata":{"a":{"eq":{"b":2,"c":"x"}}}}"""));
        Assert.Equal(["Nested superset", "Nested two"], await ListAsync("""{"user_id":"nested","metadata":{"a":{"ne":{"b":1,"c":"x"}}}}"""));
        Assert.Empty(await ListAsync("""{"user_id":"nested","metadata":{"a":{"b":1}}}"""));
        var detail = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":{"b":1}}}""")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Unknown filter operator", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("semantic_memory")]
    [InlineData("episodic_memory")]
    public async Task Add_Mem0MemoryTypes_AreAccepted(string memoryType)
    {
        var id = await _client.AddMemoryAsync($"Typed {memoryType}", "typed", $$""","memory_type":"{{memoryType}}" """);

        var memory = await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync();
        Assert.Equal($"Typed {memoryType}", memory["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task Immutable_IsStoredAndALaterUpdateIsRefused()
    {
        var id = await _client.AddMemoryAsync("Blood type is O negative", "immutable", ""","immutable":true""");
        var mutable = await _client.AddMemoryAsync("Likes jazz", "immutable", ""","immutable":false""");

        Assert.True((await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync())["immutable"]!.GetValue<bool>());
        Assert.False((await (await _client.GetAsync($"/v1/memories/{mutable}/")).JsonAsync())["immutable"]!.GetValue<bool>());
        foreach (var body in new[] { """{"text":"Blood type is A"}""", """{"metadata":{"a":1}}""", """{"timestamp":1672531200}""" })
        {
            var response = await _client.PutJsonAsync($"/v1/memories/{id}/", body);
            var detail = await response.ErrorAsync(HttpStatusCode.BadRequest);
            Assert.Contains("immutable", detail, StringComparison.Ordinal);
        }

        await (await _client.PutJsonAsync("/v1/batch/", $$"""{"memories":[{"memory_id":"{{id}}","text":"Blood type is B"}]}""")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("Blood type is O negative", (await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync())["memory"]!.GetValue<string>());
        await (await _client.PutJsonAsync($"/v1/memories/{mutable}/", """{"text":"Likes blues"}""")).JsonAsync();
        await (await _client.DeleteAsync($"/v1/memories/{id}/")).JsonAsync();
    }

    [Fact]
    public async Task Immutable_OnAQueuedAdd_ReachesTheStoredMemories()
    {
        var queued = await (await _client.PostJsonAsync("/v3/memories/add/", """{"messages":"I am allergic to peanuts.","user_id":"immutable-async","immutable":true}""")).JsonAsync();
        var finished = await _client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());

        var memory = await (await _client.GetAsync($"/v1/memories/{finished["results"]![0]!["id"]}/")).JsonAsync();
        Assert.True(memory["immutable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Fields_ProjectEachMemoryOfSearchAndListAnswers()
    {
        await _client.AddMemoryAsync("Projected memory about tea", "fields", ""","run_id":"r1","metadata":{"k":1}""");

        var search = await (await _client.PostJsonAsync("/v3/memories/search/",
            """{"query":"tea","filters":{"user_id":"fields"},"fields":["id","memory","run_id"]}""")).JsonAsync();
        var list = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"fields"},"fields":["memory","session_id"]}""")).JsonAsync();
        var legacy = (await (await _client.GetAsync("/v1/memories/?user_id=fields&fields=memory&fields=metadata")).JsonAsync()).AsArray();
        var legacySearch = (await (await _client.PostJsonAsync("/v2/memories/search/",
            """{"query":"tea","filters":{"user_id":"fields"},"fields":["memory"],"threshold":0}""")).JsonAsync()).AsArray();

        Assert.Equal(["id", "memory", "run_id"], search["results"]![0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["memory", "session_id"], list["results"]![0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1, list["count"]!.GetValue<int>());
        Assert.Equal(["memory", "metadata"], legacy[0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["memory"], legacySearch[0]!.AsObject().Select(p => p.Key));
        var detail = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"fields"},"fields":["memroy"]}""")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("memroy", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteLinked_WithNothingLinked_AnswersCascadeCountZero()
    {
        var id = await _client.AddMemoryAsync("Alone", "linked-none");
        var other = await _client.AddMemoryAsync("Other", "linked-none");

        var plain = await (await _client.DeleteAsync($"/v1/memories/{other}/?delete_linked=false")).JsonAsync();
        var cascaded = await (await _client.DeleteAsync($"/v1/memories/{id}/?delete_linked=true")).JsonAsync();

        Assert.Null(plain["cascade_count"]);
        Assert.Equal(0, cascaded["cascade_count"]!.GetValue<int>());
        await (await _client.DeleteAsync($"/v1/memories/{Guid.NewGuid()}/?delete_linked=true")).ErrorAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/v1/memories/{Guid.NewGuid()}/?delete_linked=maybe")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/v3/memories/add/", """{"messages":"x","user_id":"refused","structured_data_schema":{"type":"object"}}""", "structured_data_schema")]
    [InlineData("/v3/memories/search/", """{"query":"x","filters":{"user_id":"refused"},"keyword_search":false}""", "keyword_search")]
    [InlineData("/v1/memories/search/", """{"query":"x","user_id":"refused","keyword_search":false}""", "keyword_search")]
    public async Task ParametersEngramCannotHonour_Are400NamingThem(string path, string json, string parameter)
    {
        var response = await _client.PostJsonAsync(path, json);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(parameter, body["field"]!.GetValue<string>());
        Assert.Contains(parameter, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeywordSearchTrue_IsServed()
    {
        await _client.AddMemoryAsync("Keyword zebra", "keyword");

        var found = await (await _client.PostJsonAsync("/v3/memories/search/", """{"query":"zebra","filters":{"user_id":"keyword"},"keyword_search":true}""")).JsonAsync();

        Assert.Equal("Keyword zebra", found["results"]![0]!["memory"]!.GetValue<string>());
    }
}
