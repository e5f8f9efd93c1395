namespace Engram.Server.Tests;

/// <summary>Mem0's legacy routes for older clients.</summary>
public sealed class LegacyMemoryEndpointsTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task V1Add_Default_QueuesAndAnswersAList()
    {
        var body = (await (await _client.PostJsonAsync("/v1/memories/", """{"messages":[{"role":"user","content":"I play the cello"}],"user_id":"legacy-add","version":"v2"}""")).JsonAsync()).AsArray();

        var queued = Assert.Single(body)!;
        Assert.Equal("PENDING", queued["status"]!.GetValue<string>());
        Assert.NotNull(queued["message"]);
        var finished = await _client.WaitForEventAsync(queued["event_id"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", finished["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task V1Add_AsyncModeFalse_AnswersResults_V10AsListAndV11AsObject()
    {
        var list = (await (await _client.PostJsonAsync("/v1/memories/", """{"messages":"Plays chess","user_id":"legacy-sync","async_mode":false,"infer":false}""")).JsonAsync()).AsArray();
        var wrapped = await (await _client.PostJsonAsync("/v1/memories/", """{"messages":"Plays go","user_id":"legacy-sync","async_mode":false,"infer":false,"output_format":"v1.1"}""")).JsonAsync();

        Assert.Equal("Plays chess", Assert.Single(list)!["data"]!["memory"]!.GetValue<string>());
        Assert.Equal("Plays go", Assert.Single(wrapped["results"]!.AsArray())!["data"]!["memory"]!.GetValue<string>());
        Assert.Empty(wrapped["relations"]!.AsArray());
    }

    [Fact]
    public async Task V1List_ByQuery_IsABareListUnlessPaged()
    {
        await _client.AddMemoryAsync("Legacy list 1", "legacy-list");
        await _client.AddMemoryAsync("Legacy list 2", "legacy-list");

        var bare = (await (await _client.GetAsync("/v1/memories/?user_id=legacy-list")).JsonAsync()).AsArray();
        var paged = await (await _client.GetAsync("/v1/memories/?user_id=legacy-list&page=1&page_size=1")).JsonAsync();
        var limited = (await (await _client.GetAsync("/v1/memories/?user_id=legacy-list&limit=1")).JsonAsync()).AsArray();

        Assert.Equal(2, bare.Count);
        Assert.Equal(2, paged["count"]!.GetValue<long>());
        Assert.NotNull(paged["next"]);
        Assert.Single(limited);
        await (await _client.GetAsync("/v1/memories/")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task V2List_WithFilters_IsABareList()
    {
        await _client.AddMemoryAsync("Legacy v2 list", "legacy-v2-list");

        var body = (await (await _client.PostJsonAsync("/v2/memories/", """{"filters":{"AND":[{"user_id":"legacy-v2-list"}]},"page":1,"page_size":10}""")).JsonAsync()).AsArray();

        Assert.Equal("Legacy v2 list", Assert.Single(body)!["memory"]!.GetValue<string>());
        await (await _client.PostJsonAsync("/v2/memories/", """{"user_id":"legacy-v2-list"}""")).ErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task V1Search_TopLevelScope_IsAcceptedAndV11Wraps()
    {
        await _client.AddMemoryAsync("Enjoys sushi on Fridays", "legacy-search");

        var bare = (await (await _client.PostJsonAsync("/v1/memories/search/", """{"query":"sushi","user_id":"legacy-search"}""")).JsonAsync()).AsArray();
        var wrapped = await (await _client.PostJsonAsync("/v1/memories/search/", """{"query":"sushi","user_id":"legacy-search","output_format":"v1.1"}""")).JsonAsync();

        Assert.Equal("Enjoys sushi on Fridays", Assert.Single(bare)!["memory"]!.GetValue<string>());
        Assert.Single(wrapped["results"]!.AsArray());
    }

    [Fact]
    public async Task V2Search_WithFilters_IsABareList()
    {
        await _client.AddMemoryAsync("Enjoys ramen on Mondays", "legacy-search-v2");

        var body = (await (await _client.PostJsonAsync("/v2/memories/search/", """{"query":"ramen mondays","filters":{"user_id":"legacy-search-v2"},"version":"v2"}""")).JsonAsync()).AsArray();

        Assert.Equal("Enjoys ramen on Mondays", Assert.Single(body)!["memory"]!.GetValue<string>());
        await (await _client.PostJsonAsync("/v2/memories/search/", """{"query":"ramen","user_id":"legacy-search-v2"}""")).ErrorAsync(HttpStatusCode.BadRequest);
    }
}
