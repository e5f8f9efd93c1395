namespace Engram.Server.Tests;

/// <summary>API keys, Mem0's error mapping, limits, OpenAPI and health.</summary>
public sealed class AuthAndErrorsTests(EngramServerFactory factory) : IClassFixture<EngramServerFactory>
{
    [Theory]
    [InlineData("Authorization", "Token " + EngramServerFactory.FirstKey)]
    [InlineData("Authorization", "Bearer " + EngramServerFactory.FirstKey)]
    [InlineData("Authorization", "token " + EngramServerFactory.FirstKey)]
    [InlineData("X-API-Key", EngramServerFactory.FirstKey)]
    public async Task Ping_WithAnyAcceptedHeader_ReturnsOrgAndProject(string header, string value)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Mem0-User-ID", "ignored");
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Mem0-Client", "mem0-js/3.3.1");

        var body = await (await client.GetAsync("/v1/ping/")).JsonAsync();

        Assert.Equal("ok", body["status"]!.GetValue<string>());
        Assert.Equal("default", body["org_id"]!.GetValue<string>());
        Assert.Equal("default", body["project_id"]!.GetValue<string>());
        Assert.True(body.AsObject().ContainsKey("user_email"));
    }

    [Fact]
    public async Task OverlongUri_Is414ProblemDetails_WithTheLimit_AndALongOneUnderTheLimitReachesTheRoute()
    {
        var client = factory.CreateAuthorizedClient();

        var detail = await (await client.GetAsync($"/v1/memories/{new string('a', 9000)}/")).ErrorAsync(HttpStatusCode.RequestUriTooLong);
        var underLimit = await (await client.GetAsync($"/v1/memories/{new string('a', 7000)}/")).ErrorAsync(HttpStatusCode.BadRequest);

        Assert.Contains("8192", detail, StringComparison.Ordinal);
        Assert.Contains("UUID", underLimit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_WithoutTrailingSlash_IsServed()
    {
        await (await factory.CreateAuthorizedClient().GetAsync("/v1/ping")).JsonAsync();
    }

    [Fact]
    public async Task Requests_WithoutOrWithAWrongKey_Are401WithDetail()
    {
        var anonymous = factory.CreateClient();
        var wrong = factory.CreateAuthorizedClient("m0-not-a-real-key-000000000");

        var missing = await (await anonymous.GetAsync("/v1/ping/")).ErrorAsync(HttpStatusCode.Unauthorized);
        var invalid = await (await wrong.PostJsonAsync("/v3/memories/search/", """{"query":"x","filters":{"user_id":"u"}}""")).ErrorAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("Token", missing, StringComparison.Ordinal);
        Assert.Equal("Invalid API key.", invalid);
    }

    [Fact]
    public async Task RevokedKey_IsRefused()
    {
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var issued = await keys.IssueAsync("default", "default", "to revoke");
        var client = factory.CreateAuthorizedClient(issued.Key);
        await (await client.GetAsync("/v1/ping/")).JsonAsync();

        Assert.True(await keys.RevokeAsync(issued.Record.Id));

        await (await client.GetAsync("/v1/ping/")).ErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task MalformedJsonAndWrongTypes_Are400NeverA500()
    {
        var client = factory.CreateAuthorizedClient();

        var malformed = await (await client.PostJsonAsync("/v3/memories/search/", "{\"query\": ")).ErrorAsync(HttpStatusCode.BadRequest);
        var wrongType = await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"x","filters":{"user_id":"u"},"top_k":"many"}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync("/v3/memories/search/", "[1,2]")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/v3/memories/add/", null)).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PutJsonAsync($"/v1/memories/{Guid.NewGuid()}/", """{"text":12}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync("/v3/memories/add/", "null")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync("/v3/memories/?page=abc", """{"filters":{"user_id":"u"}}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"x","filters":{"created_at":{"gte":"not a date"},"user_id":"u"}}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"x","filters":{"user_id":"u"},"threshold":5}""")).ErrorAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/v3/memories/search/", new ByteArrayContent([0xff, 0xfe, 0x00]) { Headers = { ContentType = Api.Json } })).ErrorAsync(HttpStatusCode.BadRequest);

        Assert.Contains("JSON", malformed, StringComparison.Ordinal);
        Assert.Contains("top_k", wrongType, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/v3/memories/add/")]
    [InlineData("POST", "/v3/memories/search/")]
    [InlineData("POST", "/v3/memories/")]
    [InlineData("PUT", "/v1/memories/01900000-0000-7000-8000-000000000000/")]
    [InlineData("PUT", "/v1/batch/")]
    [InlineData("DELETE", "/v1/batch/")]
    [InlineData("POST", "/v1/feedback/")]
    [InlineData("POST", "/v1/exports/")]
    [InlineData("POST", "/v1/exports/get/")]
    [InlineData("PATCH", "/api/v1/orgs/organizations/default/projects/default/")]
    [InlineData("POST", "/v1/memories/")]
    [InlineData("POST", "/v2/memories/")]
    [InlineData("POST", "/v1/memories/search/")]
    [InlineData("POST", "/v2/memories/search/")]
    public async Task EveryBodyRoute_MalformedOrWrongShapedJson_Is400(string method, string path)
    {
        var client = factory.CreateAuthorizedClient();
        // PATCH stores any object as settings, so only the shape errors apply to it.
        var bodies = method == "PATCH" ? new[] { "{", "[]", "\"text\"" } : new[] { "{", "[]", "\"text\"", "{\"messages\":{\"role\":5}}" };
        foreach (var body in bodies)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

            await (await client.SendAsync(request)).ErrorAsync(HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task UnknownFields_AreIgnored_AndNumbersAsStringsAreRead()
    {
        var client = factory.CreateAuthorizedClient();
        await client.AddMemoryAsync("Tolerant parsing", "tolerant-user", ""","org_id":"other-org","project_id":"other-project","immutable":true,"includes":"x" """);

        var body = await (await client.PostJsonAsync("/v3/memories/search/", """{"query":"tolerant","filters":{"user_id":"tolerant-user"},"top_k":"3","rerank":true,"keyword_search":true,"fields":["memory"],"brand_new_option":{"a":1}}""")).JsonAsync();

        Assert.Single(body["results"]!.AsArray());
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_HaveProblemDetails()
    {
        var client = factory.CreateAuthorizedClient();

        await (await client.GetAsync("/v9/nothing/")).ErrorAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/v3/memories/add/")).ErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task SuccessfulResponses_CarryRateLimitHeaders()
    {
        var response = await factory.CreateAuthorizedClient().GetAsync("/v1/ping/");

        Assert.Equal("6000", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.True(int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture) < 6000);
        Assert.InRange(int.Parse(response.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheMem0Routes()
    {
        var document = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/v3/memories/add/", paths);
        Assert.Contains("/v3/memories/search/", paths);
        Assert.Contains("/v1/memories/{memoryId}/", paths);
        Assert.Contains("/v1/ping/", paths);
    }

    [Fact]
    public async Task Healthz_IsAnonymous()
    {
        var body = await (await factory.CreateClient().GetAsync("/healthz")).JsonAsync();

        Assert.Equal("ok", body["status"]!.GetValue<string>());
    }
}

/// <summary>Per-key rate limiting (3 requests per minute in this server).</summary>
public sealed class RateLimitTests(RateLimitedServerFactory factory) : IClassFixture<RateLimitedServerFactory>
{
    [Fact]
    public async Task FourthRequestInAWindow_Is429WithRetryAfterAndRateLimitHeaders_OtherKeysUnaffected()
    {
        var client = factory.CreateAuthorizedClient();
        for (var i = 0; i < 3; i++)
        {
            await (await client.GetAsync("/v1/ping/")).JsonAsync();
        }

        var limited = await client.GetAsync("/v1/ping/");

        var detail = await limited.ErrorAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Rate limit", detail, StringComparison.Ordinal);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("3", limited.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.NotEmpty(limited.Headers.GetValues("X-RateLimit-Reset").Single());
        var other = await factory.CreateClientForProjectAsync("default", "default");
        await (await other.GetAsync("/v1/ping/")).JsonAsync();
    }
}

/// <summary>A clock that moves only when told to (the rate limiter's reset times are read from it).</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.Parse("2026-06-01T12:00:00Z", global::System.Globalization.CultureInfo.InvariantCulture).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Three requests per minute, with the server's <see cref="TimeProvider"/> a <see cref="ManualClock"/>.</summary>
public sealed class ClockedRateLimitedServerFactory : EngramServerFactory
{
    public ClockedRateLimitedServerFactory()
        : base(new() { ["Engram:Server:RateLimitPermits"] = "3", ["Engram:Server:RateLimitWindowSeconds"] = "60" })
    {
    }

    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>A 429 says how long is actually left of the window, in a complete ProblemDetails.</summary>
public sealed class RateLimitResetTests(ClockedRateLimitedServerFactory factory) : IClassFixture<ClockedRateLimitedServerFactory>
{
    [Fact]
    public async Task RefusedRequest_IsAProblemWithType_AndRetryAfterCountsDownWithTheWindow()
    {
        var client = factory.CreateAuthorizedClient();
        for (var i = 0; i < 3; i++)
        {
            await (await client.GetAsync("/v1/ping/")).JsonAsync();
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(20));
        var limited = await client.GetAsync("/v1/ping/");
        factory.Clock.Advance(TimeSpan.FromSeconds(25));
        var later = await client.GetAsync("/v1/ping/");

        var problem = await HostileInputTests.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem["type"]!.GetValue<string>());
        Assert.Equal(40, limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
        Assert.Equal("40", limited.Headers.GetValues("X-RateLimit-Reset").Single());
        Assert.Contains("40 seconds", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, later.StatusCode);
        Assert.Equal(15, later.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
        Assert.Equal("15", later.Headers.GetValues("X-RateLimit-Reset").Single());
    }
}

/// <summary>The request body limit (2 KiB in this server).</summary>
public sealed class BodyLimitTests(SmallBodyServerFactory factory) : IClassFixture<SmallBodyServerFactory>
{
    [Fact]
    public async Task OversizedBody_Is413WithDetail()
    {
        var text = new string('x', 4096);

        var detail = await (await factory.CreateAuthorizedClient().PostJsonAsync("/v3/memories/add/", $$$"""{"messages":"{{{text}}}","user_id":"u"}""")).ErrorAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("2048", detail, StringComparison.Ordinal);
    }
}
