namespace Engram.Client.Tests;

/// <summary>
/// The routes beyond <see cref="IMemory"/> (ping, events, entities, batch, feedback, exports, project settings) and the
/// error mapping, against the real server.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class EngramClientRoutesTests(EngramServerProcess server)
{
    private EngramClient Client => server.Client;

    private static string NewUser() => "routes-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<string> AddAsync(string text, string user)
    {
        var result = await Client.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User(text)], Scope = MemoryScope.ForUser(user), Infer = false });
        return Assert.Single(result.Results).Id;
    }

    [Fact]
    public async Task Ping_ReturnsTheKeysOrganizationAndProject()
    {
        var ping = await Client.PingAsync();

        Assert.Equal("ok", ping.GetProperty("status").GetString());
        Assert.Equal("default", ping.GetProperty("org_id").GetString());
        Assert.Equal("default", ping.GetProperty("project_id").GetString());
    }

    [Fact]
    public async Task Events_AreReadableById()
    {
        var user = NewUser();
        await Client.AddAsync(AddMemoriesRequest.FromText("I have a dog called Rex.", MemoryScope.ForUser(user)));
        var events = await Client.ListEventsAsync();
        var id = events.GetProperty("results")[0].GetProperty("id").GetString()!;

        var evt = await Client.GetEventAsync(id);

        Assert.Equal(id, evt.GetProperty("id").GetString());
        Assert.Equal("SUCCEEDED", evt.GetProperty("status").GetString());
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.GetEventAsync(Guid.CreateVersion7().ToString()));
    }

    [Fact]
    public async Task Entities_AreListedWithCountsAndDeletedWithTheirMemories()
    {
        var user = NewUser();
        await AddAsync("Entity memory one", user);
        await AddAsync("Entity memory two", user);
        await Client.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("Agent memory")], Scope = MemoryScope.ForAgent(user + "-agent"), Infer = false });

        var entities = await Client.ListEntitiesAsync();

        Assert.Contains(new EngramEntity("user", user, 2), entities);
        Assert.Contains(new EngramEntity("agent", user + "-agent", 1), entities);
        await Client.DeleteEntityAsync("user", user);
        Assert.DoesNotContain(await Client.ListEntitiesAsync(), e => e.Id == user);
        Assert.Equal(0, (await Client.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user) })).TotalCount);
        await Assert.ThrowsAsync<MemoryValidationException>(() => Client.DeleteEntityAsync("planet", user));
    }

    [Fact]
    public async Task ListEntities_ReadsEveryPage()
    {
        var prefix = NewUser();
        for (var i = 0; i < 201; i++)
        {
            await AddAsync("Many users", $"{prefix}-{i:D3}");
        }

        var entities = await Client.ListEntitiesAsync();

        Assert.Equal(201, entities.Count(e => e.Id.StartsWith(prefix, StringComparison.Ordinal)));
        await Client.DeleteAllAsync(new MemoryScope { UserId = "*" });
    }

    [Fact]
    public async Task Batch_UpdatesAndDeletesSeveralMemories()
    {
        var user = NewUser();
        var a = await AddAsync("Batch one", user);
        var b = await AddAsync("Batch two", user);

        var updated = await Client.BatchUpdateAsync(
        [
            new UpdateMemoryRequest { MemoryId = a, Text = "Batch one, updated" },
            new UpdateMemoryRequest { MemoryId = b, Metadata = MemoryMetadata.From(new KeyValuePair<string, object?>("flag", "x")) },
        ]);

        Assert.Contains("updated", updated.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Batch one, updated", (await Client.GetAsync(a))!.Memory);
        var second = (await Client.GetAsync(b))!;
        Assert.Equal("Batch two", second.Memory);
        Assert.Equal("x", second.Metadata["flag"].GetString());

        var deleted = await Client.BatchDeleteAsync([a, b]);
        Assert.Contains("deleted", deleted.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await Client.GetAsync(a));
        Assert.Null(await Client.GetAsync(b));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.BatchDeleteAsync([a]));
    }

    [Fact]
    public async Task Feedback_IsStoredAndEchoed()
    {
        var id = await AddAsync("Likes jazz", NewUser());

        var feedback = await Client.SendFeedbackAsync(id, "NEGATIVE", "wrong person");
        var cleared = await Client.SendFeedbackAsync(id, null);

        Assert.Equal("NEGATIVE", feedback.GetProperty("feedback").GetString());
        Assert.Equal("wrong person", feedback.GetProperty("feedback_reason").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("feedback").ValueKind);
        await Assert.ThrowsAsync<MemoryValidationException>(() => Client.SendFeedbackAsync(id, "MEH"));
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.SendFeedbackAsync(Guid.CreateVersion7().ToString(), "POSITIVE"));
    }

    [Fact]
    public async Task Export_IsCreatedAndReadBackShapedByItsSchema()
    {
        var user = NewUser();
        await AddAsync("Export me", user);
        await AddAsync("Export me too", user);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"memories":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"memory":{"type":"string"}}}},"count":{"type":"integer"}}}""");

        var created = await Client.CreateExportAsync(schema.RootElement, MemoryFilter.Parse($$"""{"user_id":"{{user}}"}"""));
        var export = await Client.GetExportAsync(created.GetProperty("id").GetString()!);

        Assert.Equal("SUCCEEDED", export.GetProperty("status").GetString());
        Assert.Equal(2, export.GetProperty("count").GetInt32());
        var data = export.GetProperty("data");
        Assert.Equal(2, data.GetProperty("count").GetInt32());
        Assert.Equal(["Export me too", "Export me"], data.GetProperty("memories").EnumerateArray().Select(m => m.GetProperty("memory").GetString()).Order(StringComparer.Ordinal).Reverse());
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.GetExportAsync(Guid.CreateVersion7().ToString()));
    }

    [Fact]
    public async Task Project_SettingsAreReadAndUpdated()
    {
        using var settings = JsonDocument.Parse("""{"custom_instructions":"Only remember food preferences.","custom_categories":[{"food":"What the user eats"}]}""");

        var updated = await Client.UpdateProjectAsync("default", "default", settings.RootElement);
        var project = await Client.GetProjectAsync("default", "default");

        Assert.Equal("Only remember food preferences.", updated.GetProperty("custom_instructions").GetString());
        Assert.Equal("Only remember food preferences.", project.GetProperty("custom_instructions").GetString());
        Assert.Equal("What the user eats", project.GetProperty("custom_categories")[0].GetProperty("food").GetString());
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.GetProjectAsync("default", "someone-elses"));

        using var reset = JsonDocument.Parse("""{"custom_instructions":null,"custom_categories":null}""");
        await Client.UpdateProjectAsync("default", "default", reset.RootElement);
    }

    [Fact]
    public async Task Errors_MapToTheLibrarysExceptions()
    {
        var user = NewUser();

        var invalid = await Assert.ThrowsAsync<MemoryValidationException>(() => Client.SearchAsync(new SearchMemoriesRequest { Query = "   ", Scope = MemoryScope.ForUser(user) }));
        Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
        await Assert.ThrowsAsync<MemoryValidationException>(() => Client.AddAsync(new AddMemoriesRequest { Messages = [MemoryMessage.User("x")], Scope = new MemoryScope(), Infer = false }));
        await Assert.ThrowsAsync<MemoryValidationException>(() => Client.ListAsync(new ListMemoriesRequest { Scope = MemoryScope.ForUser(user), PageSize = 500 }));
        var unknown = Guid.CreateVersion7().ToString();
        var missing = await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.UpdateAsync(new UpdateMemoryRequest { MemoryId = unknown, Text = "x" }));
        Assert.Equal(unknown, missing.MemoryId);
        Assert.Equal(unknown, (await Assert.ThrowsAsync<MemoryNotFoundException>(() => Client.SendFeedbackAsync(unknown, "POSITIVE"))).MemoryId);

        var wrongKey = server.CreateClient("m0-not-a-real-key-000000000");
        var refused = await Assert.ThrowsAsync<EngramClientException>(() => wrongKey.PingAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Invalid API key.", refused.Message);
        await Assert.ThrowsAsync<EngramClientException>(() => wrongKey.SearchAsync(new SearchMemoriesRequest { Query = "x", Scope = MemoryScope.ForUser(user) }));
    }

    [Fact]
    public async Task Reset_DeletesEveryEntityOfTheProject()
    {
        await AddAsync("Reset me", NewUser());

        await Client.ResetAsync();

        Assert.Empty(await Client.ListEntitiesAsync());
    }
}
