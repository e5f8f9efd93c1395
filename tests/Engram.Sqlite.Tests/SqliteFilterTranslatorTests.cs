using System.Text.Json;
using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

/// <summary>Runs every filter form through <see cref="SqliteMemoryStore.ListAsync"/> against a small fixed data set.</summary>
public sealed class SqliteFilterTranslatorTests : IAsyncLifetime, IDisposable
{
    private readonly TestDatabase _db = new();
    private SqliteMemoryStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _db.OpenInitializedAsync();
        var m1 = Item(
            "m1",
            "Alice loves Paris",
            new MemoryScope { UserId = "alice", AgentId = "a1" },
            new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero),
            MemoryMetadata.Parse("""{"priority":2,"topic":"travel","urgent":true,"score":1.5,"tags":["x","y"],"it's":"quoted"}"""),
            ["travel", "food"],
            new DateOnly(2030, 1, 1)) with { Role = "user", ActorId = "Alice", AttributedTo = "user" };
        var m2 = Item(
            "m2",
            "Bob hates rain",
            new MemoryScope { UserId = "alice", RunId = "r1" },
            new DateTimeOffset(2024, 2, 15, 0, 0, 0, TimeSpan.Zero),
            MemoryMetadata.Parse("""{"priority":5,"topic":"weather","urgent":false}"""),
            ["weather"]) with { Role = "assistant" };
        var m3 = Item(
            "m3",
            "Carol's CAFÉ visit",
            new MemoryScope { UserId = "bob", AppId = "app1" },
            new DateTimeOffset(2024, 3, 1, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
            MemoryMetadata.Parse("""{"priority":10,"topic":"Food & Drink","note":null}"""),
            [],
            new DateOnly(2024, 6, 1));
        var m4 = Item(
            "m4",
            "100% sure_thing",
            new MemoryScope { AgentId = "a2" },
            new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            categories: ["Travel"]);
        await _store.WriteAsync(Inserts(Record(m1), Record(m2), Record(m3), Record(m4)));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _db.Dispose();

    [Theory]
    // scope fields, eq / ne / in / nin / wildcard / null
    [InlineData("""{"user_id":"alice"}""", "m1,m2")]
    [InlineData("""{"userId":"bob"}""", "m3")]
    [InlineData("""{"user_id":{"ne":"alice"}}""", "m3,m4")]
    [InlineData("""{"user_id":{"in":["bob","zed"]}}""", "m3")]
    [InlineData("""{"user_id":["bob","alice"]}""", "m1,m2,m3")]
    [InlineData("""{"user_id":{"nin":["alice"]}}""", "m3,m4")]
    [InlineData("""{"user_id":{"nin":["alice", null]}}""", "m3")]
    [InlineData("""{"user_id":"*"}""", "m1,m2,m3")]
    [InlineData("""{"agent_id":null}""", "m2,m3")]
    [InlineData("""{"agent_id":{"ne":null}}""", "m1,m4")]
    [InlineData("""{"session_id":"r1"}""", "m2")]
    [InlineData("""{"app_id":"app1"}""", "m3")]
    [InlineData("""{"memory_ids":["m1","m3","nope"]}""", "m1,m3")]
    [InlineData("""{"id":"m4"}""", "m4")]
    [InlineData("""{"role":"user"}""", "m1")]
    [InlineData("""{"role":{"ne":"user"}}""", "m2,m3,m4")]
    [InlineData("""{"actor_id":"Alice"}""", "m1")]
    [InlineData("""{"attributed_to":"*"}""", "m1")]
    [InlineData("""{"user_id":{"gte":"b"}}""", "m3")]
    // metadata numbers, strings, booleans, arrays, nulls
    [InlineData("""{"priority":{"gt":2}}""", "m2,m3")]
    [InlineData("""{"priority":{"gte":2,"lt":10}}""", "m1,m2")]
    [InlineData("""{"priority":{"lte":5}}""", "m1,m2")]
    [InlineData("""{"priority":5}""", "m2")]
    [InlineData("""{"priority":5.0}""", "m2")]
    [InlineData("""{"priority":"5"}""", "")]
    [InlineData("""{"priority":{"ne":5}}""", "m1,m3,m4")]
    [InlineData("""{"priority":{"in":[2,10]}}""", "m1,m3")]
    [InlineData("""{"priority":{"nin":[2,10]}}""", "m2,m4")]
    [InlineData("""{"score":{"lte":1.5}}""", "m1")]
    [InlineData("""{"score":{"gt":1.25}}""", "m1")]
    [InlineData("""{"urgent":true}""", "m1")]
    [InlineData("""{"urgent":false}""", "m2")]
    [InlineData("""{"urgent":{"ne":true}}""", "m2,m3,m4")]
    [InlineData("""{"urgent":1}""", "")]
    [InlineData("""{"topic":"travel"}""", "m1")]
    [InlineData("""{"metadata":{"topic":"weather"}}""", "m2")]
    [InlineData("""{"topic":{"gt":"t"}}""", "m1,m2")]
    [InlineData("""{"topic":{"contains":"Drink"}}""", "m3")]
    [InlineData("""{"topic":{"contains":"drink"}}""", "")]
    [InlineData("""{"topic":{"icontains":"DRINK"}}""", "m3")]
    [InlineData("""{"topic":{"in":["travel","weather"]}}""", "m1,m2")]
    [InlineData("""{"topic":"*"}""", "m1,m2,m3")]
    [InlineData("""{"tags":"x"}""", "m1")]
    [InlineData("""{"tags":{"in":["q","y"]}}""", "m1")]
    [InlineData("""{"tags":{"contains":"y"}}""", "m1")]
    [InlineData("""{"tags":{"ne":"x"}}""", "m2,m3,m4")]
    [InlineData("""{"note":"*"}""", "")]
    [InlineData("""{"note":null}""", "m1,m2,m3,m4")]
    [InlineData("""{"missing":{"ne":"anything"}}""", "m1,m2,m3,m4")]
    [InlineData("""{"metadata":{"it's":"quoted"}}""", "m1")]
    // categories
    [InlineData("""{"categories":"travel"}""", "m1")]
    [InlineData("""{"categories":{"contains":"food"}}""", "m1")]
    [InlineData("""{"categories":{"icontains":"TRAV"}}""", "m1,m4")]
    [InlineData("""{"categories":["weather","food"]}""", "m1,m2")]
    [InlineData("""{"categories":{"nin":["travel"]}}""", "m2,m3,m4")]
    [InlineData("""{"categories":{"ne":"travel"}}""", "m2,m3,m4")]
    [InlineData("""{"categories":"*"}""", "m1,m2,m4")]
    [InlineData("""{"categories":null}""", "m3")]
    // text: contains is case-sensitive and literal, icontains folds Unicode case
    [InlineData("""{"memory":{"contains":"Paris"}}""", "m1")]
    [InlineData("""{"memory":{"contains":"paris"}}""", "")]
    [InlineData("""{"text":{"icontains":"café"}}""", "m3")]
    [InlineData("""{"keywords":{"icontains":"PARIS"}}""", "m1")]
    [InlineData("""{"memory":{"contains":"%"}}""", "m4")]
    [InlineData("""{"memory":{"icontains":"e_t"}}""", "m4")]
    [InlineData("""{"memory":{"icontains":"_"}}""", "m4")]
    [InlineData("""{"memory":"Bob hates rain"}""", "m2")]
    [InlineData("""{"memory":"'; DROP TABLE memories; --"}""", "")]
    // dates: bare dates are whole UTC days, datetimes are normalised to UTC
    [InlineData("""{"created_at":{"gte":"2024-02-01"}}""", "m2,m3,m4")]
    [InlineData("""{"created_at":{"lt":"2024-02-15"}}""", "m1")]
    [InlineData("""{"created_at":{"lte":"2024-03-01"}}""", "m1,m2,m3")]
    [InlineData("""{"created_at":{"gt":"2024-03-01"}}""", "m4")]
    [InlineData("""{"created_at":"2024-02-15"}""", "m2")]
    [InlineData("""{"created_at":{"ne":"2024-02-15"}}""", "m1,m3,m4")]
    [InlineData("""{"created_at":{"gte":"2024-02-15T00:00:00+00:00"}}""", "m2,m3,m4")]
    [InlineData("""{"created_at":{"gt":"2024-02-15T01:00:00+01:00"}}""", "m3,m4")]
    [InlineData("""{"created_at":{"lt":"2024-01-01T10:00:00.5Z"}}""", "m1")]
    [InlineData("""{"created_at":{"lt":"2024-01-01T10:00:00Z"}}""", "")]
    [InlineData("""{"created_at":{"lte":"2024-01-01T10:00:00"}}""", "m1")]
    [InlineData("""{"createdAt":{"gte":1735689600}}""", "m4")]
    [InlineData("""{"updated_at":{"lt":"2024-01-02"}}""", "m1")]
    [InlineData("""{"timestamp":{"gte":"2024-03-01","lt":"2024-03-02"}}""", "m3")]
    [InlineData("""{"expiration_date":{"gte":"2029-12-31"}}""", "m1")]
    [InlineData("""{"expiration_date":{"lt":"2025-01-01T12:00:00Z"}}""", "m3")]
    [InlineData("""{"expiration_date":{"ne":"2030-01-01"}}""", "m2,m3,m4")]
    [InlineData("""{"expiration_date":"*"}""", "m1,m3")]
    // logic
    [InlineData("""{"AND":[{"user_id":"alice"},{"priority":{"gt":2}}]}""", "m2")]
    [InlineData("""{"user_id":"alice","urgent":true}""", "m1")]
    [InlineData("""{"OR":[{"user_id":"bob"},{"agent_id":"a2"}]}""", "m3,m4")]
    [InlineData("""{"NOT":[{"user_id":"alice"},{"agent_id":"a2"}]}""", "m3")]
    [InlineData("""{"NOT":[{"priority":{"gt":2}}]}""", "m1,m4")]
    [InlineData("""{"NOT":[{"NOT":[{"priority":{"gt":2}}]}]}""", "m2,m3")]
    [InlineData("""{"AND":[{"NOT":[{"user_id":"alice"}]},{"OR":[{"categories":"Travel"},{"app_id":"app1"}]}]}""", "m3,m4")]
    [InlineData("""{"$or":[{"topic":{"icontains":"TRAVEL"}},{"memory":{"contains":"%"}}]}""", "m1,m4")]
    [InlineData("""{"AND":[]}""", "m1,m2,m3,m4")]
    [InlineData("""{"OR":[]}""", "")]
    [InlineData("""{"NOT":[]}""", "m1,m2,m3,m4")]
    public async Task ListAsync_Filter_MatchesExpectedMemories(string filter, string expected)
    {
        var page = await _store.ListAsync(Query(MemoryFilter.Parse(filter)), 0, 100);

        var ids = string.Join(',', page.Items.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expected, ids);
        Assert.Equal(page.Items.Count, page.TotalCount);
    }

    [Theory]
    [InlineData("""{"categories":{"gt":"a"}}""")]
    [InlineData("""{"created_at":{"gte":"not a date"}}""")]
    [InlineData("""{"expiration_date":{"lt":"soon"}}""")]
    [InlineData("""{"user_id":{"gt":null}}""")]
    public async Task ListAsync_UnsupportedFilter_ThrowsValidationException(string filter)
    {
        MemoryFilter parsed;
        try
        {
            parsed = MemoryFilter.Parse(filter);
        }
        catch (MemoryValidationException)
        {
            return;
        }

        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => _store.ListAsync(Query(parsed), 0, 10));
        Assert.Equal("filters", ex.ParameterName);
    }

    [Fact]
    public async Task ListAsync_LongInList_MatchesAndTooLongIsRejected()
    {
        // A flat OR chain of 2,000 values used to exceed SQLite's expression depth of 1,000 (a 500 over REST).
        var values = Enumerable.Range(0, 5000).Select(i => $"nobody-{i}").Append("bob").ToList();
        var page = await _store.ListAsync(Query(MemoryFilter.Parse($"{{\"user_id\":{{\"in\":{JsonSerializer.Serialize(values)}}}}}")), 0, 10);
        var tooManyJson = $"{{\"user_id\":{{\"in\":{JsonSerializer.Serialize(Enumerable.Range(0, 10_001).Select(i => $"u{i}"))}}}}}";
        var tooMany = new ComparisonFilter(FilterField.Of(FilterFieldKind.UserId), FilterOperator.In, JsonSerializer.SerializeToElement(Enumerable.Range(0, 10_001).Select(i => $"u{i}")));

        Assert.Equal(["m3"], page.Items.Select(i => i.Id));
        Assert.Contains("at most 10000", Assert.Throws<MemoryValidationException>(() => MemoryFilter.Parse(tooManyJson)).Message, StringComparison.Ordinal);
        var ex = await Assert.ThrowsAsync<MemoryValidationException>(() => _store.ListAsync(Query(tooMany), 0, 10));
        Assert.Contains("at most 10000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_MetadataKeyWithQuoteInProgrammaticFilter_IsRejectedByContract()
    {
        Assert.Throws<ArgumentException>(() => FilterField.Metadata("a\"b"));
        var page = await _store.ListAsync(Query(MemoryFilter.Equal(FilterField.Metadata("it's"), "quoted")), 0, 10);

        Assert.Equal(["m1"], page.Items.Select(i => i.Id));
        Assert.Equal(4L, _db.Scalar("SELECT count(*) FROM memories;"));
    }

    [Fact]
    public async Task SearchAndLinks_WithCaseInsensitiveFilter_RegisterCaseFolding()
    {
        var filter = MemoryFilter.Parse("""{"memory":{"icontains":"café"}}""");

        var keywordHits = await _store.SearchKeywordsAsync(Query(filter), ["carol's", "visit"], 10);
        var links = await _store.FindEntityLinksAsync(Query(filter), ["none"], 10);

        Assert.Equal(["m3"], keywordHits.Select(h => h.MemoryId));
        Assert.Empty(links);
    }
}
