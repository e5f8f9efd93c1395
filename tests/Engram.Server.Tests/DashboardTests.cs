namespace Engram.Server.Tests;

/// <summary>The dashboard's files at <c>/ui/</c> (embedded, with a strict CSP) and its JSON routes under <c>/ui/api/</c>.</summary>
public sealed class DashboardTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task Ui_ServesTheEmbeddedPageWithAStrictContentSecurityPolicy()
    {
        var anonymous = factory.CreateClient();
        var response = await anonymous.GetAsync("/ui/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"js/app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var script = await anonymous.GetAsync("/ui/js/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True(script.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task Ui_RedirectsTheBarePathRevalidatesByETagAnd404sUnknownFiles()
    {
        var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var bare = await anonymous.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/ui/", bare.Headers.Location?.OriginalString);

        var first = await anonymous.GetAsync("/ui/app.css");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.css");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);

        await (await anonymous.GetAsync("/ui/js/missing.js")).ErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Api_NeedsAKey()
    {
        await (await factory.CreateClient().GetAsync("/ui/api/stats/")).ErrorAsync(HttpStatusCode.Unauthorized);
        await (await factory.CreateClient().PostJsonAsync("/ui/api/search/", """{"query":"x"}""")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Stats_CountsTheCallersProjectOnly()
    {
        var client = await factory.CreateClientForProjectAsync("org-stats", "project-stats");
        var other = await factory.CreateClientForProjectAsync("org-stats", "project-stats-other");
        await client.AddMemoryAsync("Stats likes tea", "stats-user");
        await client.AddMemoryAsync("Stats likes coffee", "stats-user", ""","agent_id":"stats-agent" """);
        await other.AddMemoryAsync("Someone else", "other-user");
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"tea","filters":{"user_id":"stats-user"}}""")).JsonAsync();
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"coffee","filters":{"user_id":"stats-user"}}""")).JsonAsync();

        var stats = await (await client.GetAsync("/ui/api/stats/")).JsonAsync();

        Assert.Equal("project-stats", stats["project_id"]!.GetValue<string>());
        Assert.Equal(2, stats["active_memories"]!.GetValue<long>());
        Assert.Equal(2, stats["total_memories"]!.GetValue<long>());
        Assert.Equal(1, stats["users"]!.GetValue<long>());
        Assert.Equal(1, stats["agents"]!.GetValue<long>());
        Assert.Equal(0, stats["events"]!.GetValue<long>());
        Assert.True(stats["database_bytes"]!.GetValue<long>() > 0);
        var rates = stats["rates"]!;
        Assert.Equal(2, rates["adds_last_hour"]!.GetValue<long>());
        Assert.Equal(2, rates["memories_added_last_hour"]!.GetValue<long>());
        Assert.Equal(2, rates["searches_last_five_minutes"]!.GetValue<long>());
        Assert.Equal(0.4, rates["searches_per_minute"]!.GetValue<double>());
    }

    [Fact]
    public async Task Search_ReturnsExplainedHitsAndTheExcludedCandidatesWithTheirText()
    {
        await _client.AddMemoryAsync("Dana drinks green tea every morning", "dash-search");
        await _client.AddMemoryAsync("Dana prefers green tea to coffee", "dash-search");

        var body = await (await _client.PostJsonAsync("/ui/api/search/",
            """{"query":"green tea","filters":{"user_id":"dash-search"},"top_k":1,"explain":true}""")).JsonAsync();

        var hit = Assert.Single(body["results"]!.AsArray())!;
        Assert.NotEmpty(hit["score_details"]!["signals"]!.AsArray());
        var excluded = Assert.Single(body["excluded"]!.AsArray())!;
        Assert.Equal("beyond_top_k", excluded["reason"]!.GetValue<string>());
        Assert.StartsWith("Dana ", excluded["memory"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual(hit["id"]!.GetValue<string>(), excluded["memory_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_RejectsMalformedInputWith400()
    {
        await (await _client.PostJsonAsync("/ui/api/search/", """{"query":"x","top_k":"many"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await _client.PostJsonAsync("/ui/api/search/", """{"query":"x","user_id":"top-level"}""")).ErrorAsync(HttpStatusCode.BadRequest);
    }
}
