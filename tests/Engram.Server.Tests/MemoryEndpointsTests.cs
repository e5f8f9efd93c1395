namespace Engram.Server.Tests;

/// <summary>The current Mem0 Platform memory routes, through the real application.</summary>
public sealed class MemoryEndpointsTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task Add_InferFalse_StoresSynchronouslyAndReturnsMem0Results()
    {
        var body = await (await _client.PostJsonAsync("/v3/memories/add/",
            """{"messages":[{"role":"user","content":"I love hiking in the Alps"},{"role":"assistant","content":"Noted!"}],"user_id":"add-sync","infer":false,"metadata":{"topic":"travel"},"output_format":"v1.1","enable_graph":false}"""))
            .JsonAsync();

        var results = body["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal("ADD", results[0]!["event"]!.GetValue<string>());
        Assert.Equal("I love hiking in the Alps", results[0]!["data"]!["memory"]!.GetValue<string>());
        Assert.True(Guid.TryParse(results[0]!["id"]!.GetValue<string>(), out _));
        var stored = await (await _client.GetAsync($"/v1/memories/{results[0]!["id"]}/")).JsonAsync();
        Assert.Equal("travel", stored["metadata"]!["topic"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_Default_IsAsynchronousAndTheEventSucceedsWithResults()
    {
        var queued = await (await _client.PostJsonAsync("/v3/memories/add/",
            """{"messages":"I moved to Lisbon last month and I am vegetarian.","user_id":"add-async","timestamp":1767225600}""")).JsonAsync();

        Assert.Equal("PENDING", queued["status"]!.GetValue<string>());
        Assert.Equal(2, queued.AsObject().Count);
        var finished = await _client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", finished["status"]!.GetValue<string>());
        Assert.Equal("ADD", finished["event_type"]!.GetValue<string>());
        Assert.NotEmpty(finished["results"]!.AsArray());
        Assert.NotNull(finished["started_at"]);
        Assert.NotNull(finished["completed_at"]);
        Assert.True(finished["latency"]!.GetValue<double>() >= 0);
        Assert.Null(finished["error"]);
        var memoryId = finished["results"]![0]!["id"]!.GetValue<string>();
        var memory = await (await _client.GetAsync($"/v1/memories/{memoryId}/")).JsonAsync();
        Assert.Equal("add-async", memory["user_id"]!.GetValue<string>());
        Assert.StartsWith("2026-01-01", memory["timestamp"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ScopeInsideFilters_IsAccepted()
    {
        var body = await (await _client.PostJsonAsync("/v3/memories/add/",
            """{"messages":[{"role":"user","content":"Scope from filters"}],"filters":{"user_id":"add-filters"},"infer":false}""")).JsonAsync();

        var id = body["results"]![0]!["id"]!.GetValue<string>();
        var memory = await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync();
        Assert.Equal("add-filters", memory["user_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"messages":"hello"}""", "user_id")]
    [InlineData("""{"messages":42,"user_id":"u"}""", "messages")]
    [InlineData("""{"user_id":"u"}""", "messages")]
    [InlineData("""{"messages":"hi","user_id":"has space"}""", "user_id")]
    [InlineData("""{"messages":"hi","user_id":"u","expiration_date":"next week"}""", "expiration_date")]
    [InlineData("""{"messages":"hi","user_id":"u","timestamp":"yesterday-ish"}""", "timestamp")]
    [InlineData("""{"messages":"hi","user_id":"u","metadata":[1]}""", "Metadata")]
    [InlineData("""{"messages":"hi","user_id":"u","memory_type":"semantic"}""", "memory_type")]
    [InlineData("""{"messages":"hi","user_id":"u","infer":"maybe"}""", "$.infer")]
    public async Task Add_InvalidInput_Is400WithDetailAndQueuesNothing(string json, string expectedInDetail)
    {
        var before = await factory.Store.Events.ListEventsAsync("default", 0, 1);

        var detail = await (await _client.PostJsonAsync("/v3/memories/add/", json)).ErrorAsync(HttpStatusCode.BadRequest);

        Assert.Contains(expectedInDetail, detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before.TotalCount, (await factory.Store.Events.ListEventsAsync("default", 0, 1)).TotalCount);
    }

    [Fact]
    public async Task Search_WithFiltersInCamelCase_FindsTheScopeOnlyWithScoresAndRunId()
    {
        await _client.AddMemoryAsync("Ana is allergic to peanuts", "search-ana", ""","run_id":"s1" """);
        await _client.AddMemoryAsync("Bob is allergic to cats", "search-bob");

        var body = await (await _client.PostJsonAsync("/v3/memories/search/",
            """{"query":"allergic","filters":{"userId":"search-ana"},"top_k":5,"output_format":"v1.1","source":"test"}""")).JsonAsync();

        var hit = Assert.Single(body["results"]!.AsArray())!;
        Assert.Equal("Ana is allergic to peanuts", hit["memory"]!.GetValue<string>());
        Assert.Equal("s1", hit["run_id"]!.GetValue<string>());
        Assert.Null(hit.AsObject()["session_id"]);
        Assert.InRange(hit["score"]!.GetValue<double>(), 0.0, 1.0);
        Assert.False(hit.AsObject().ContainsKey("score_details"));
    }

    [Fact]
    public async Task Search_WithMetadataAndLogicalFilters_AppliesThem()
    {
        await _client.AddMemoryAsync("Likes green tea", "search-filters", ""","metadata":{"kind":"drink"}""");
        await _client.AddMemoryAsync("Likes green parks", "search-filters", ""","metadata":{"kind":"place"}""");

        var body = await (await _client.PostJsonAsync("/v3/memories/search/",
            """{"query":"green","filters":{"AND":[{"user_id":"search-filters"},{"metadata":{"kind":"drink"}}]},"explain":true}""")).JsonAsync();

        var hit = Assert.Single(body["results"]!.AsArray())!;
        Assert.Equal("Likes green tea", hit["memory"]!.GetValue<string>());
        Assert.NotNull(hit["score_details"]!["signals"]);
    }

    [Theory]
    [InlineData("""{"query":"x","user_id":"u"}""")]
    [InlineData("""{"query":"x","filters":{"user_id":"u"},"agent_id":"a"}""")]
    [InlineData("""{"query":"x"}""")]
    [InlineData("""{"query":"x","filters":{"created_at":{"gte":"2026-01-01"}}}""")]
    [InlineData("""{"query":"","filters":{"user_id":"u"}}""")]
    [InlineData("""{"query":"x","filters":{"user_id":"u"},"top_k":0}""")]
    [InlineData("""{"query":"x","filters":{"user_id":{"regex":"u"}}}""")]
    [InlineData("""{"query":"x","filters":"user_id=u"}""")]
    public async Task Search_TopLevelScopeOrMissingScopeOrBadOptions_Is400(string json)
    {
        await (await _client.PostJsonAsync("/v3/memories/search/", json)).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_PaginatesWithMem0Envelope()
    {
        for (var i = 0; i < 5; i++)
        {
            await _client.AddMemoryAsync($"List fact {i}", "list-user", ""","run_id":"r1" """);
        }

        var first = await (await _client.PostJsonAsync("/v3/memories/?page=1&page_size=2", """{"filters":{"user_id":"list-user"}}""")).JsonAsync();
        var last = await (await _client.PostJsonAsync("/v3/memories/?page=3&page_size=2", """{"filters":{"user_id":"list-user"}}""")).JsonAsync();

        Assert.Equal(5, first["count"]!.GetValue<long>());
        Assert.Equal(2, first["results"]!.AsArray().Count);
        Assert.Contains("page=2", first["next"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(first["previous"]);
        Assert.Single(last["results"]!.AsArray());
        Assert.Null(last["next"]);
        Assert.Contains("page=2", last["previous"]!.GetValue<string>(), StringComparison.Ordinal);
        var item = first["results"]![0]!;
        Assert.Equal("r1", item["session_id"]!.GetValue<string>());
        Assert.Null(item.AsObject()["run_id"]);
        Assert.Equal("List fact 4", item["memory"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_PageInBodyAndKeywords_AreApplied()
    {
        await _client.AddMemoryAsync("Keyword alpha", "list-body");
        await _client.AddMemoryAsync("Keyword beta", "list-body");

        var body = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"list-body"},"keywords":"ALPHA","page":1,"page_size":10}""")).JsonAsync();

        Assert.Equal(1, body["count"]!.GetValue<long>());
        var future = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"list-body"},"start_date":"2999-01-01"}""")).JsonAsync();
        var past = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"list-body"},"start_date":"2000-01-01","end_date":"2999-01-01T00:00:00Z"}""")).JsonAsync();
        Assert.Equal(0, future["count"]!.GetValue<long>());
        Assert.Equal(2, past["count"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("/v3/memories/", """{"user_id":"u"}""")]
    [InlineData("/v3/memories/", """{"filters":{}}""")]
    [InlineData("/v3/memories/?page_size=201", """{"filters":{"user_id":"u"}}""")]
    [InlineData("/v3/memories/?page=0", """{"filters":{"user_id":"u"}}""")]
    public async Task List_BadRequest_Is400(string path, string json)
    {
        await (await _client.PostJsonAsync(path, json)).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_ReturnsThePlatformMemoryShape()
    {
        var id = await _client.AddMemoryAsync("Shape check", "get-user", ""","agent_id":"agent-1","expiration_date":"2999-12-31" """);

        var memory = (await (await _client.GetAsync($"/v1/memories/{id}/")).JsonAsync()).AsObject();

        foreach (var key in new[] { "id", "memory", "user_id", "agent_id", "app_id", "session_id", "metadata", "categories", "created_at", "updated_at", "expiration_date", "hash" })
        {
            Assert.True(memory.ContainsKey(key), key);
        }

        Assert.Equal("2999-12-31", memory["expiration_date"]!.GetValue<string>());
        Assert.Equal("agent-1", memory["agent_id"]!.GetValue<string>());
        Assert.Null(memory["metadata"]);
        Assert.Equal("active", memory["lifecycle_state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_WithoutTrailingSlash_IsServedToo()
    {
        var id = await _client.AddMemoryAsync("No slash", "get-slash");

        await (await _client.GetAsync($"/v1/memories/{id}")).JsonAsync();
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_Is404Or400()
    {
        await (await _client.GetAsync($"/v1/memories/{Guid.NewGuid()}/")).ErrorAsync(HttpStatusCode.NotFound);
        var detail = await (await _client.GetAsync("/v1/memories/not-a-uuid/")).ErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("valid UUID", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ChangesTextMetadataAndClearsExpiration_ThenHistoryShowsBoth()
    {
        var id = await _client.AddMemoryAsync("Works at Acme", "update-user", ""","expiration_date":"2999-01-01","metadata":{"a":1}""");

        var updated = await (await _client.PutJsonAsync($"/v1/memories/{id}/", """{"text":"Works at Globex","metadata":{"b":2},"expiration_date":null}""")).JsonAsync();
        var history = (await (await _client.GetAsync($"/v1/memories/{id}/history/")).JsonAsync()).AsArray();

        Assert.Equal("Works at Globex", updated["memory"]!.GetValue<string>());
        Assert.Equal(1, updated["metadata"]!["a"]!.GetValue<int>());
        Assert.Equal(2, updated["metadata"]!["b"]!.GetValue<int>());
        Assert.Null(updated["expiration_date"]);
        Assert.Equal(["ADD", "UPDATE"], history.Select(h => h!["event"]!.GetValue<string>()));
        Assert.Equal("Works at Acme", history[1]!["old_memory"]!.GetValue<string>());
        Assert.Equal("Works at Globex", history[1]!["new_memory"]!.GetValue<string>());
        Assert.Equal("update-user", history[0]!["user_id"]!.GetValue<string>());
        Assert.Equal("Works at Acme", history[0]!["input"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_AbsentExpiration_KeepsIt()
    {
        var id = await _client.AddMemoryAsync("Keeps expiry", "update-keep", ""","expiration_date":"2999-01-01" """);

        var updated = await (await _client.PutJsonAsync($"/v1/memories/{id}/", """{"metadata":{"x":true}}""")).JsonAsync();

        Assert.Equal("2999-01-01", updated["expiration_date"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_NothingOrUnknown_Is400Or404()
    {
        var id = await _client.AddMemoryAsync("Unchanged", "update-bad");

        await (await _client.PutJsonAsync($"/v1/memories/{id}/", "{}")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.PutJsonAsync($"/v1/memories/{Guid.NewGuid()}/", """{"text":"x"}""")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_RemovesTheMemory_ThenGetIs404AndHistoryEndsWithDelete()
    {
        var id = await _client.AddMemoryAsync("Short-lived", "delete-user");

        var body = await (await _client.DeleteAsync($"/v1/memories/{id}/")).JsonAsync();

        Assert.Equal("Memory deleted successfully!", body["message"]!.GetValue<string>());
        await (await _client.GetAsync($"/v1/memories/{id}/")).ErrorAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/v1/memories/{id}/")).ErrorAsync(HttpStatusCode.NotFound);
        var history = (await (await _client.GetAsync($"/v1/memories/{id}/history/")).JsonAsync()).AsArray();
        Assert.Equal("DELETE", history[^1]!["event"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteAll_ByScope_DeletesOnlyThatScope()
    {
        await _client.AddMemoryAsync("Mine 1", "delete-all-a");
        await _client.AddMemoryAsync("Mine 2", "delete-all-a");
        var kept = await _client.AddMemoryAsync("Theirs", "delete-all-b");

        var body = await (await _client.DeleteAsync("/v1/memories/?user_id=delete-all-a")).JsonAsync();

        Assert.NotNull(body["message"]);
        var left = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"delete-all-a"}}""")).JsonAsync();
        Assert.Equal(0, left["count"]!.GetValue<long>());
        await (await _client.GetAsync($"/v1/memories/{kept}/")).JsonAsync();
    }

    [Fact]
    public async Task DeleteAll_Wildcard_DeletesEveryMemoryWithThatKind()
    {
        await _client.AddMemoryAsync("Agent memory", "delete-wild", ""","agent_id":"wild-agent-1" """);
        await _client.AddMemoryAsync("Agent memory 2", "delete-wild", ""","agent_id":"wild-agent-2" """);
        var kept = await _client.AddMemoryAsync("No agent", "delete-wild");

        await (await _client.DeleteAsync("/v1/memories/?user_id=delete-wild&agent_id=*")).JsonAsync();

        var left = await (await _client.PostJsonAsync("/v3/memories/", """{"filters":{"user_id":"delete-wild"}}""")).JsonAsync();
        Assert.Equal(kept, Assert.Single(left["results"]!.AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteAll_WithoutScope_Is400()
    {
        await (await _client.DeleteAsync("/v1/memories/")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task History_UnknownId_IsEmpty()
    {
        var history = await (await _client.GetAsync($"/v1/memories/{Guid.NewGuid()}/history/")).JsonAsync();

        Assert.Empty(history.AsArray());
    }
}
