using static Engram.Sqlite.Tests.TestData;

namespace Engram.Sqlite.Tests;

/// <summary>Webhooks and their outbox (migration 4): entries are written with the memory change, in its transaction.</summary>
public sealed class SqliteMemoryStoreWebhookTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly FixedClock _clock = new(T0);

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Webhooks_CreateGetListUpdateDelete_WithinTheirProject()
    {
        var store = _db.Open(timeProvider: _clock);
        var created = await store.CreateWebhookAsync(Hook("a", [WebhookEventTypes.MemoryAdd]));
        var other = await store.CreateWebhookAsync(Hook("b", WebhookEventTypes.All, project: "other"));

        Assert.True(created.Id > 0);
        Assert.Equal("a", (await store.GetWebhookAsync(Project, created.Id))!.Name);
        Assert.Null(await store.GetWebhookAsync(Project, other.Id));
        Assert.Equal([created.Id], (await store.ListWebhooksAsync(Project)).Select(w => w.Id));

        Assert.True(await store.UpdateWebhookAsync(created with { Name = "renamed", IsActive = false, EventTypes = WebhookEventTypes.All }));
        var updated = (await store.GetWebhookAsync(Project, created.Id))!;
        Assert.Equal("renamed", updated.Name);
        Assert.False(updated.IsActive);
        Assert.Equal(WebhookEventTypes.All, updated.EventTypes);
        Assert.False(await store.UpdateWebhookAsync(other with { ProjectId = Project }));

        Assert.False(await store.DeleteWebhookAsync(Project, other.Id));
        Assert.True(await store.DeleteWebhookAsync(Project, created.Id));
        Assert.Empty(await store.ListWebhooksAsync(Project));
    }

    [Fact]
    public async Task Write_QueuesOneEntryPerSubscribedActiveWebhook_WithMem0Payloads()
    {
        var store = _db.Open(timeProvider: _clock);
        var adds = await store.CreateWebhookAsync(Hook("adds", [WebhookEventTypes.MemoryAdd, WebhookEventTypes.MemoryCategorize]));
        var all = await store.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));
        var inactive = await store.CreateWebhookAsync(Hook("off", WebhookEventTypes.All) with { IsActive = false });
        var elsewhere = await store.CreateWebhookAsync(Hook("other", WebhookEventTypes.All, project: "other"));

        var item = Item("m1", "Likes tea") with { Categories = ["food"] };
        await store.WriteAsync(Inserts(Record(item)) with { History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "Likes tea")] });
        await store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Deletes = ["m1"],
            History = [History("h2", "m1", MemoryEventType.Delete, T0, oldMemory: "Likes tea")],
        });

        var toAdds = await store.ListDeliveriesAsync(Project, adds.Id);
        var toAll = await store.ListDeliveriesAsync(Project, all.Id);
        Assert.Equal([WebhookEventTypes.MemoryAdd, WebhookEventTypes.MemoryCategorize], toAdds.Select(d => d.EventType));
        Assert.Equal([WebhookEventTypes.MemoryAdd, WebhookEventTypes.MemoryCategorize, WebhookEventTypes.MemoryDelete], toAll.Select(d => d.EventType));
        Assert.Equal("""{"event_details":{"id":"m1","data":{"memory":"Likes tea"},"event":"ADD"}}""", toAll[0].Payload);
        Assert.Equal("""{"event_details":{"event":"CATEGORIZE","memory_id":"m1","categories":["food"]}}""", toAll[1].Payload);
        Assert.Equal("""{"event_details":{"id":"m1","data":{"memory":"Likes tea"},"event":"DELETE"}}""", toAll[2].Payload);
        Assert.All(toAll, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.Empty(await store.ListDeliveriesAsync(Project, inactive.Id));
        Assert.Empty(await store.ListDeliveriesAsync("other", elsewhere.Id));
    }

    [Fact]
    public async Task Erase_BlanksTheMemoryTextOfItsDeliveries_AndQueuesATextlessDelete()
    {
        var store = _db.Open(timeProvider: _clock);
        var hook = await store.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));
        await store.WriteAsync(Inserts(Record("m1", "Likes tea"), Record("m2", "Likes coffee")) with
        {
            History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "Likes tea"), History("h2", "m2", MemoryEventType.Add, T0, newMemory: "Likes coffee")],
        });

        var receipt = await store.EraseAsync(
            new MemoryWriteBatch { ProjectId = Project, Deletes = ["m1"], History = [History("h3", "m1", MemoryEventType.Delete, T0)] },
            scope: null);

        var deliveries = await store.ListDeliveriesAsync(Project, hook.Id);
        Assert.Equal((0, 1), (receipt.EventsRedacted, receipt.WebhookDeliveriesRedacted));
        Assert.Equal(
            [
                """{"event_details":{"id":"m1","data":{"memory":""},"event":"ADD"}}""",
                """{"event_details":{"id":"m2","data":{"memory":"Likes coffee"},"event":"ADD"}}""",
                """{"event_details":{"id":"m1","data":{"memory":null},"event":"DELETE"}}""",
            ],
            deliveries.Select(d => d.Payload));
    }

    [Fact]
    public async Task Write_ThatFails_QueuesNothing()
    {
        var store = _db.Open(timeProvider: _clock);
        var hook = await store.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));

        await Assert.ThrowsAsync<MemoryNotFoundException>(() => store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record("m1", "Likes tea")],
            Deletes = ["missing"],
            History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "Likes tea")],
        }));

        Assert.Empty(await store.ListDeliveriesAsync(Project, hook.Id));
    }

    [Fact]
    public async Task Claim_LeasesDueEntries_AndCompleteRecordsTheOutcome()
    {
        var store = _db.Open(timeProvider: _clock);
        var hook = await store.CreateWebhookAsync(Hook("all", [WebhookEventTypes.MemoryAdd]));
        await store.WriteAsync(Inserts(Record("m1", "a"), Record("m2", "b")) with
        {
            History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "a"), History("h2", "m2", MemoryEventType.Add, T0, newMemory: "b")],
        });
        var now = T0;

        var claimed = await store.ClaimDueDeliveriesAsync(now, now.AddMinutes(5), 10);
        Assert.Equal(2, claimed.Count);
        Assert.Equal(hook.Url, claimed[0].Url);
        Assert.Equal(hook.Secret, claimed[0].Secret);
        Assert.Empty(await store.ClaimDueDeliveriesAsync(now, now.AddMinutes(5), 10));

        await store.CompleteDeliveryAsync(claimed[0].Id, WebhookDeliveryStatus.Delivered, 0, now, null);
        await store.CompleteDeliveryAsync(claimed[1].Id, WebhookDeliveryStatus.Pending, 1, now.AddMinutes(1), "HTTP 500");
        Assert.Empty(await store.ClaimDueDeliveriesAsync(now, now.AddMinutes(5), 10));
        var again = Assert.Single(await store.ClaimDueDeliveriesAsync(now.AddMinutes(1), now.AddMinutes(5), 10));
        Assert.Equal(claimed[1].Id, again.Id);
        Assert.Equal(1, again.Attempts);

        await store.CompleteDeliveryAsync(again.Id, WebhookDeliveryStatus.Failed, 2, now, "HTTP 503");
        var listed = await store.ListDeliveriesAsync(Project, hook.Id);
        Assert.Equal([WebhookDeliveryStatus.Delivered, WebhookDeliveryStatus.Failed], listed.Select(d => d.Status));
        Assert.Equal("HTTP 503", listed[1].LastError);
        Assert.Empty(await store.ClaimDueDeliveriesAsync(now.AddDays(1), now.AddDays(2), 10));
    }

    [Fact]
    public async Task DeleteWebhook_DropsItsOutboxEntries()
    {
        var store = _db.Open(timeProvider: _clock);
        var hook = await store.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));
        await store.WriteAsync(Inserts(Record("m1", "a")) with { History = [History("h1", "m1", MemoryEventType.Add, T0, newMemory: "a")] });

        Assert.True(await store.DeleteWebhookAsync(Project, hook.Id));

        Assert.Empty(await store.ClaimDueDeliveriesAsync(T0.AddDays(1), T0.AddDays(2), 10));
    }

    private static Webhook Hook(string name, IReadOnlyList<string> eventTypes, string project = Project) => new()
    {
        ProjectId = project,
        Name = name,
        Url = $"http://127.0.0.1:9/{name}",
        EventTypes = eventTypes,
        Secret = "whsec_test",
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
