namespace Engram.Server.Tests;

/// <summary>Mem0g's wire shapes: <c>relations</c> on add (v1.1 with <c>enable_graph</c>) and search, and <c>GET /v1/relations/</c>.</summary>
public sealed class GraphEndpointsTests
{
    [Fact]
    public async Task AddAndSearch_WithEnableGraph_ReturnMem0gRelations_AndContradictionsAreInvalidated()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();

        var first = await AddAsync(client, "I live in Lisbon.");
        var second = await AddAsync(client, "I live in Porto.");

        var added = first["relations"]!["added_entities"]!.AsArray();
        Assert.Equal("""[[{"source":"hana","relationship":"lives_in","target":"lisbon"}]]""", added.ToJsonString());
        Assert.Empty(first["relations"]!["deleted_entities"]!.AsArray());
        Assert.Equal("""[[{"source":"hana","relationship":"lives_in","target":"lisbon"}]]""", second["relations"]!["deleted_entities"]!.ToJsonString());

        var search = await (await client.PostJsonAsync("/v3/memories/search/",
            """{"query":"Where does Hana live?","filters":{"user_id":"hana"},"enable_graph":true}""")).JsonAsync();
        Assert.Equal("""{"source":"hana","relationship":"lives_in","destination":"porto"}""", search["relations"]![0]!.ToJsonString());
        var v11 = await (await client.PostJsonAsync("/v1/memories/search/", """{"query":"Where does Hana live?","user_id":"hana","output_format":"v1.1"}""")).JsonAsync();
        Assert.NotEmpty(v11["relations"]!.AsArray());
        var plain = await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"Where does Hana live?","filters":{"user_id":"hana"}}""")).JsonAsync();
        Assert.Null(plain["relations"]);

        var valid = await (await client.GetAsync("/v1/relations/?entity=Hana")).JsonAsync();
        Assert.Equal("porto", Assert.Single(valid.AsArray())!["target"]!.GetValue<string>());
        var all = (await (await client.GetAsync("/v1/relations/?entity=hana&user_id=hana&include_invalidated=true")).JsonAsync()).AsArray();
        Assert.Equal(2, all.Count);
        Assert.False(all[1]!["valid"]!.GetValue<bool>());
        Assert.NotNull(all[1]!["invalidated_at"]);
        Assert.Equal(second["results"]![0]!["id"]!.GetValue<string>(), all[1]!["invalidated_by"]!.GetValue<string>());
        await (await client.GetAsync("/v1/relations/")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Relations_AreIsolatedByProject()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        await AddAsync(client, "I live in Lisbon.");
        var stranger = await factory.CreateClientForProjectAsync("org-b", "project-b");

        Assert.Empty((await (await stranger.GetAsync("/v1/relations/?entity=hana")).JsonAsync()).AsArray());
    }

    private static async Task<JsonNode> AddAsync(HttpClient client, string text) =>
        await (await client.PostJsonAsync("/v1/memories/",
            $$"""{"messages":[{"role":"user","content":"{{text}}","name":"Hana"}],"user_id":"hana","infer":false,"async_mode":false,"output_format":"v1.1","enable_graph":true}""")).JsonAsync();
}
