namespace Engram.Server.Tests;

/// <summary>
/// Two projects whose keys cannot read, list, search, update or delete the other's memories, nor see their history,
/// events, entities, feedback, exports or project settings — by id, by filter or by scope.
/// </summary>
public sealed class IsolationTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private const string SharedUser = "shared-user";

    [Fact]
    public async Task KeysOfTwoProjects_NeverSeeOrTouchTheOthersData()
    {
        var a = factory.CreateAuthorizedClient();
        var b = await factory.CreateClientForProjectAsync("org-b", "project-b");
        var ping = await (await b.GetAsync("/v1/ping/")).JsonAsync();
        Assert.Equal("project-b", ping["project_id"]!.GetValue<string>());
        Assert.Equal("org-b", ping["org_id"]!.GetValue<string>());
        Assert.Matches("^onnx/snowflake-arctic-embed-xs-int8@[0-9a-f]{12}$", ping["embedder"]!.GetValue<string>());

        // Project A holds a memory (sync) and an event (async) for a user id that project B uses too.
        var memoryId = await a.AddMemoryAsync("Secret of project A", SharedUser, ""","agent_id":"agent-a","metadata":{"tag":"a"}""");
        var queued = await (await a.PostJsonAsync("/v3/memories/add/", $$$"""{"messages":"Project A likes tea.","user_id":"{{{SharedUser}}}"}""")).JsonAsync();
        var eventId = queued["event_id"]!.GetValue<string>();
        Assert.Equal("SUCCEEDED", (await a.WaitForEventAsync(eventId))["status"]!.GetValue<string>());
        var ownB = await b.AddMemoryAsync("Project B's own memory", SharedUser);

        // By id: get, update, delete, history, feedback, batch.
        await (await b.GetAsync($"/v1/memories/{memoryId}/")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.PutJsonAsync($"/v1/memories/{memoryId}/", """{"text":"overwritten"}""")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.DeleteAsync($"/v1/memories/{memoryId}/")).ErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await b.GetAsync($"/v1/memories/{memoryId}/history/")).JsonAsync()).AsArray());
        await (await b.PostJsonAsync("/v1/feedback/", $$$"""{"memory_id":"{{{memoryId}}}","feedback":"NEGATIVE"}""")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.PutJsonAsync("/v1/batch/", $$$"""{"memories":[{"memory_id":"{{{memoryId}}}","text":"x"}]}""")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.DeleteJsonAsync("/v1/batch/", $$$"""{"memories":[{"memory_id":"{{{memoryId}}}"}]}""")).ErrorAsync(HttpStatusCode.NotFound);

        // By filter and scope: search, list (current and legacy), exports.
        var search = await (await b.PostJsonAsync("/v3/memories/search/", $$$"""{"query":"secret project tea","filters":{"OR":[{"user_id":"{{{SharedUser}}}"},{"agent_id":"agent-a"},{"user_id":"*"}]}}""")).JsonAsync();
        Assert.DoesNotContain(search["results"]!.AsArray(), h => h!["memory"]!.GetValue<string>().Contains("project A", StringComparison.OrdinalIgnoreCase));
        var byIdFilter = await (await b.PostJsonAsync("/v3/memories/", $$$"""{"filters":{"AND":[{"user_id":"*"},{"memory_ids":{"in":["{{{memoryId}}}"]}}]}}""")).JsonAsync();
        Assert.Equal(0, byIdFilter["count"]!.GetValue<long>());
        var list = await (await b.PostJsonAsync("/v3/memories/", $$$"""{"filters":{"user_id":"{{{SharedUser}}}"}}""")).JsonAsync();
        Assert.Equal(ownB, Assert.Single(list["results"]!.AsArray())!["id"]!.GetValue<string>());
        var legacy = (await (await b.GetAsync($"/v1/memories/?user_id={SharedUser}")).JsonAsync()).AsArray();
        Assert.Single(legacy);
        var legacySearch = (await (await b.PostJsonAsync("/v1/memories/search/", $$$"""{"query":"secret","user_id":"{{{SharedUser}}}"}""")).JsonAsync()).AsArray();
        Assert.DoesNotContain(legacySearch, h => h!["memory"]!.GetValue<string>().Contains("project A", StringComparison.OrdinalIgnoreCase));
        await (await b.PostJsonAsync("/v1/exports/", $$$"""{"schema":{"type":"object"},"filters":{"user_id":"{{{SharedUser}}}"}}""")).JsonAsync(HttpStatusCode.Created);
        var export = await (await b.PostJsonAsync("/v1/exports/get/", $$$"""{"filters":{"user_id":"{{{SharedUser}}}"}}""")).JsonAsync();
        Assert.Equal(1, export["count"]!.GetValue<int>());

        // Events and entities.
        await (await b.GetAsync($"/v1/event/{eventId}/")).ErrorAsync(HttpStatusCode.NotFound);
        var events = await (await b.GetAsync("/v1/events/")).JsonAsync();
        Assert.DoesNotContain(events["results"]!.AsArray(), e => e!["id"]!.GetValue<string>() == eventId);
        var entities = (await (await b.GetAsync("/v1/entities/")).JsonAsync())["results"]!.AsArray();
        Assert.DoesNotContain(entities, e => e!["name"]!.GetValue<string>() == "agent-a");
        Assert.Equal(1, entities.Single(e => e!["name"]!.GetValue<string>() == SharedUser)!["total_memories"]!.GetValue<long>());

        // Project settings of A are not reachable with B's key.
        await (await b.GetAsync("/api/v1/orgs/organizations/default/projects/default/")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.PatchJsonAsync("/api/v1/orgs/organizations/default/projects/default/", """{"custom_instructions":"x"}""")).ErrorAsync(HttpStatusCode.NotFound);

        // Deleting by scope and by entity in B leaves A untouched.
        await (await b.DeleteAsync($"/v1/memories/?user_id={SharedUser}")).JsonAsync();
        await (await b.DeleteAsync("/v1/memories/?user_id=*")).JsonAsync();
        await (await b.DeleteAsync($"/v2/entities/user/{SharedUser}/")).JsonAsync();
        await (await b.DeleteAsync("/v2/entities/agent/agent-a/")).JsonAsync();
        var stillThere = await (await a.GetAsync($"/v1/memories/{memoryId}/")).JsonAsync();
        Assert.Equal("Secret of project A", stillThere["memory"]!.GetValue<string>());
        var aList = await (await a.PostJsonAsync("/v3/memories/", $$$"""{"filters":{"user_id":"{{{SharedUser}}}"}}""")).JsonAsync();
        Assert.True(aList["count"]!.GetValue<long>() >= 2);
        Assert.Single((await (await a.GetAsync($"/v1/memories/{memoryId}/history/")).JsonAsync()).AsArray());
    }

    [Fact]
    public async Task TenantIdsInTheBody_AreIgnored()
    {
        var b = await factory.CreateClientForProjectAsync("org-c", "project-c");

        var id = await b.AddMemoryAsync("Where does this land?", "body-tenant", ""","org_id":"default","project_id":"default" """);

        await (await factory.CreateAuthorizedClient().GetAsync($"/v1/memories/{id}/")).ErrorAsync(HttpStatusCode.NotFound);
        await (await b.GetAsync($"/v1/memories/{id}/")).JsonAsync();
    }
}
