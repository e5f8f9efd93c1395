namespace Engram.Server.Tests;

/// <summary>Entities, batch, events, feedback, exports and project settings.</summary>
public sealed class ProjectDataEndpointsTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task Entities_ListsScopesWithCountsAndTotals_AndDeleteRemovesOneEntity()
    {
        await _client.AddMemoryAsync("E1", "entity-user", ""","agent_id":"entity-agent" """);
        await _client.AddMemoryAsync("E2", "entity-user");
        await _client.AddMemoryAsync("E3", "entity-other");

        var body = await (await _client.GetAsync("/v1/entities/")).JsonAsync();
        var results = body["results"]!.AsArray();
        var user = results.Single(e => e!["name"]!.GetValue<string>() == "entity-user")!;
        Assert.Equal("user", user["type"]!.GetValue<string>());
        Assert.Equal(2, user["total_memories"]!.GetValue<long>());
        Assert.Contains(results, e => e!["type"]!.GetValue<string>() == "agent" && e["name"]!.GetValue<string>() == "entity-agent");
        Assert.True(body["total_users"]!.GetValue<long>() >= 2);
        Assert.True(body["total_agents"]!.GetValue<long>() >= 1);
        Assert.Equal(results.Count, body["count"]!.GetValue<long>());

        var deleted = await (await _client.DeleteAsync("/v2/entities/user/entity-user/")).JsonAsync();

        Assert.NotNull(deleted["message"]);
        var after = (await (await _client.GetAsync("/v1/entities/")).JsonAsync())["results"]!.AsArray();
        Assert.DoesNotContain(after, e => e!["name"]!.GetValue<string>() is "entity-user" or "entity-agent");
        Assert.Contains(after, e => e!["name"]!.GetValue<string>() == "entity-other");
        await (await _client.DeleteAsync("/v2/entities/planet/x/")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Entities_Paging_SplitsResults()
    {
        await _client.AddMemoryAsync("P1", "entity-page-1");
        await _client.AddMemoryAsync("P2", "entity-page-2");

        var page = await (await _client.GetAsync("/v1/entities/?page=1&page_size=1")).JsonAsync();

        Assert.Single(page["results"]!.AsArray());
        Assert.NotNull(page["next"]);
    }

    [Fact]
    public async Task BatchUpdate_UpdatesAll_AndBatchDelete_DeletesAll()
    {
        var a = await _client.AddMemoryAsync("Batch A", "batch-user");
        var b = await _client.AddMemoryAsync("Batch B", "batch-user");

        var updated = await (await _client.PutJsonAsync("/v1/batch/", $$$"""{"memories":[{"memory_id":"{{{a}}}","text":"Batch A2"},{"memory_id":"{{{b}}}","metadata":{"k":"v"}}]}""")).JsonAsync();
        Assert.Equal("Successfully updated 2 memories", updated["message"]!.GetValue<string>());
        Assert.Equal("Batch A2", (await (await _client.GetAsync($"/v1/memories/{a}/")).JsonAsync())["memory"]!.GetValue<string>());

        var deleted = await (await _client.DeleteJsonAsync("/v1/batch/", $$$"""{"memories":[{"memory_id":"{{{a}}}"},{"memory_id":"{{{b}}}"}]}""")).JsonAsync();
        Assert.Equal("Successfully deleted 2 memories", deleted["message"]!.GetValue<string>());
        await (await _client.GetAsync($"/v1/memories/{b}/")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Batch_WithAnUnknownId_Is404AndChangesNothing()
    {
        var a = await _client.AddMemoryAsync("Batch keep", "batch-keep");

        await (await _client.DeleteJsonAsync("/v1/batch/", $$$"""{"memories":[{"memory_id":"{{{a}}}"},{"memory_id":"{{{Guid.NewGuid()}}}"}]}""")).ErrorAsync(HttpStatusCode.NotFound);

        await (await _client.GetAsync($"/v1/memories/{a}/")).JsonAsync();
    }

    [Fact]
    public async Task Batch_EmptyTooLargeOrMalformed_Is400()
    {
        var tooMany = string.Join(',', Enumerable.Range(0, 1001).Select(_ => $$$"""{"memory_id":"{{{Guid.NewGuid()}}}"}"""));

        await (await _client.PutJsonAsync("/v1/batch/", """{"memories":[]}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.DeleteJsonAsync("/v1/batch/", $$$"""{"memories":[{{{tooMany}}}]}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.DeleteJsonAsync("/v1/batch/", """{"memories":[{"memory_id":"nope"}]}""")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Events_ListAndGet_ShowTheProjectsEvents()
    {
        var queued = await (await _client.PostJsonAsync("/v3/memories/add/", """{"messages":"I collect stamps.","user_id":"events-user"}""")).JsonAsync();
        var eventId = queued["event_id"]!.GetValue<string>();
        await _client.WaitForEventAsync(eventId);

        var list = await (await _client.GetAsync("/v1/events/?page=1&page_size=50")).JsonAsync();

        Assert.Contains(list["results"]!.AsArray(), e => e!["id"]!.GetValue<string>() == eventId);
        Assert.True(list["count"]!.GetValue<long>() >= 1);
        var one = await (await _client.GetAsync($"/v1/event/{eventId}/")).JsonAsync();
        Assert.Equal("events-user", one["payload"]!["user_id"]!.GetValue<string>());
        await (await _client.GetAsync($"/v1/event/{Guid.NewGuid()}/")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Feedback_IsStoredAndEchoed_AndValidated()
    {
        var id = await _client.AddMemoryAsync("Feedback target", "feedback-user");

        var body = await (await _client.PostJsonAsync("/v1/feedback/", $$$"""{"memory_id":"{{{id}}}","feedback":"negative","feedback_reason":"outdated"}""")).JsonAsync();

        Assert.Equal("NEGATIVE", body["feedback"]!.GetValue<string>());
        Assert.Equal("outdated", body["feedback_reason"]!.GetValue<string>());
        var stored = Assert.Single(await factory.Store.Feedback.ListFeedbackAsync("default", id));
        Assert.Equal("NEGATIVE", stored.Feedback);
        await (await _client.PostJsonAsync("/v1/feedback/", $$$"""{"memory_id":"{{{id}}}","feedback":"MEH"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.PostJsonAsync("/v1/feedback/", $$$"""{"memory_id":"{{{Guid.NewGuid()}}}","feedback":"POSITIVE"}""")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Export_ShapesMemoriesBySchema_AndIsFoundByIdOrFilters()
    {
        await _client.AddMemoryAsync("Export one", "export-user", ""","metadata":{"mood":"happy"}""");
        await _client.AddMemoryAsync("Export two", "export-user");
        const string Schema = """{"type":"object","properties":{"memories":{"type":"array","items":{"type":"object","properties":{"memory":{"type":"string"},"mood":{"type":"string"}}}},"count":{"type":"integer"}}}""";

        var created = await (await _client.PostJsonAsync("/v1/exports/", $$$"""{"schema":{{{Schema}}},"filters":{"user_id":"export-user"}}""")).JsonAsync(HttpStatusCode.Created);
        var byId = await (await _client.PostJsonAsync("/v1/exports/get/", $$$"""{"memory_export_id":"{{{created["id"]}}}"}""")).JsonAsync();
        var byFilters = await (await _client.PostJsonAsync("/v1/exports/get/", """{"filters":{"user_id":"export-user"}}""")).JsonAsync();

        Assert.Equal(2, byId["count"]!.GetValue<int>());
        Assert.Equal(2, byId["data"]!["count"]!.GetValue<int>());
        var memories = byId["data"]!["memories"]!.AsArray();
        Assert.Contains(memories, m => m!["memory"]!.GetValue<string>() == "Export one" && m["mood"]!.GetValue<string>() == "happy");
        Assert.Equal(created["id"]!.GetValue<string>(), byFilters["id"]!.GetValue<string>());
        await (await _client.PostJsonAsync("/v1/exports/get/", $$$"""{"memory_export_id":"{{{Guid.NewGuid()}}}"}""")).ErrorAsync(HttpStatusCode.NotFound);
        await (await _client.PostJsonAsync("/v1/exports/", """{"schema":{},"filters":{}}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.PostJsonAsync("/v1/exports/get/", "{}")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Project_PatchEchoesSettings_GetReturnsThem_AndAddsUseThem()
    {
        const string Path = "/api/v1/orgs/organizations/default/projects/default/";

        var patched = await (await _client.PatchJsonAsync(Path, """{"custom_instructions":"Only keep food preferences.","custom_categories":[{"food":"What the user eats"}],"decay":true}""")).JsonAsync();
        var got = await (await _client.GetAsync(Path)).JsonAsync();
        var some = (await (await _client.GetAsync(Path + "?fields=custom_instructions&fields=decay")).JsonAsync()).AsObject();
        var queued = await (await _client.PostJsonAsync("/v3/memories/add/", """{"messages":"I love ramen.","user_id":"project-user"}""")).JsonAsync();
        var payload = (await _client.WaitForEventAsync(queued["event_id"]!.GetValue<string>()))["payload"]!;

        Assert.Equal("Only keep food preferences.", patched["custom_instructions"]!.GetValue<string>());
        Assert.True(patched["decay"]!.GetValue<bool>());
        Assert.Equal("What the user eats", got["custom_categories"]![0]!["food"]!.GetValue<string>());
        Assert.Equal("default", got["id"]!.GetValue<string>());
        Assert.Equal(2, some.Count);
        Assert.Equal("Only keep food preferences.", payload["custom_instructions"]!.GetValue<string>());
        Assert.Equal("What the user eats", payload["custom_categories"]!["food"]!.GetValue<string>());
        await (await _client.PatchJsonAsync(Path, """{"custom_instructions":7}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.GetAsync("/api/v1/orgs/organizations/default/projects/another/")).ErrorAsync(HttpStatusCode.NotFound);
    }
}
