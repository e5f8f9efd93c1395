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

    [Fact]
    public async Task V3SyncAdd_CarriesRelations_WhenAskedOrWhenTheGraphIsOn()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        using var graphFactory = new GraphServerFactory();
        var graphClient = graphFactory.CreateAuthorizedClient();
        const string Body = """{"messages":[{"role":"user","content":"I live in Lisbon.","name":"Hana"}],"user_id":"hana","infer":false""";

        var asked = await (await client.PostJsonAsync("/v3/memories/add/", Body + ""","enable_graph":true}""")).JsonAsync();
        var plain = await (await client.PostJsonAsync("/v3/memories/add/", Body + "}")).JsonAsync();
        var global = await (await graphClient.PostJsonAsync("/v3/memories/add/", Body + "}")).JsonAsync();

        const string Expected = """{"deleted_entities":[],"added_entities":[[{"source":"hana","relationship":"lives_in","target":"lisbon"}]]}""";
        Assert.Equal(Expected, asked["relations"]!.ToJsonString());
        Assert.Equal("Memories added successfully.", asked["message"]!.GetValue<string>());
        Assert.Null(plain["relations"]);
        Assert.Equal(Expected, global["relations"]!.ToJsonString());
    }

    [Fact]
    public async Task AsyncAdds_PutTheirRelationsInTheEvent_OnlyWithTheGraph()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();

        var first = await client.WaitForEventAsync(await QueueV3Async(client, "I live in Lisbon.", graph: true));
        var legacy = (await (await client.PostJsonAsync("/v1/memories/",
            """{"messages":[{"role":"user","content":"I live in Porto.","name":"Hana"}],"user_id":"hana","enable_graph":true}""")).JsonAsync())[0]!["event_id"]!.GetValue<string>();
        var second = await client.WaitForEventAsync(legacy);
        var plain = await client.WaitForEventAsync(await QueueV3Async(client, "I play the cello.", graph: false));

        Assert.Equal("SUCCEEDED", first["status"]!.GetValue<string>());
        Assert.Equal("""{"deleted_entities":[],"added_entities":[[{"source":"hana","relationship":"lives_in","target":"lisbon"}]]}""", first["relations"]!.ToJsonString());
        Assert.Equal(
            """{"deleted_entities":[[{"source":"hana","relationship":"lives_in","target":"lisbon"}]],"added_entities":[[{"source":"hana","relationship":"lives_in","target":"porto"}]]}""",
            second["relations"]!.ToJsonString());
        Assert.Equal("SUCCEEDED", plain["status"]!.GetValue<string>());
        Assert.Null(plain["relations"]);

        // What the event reports is fixed at completion: a later update of the memory does not change it.
        var lisbonId = first["results"]![0]!["id"]!.GetValue<string>();
        await (await client.PutJsonAsync($"/v1/memories/{lisbonId}/", """{"text":"Hana lives in Faro."}""")).JsonAsync();
        var again = await (await client.GetAsync($"/v1/event/{first["id"]!.GetValue<string>()}/")).JsonAsync();
        Assert.Equal(first["relations"]!.ToJsonString(), again["relations"]!.ToJsonString());
    }

    [Fact]
    public async Task GetAll_WithEnableGraphOrV11_ReturnsTheListedMemoriesValidRelations()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        await AddAsync(client, "I live in Lisbon.");
        await AddAsync(client, "I live in Porto.");
        await client.AddMemoryAsync("Hana lives in Rome.", "other", ""","enable_graph":true""");

        var v1 = await (await client.GetAsync("/v1/memories/?user_id=hana&enable_graph=true")).JsonAsync();
        var v2 = await (await client.PostJsonAsync("/v2/memories/", """{"filters":{"user_id":"hana"},"output_format":"v1.1"}""")).JsonAsync();
        var bare = await (await client.GetAsync("/v1/memories/?user_id=hana")).JsonAsync();

        const string Expected = """[{"source":"hana","relationship":"lives_in","target":"porto"}]""";
        Assert.Equal(2, v1["results"]!.AsArray().Count);
        Assert.Equal(Expected, v1["relations"]!.ToJsonString());
        Assert.Equal(2, v2["results"]!.AsArray().Count);
        Assert.Equal(Expected, v2["relations"]!.ToJsonString());
        Assert.Equal(2, bare.AsArray().Count);
    }

    [Fact]
    public async Task Entities_WithEnableGraph_CarryEachEntitysValidRelations_AndOtherwiseKeepMem0sShape()
    {
        using var factory = new EngramServerFactory();
        var client = factory.CreateAuthorizedClient();
        await AddAsync(client, "I live in Lisbon.");
        await AddAsync(client, "I live in Porto.");
        await client.AddMemoryAsync("I like tea.", "bob");

        var graph = (await (await client.GetAsync("/v1/entities/?enable_graph=true")).JsonAsync())["results"]!.AsArray();
        var plain = (await (await client.GetAsync("/v1/entities/")).JsonAsync())["results"]!.AsArray();

        var hana = Assert.Single(graph, e => e!["id"]!.GetValue<string>() == "hana")!;
        Assert.Equal("""[{"source":"hana","relationship":"lives_in","target":"porto"}]""", hana["relations"]!.ToJsonString());
        Assert.Empty(Assert.Single(graph, e => e!["id"]!.GetValue<string>() == "bob")!["relations"]!.AsArray());
        Assert.All(plain, e => Assert.Null(e!["relations"]));
    }

    private static async Task<string> QueueV3Async(HttpClient client, string text, bool graph) =>
        (await (await client.PostJsonAsync("/v3/memories/add/",
            $$"""{"messages":[{"role":"user","content":"{{text}}","name":"Hana"}],"user_id":"hana","enable_graph":{{(graph ? "true" : "false")}}}""")).JsonAsync())["event_id"]!.GetValue<string>();

    private static async Task<JsonNode> AddAsync(HttpClient client, string text) =>
        await (await client.PostJsonAsync("/v1/memories/",
            $$"""{"messages":[{"role":"user","content":"{{text}}","name":"Hana"}],"user_id":"hana","infer":false,"async_mode":false,"output_format":"v1.1","enable_graph":true}""")).JsonAsync();
}
