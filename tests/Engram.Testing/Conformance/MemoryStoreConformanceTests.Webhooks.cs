namespace Engram.Testing.Conformance;

/// <content>
/// Webhooks and their outbox (<see cref="IWebhookStore"/>). The outbox calls of the delivery worker see every project,
/// so claims are made far enough in the future to include this test's rows, and only this project's rows are asserted.
/// </content>
public abstract partial class MemoryStoreConformanceTests
{
    private IWebhookStore Webhooks => (IWebhookStore)Store;

    [Fact]
    public async Task Webhooks_CreateGetListUpdateDelete_WithinTheirProject()
    {
        var otherProject = "other-" + Project;
        var created = await Webhooks.CreateWebhookAsync(Hook("a", [WebhookEventTypes.MemoryAdd]));
        var other = await Webhooks.CreateWebhookAsync(Hook("b", WebhookEventTypes.All, otherProject));

        Assert.True(created.Id > 0);
        var read = (await Webhooks.GetWebhookAsync(Project, created.Id))!;
        Assert.Equal(("a", created.Url, "whsec_test", true, T0), (read.Name, read.Url, read.Secret, read.IsActive, read.CreatedAt));
        Assert.Equal([WebhookEventTypes.MemoryAdd], read.EventTypes);
        Assert.Null(await Webhooks.GetWebhookAsync(Project, other.Id));
        Assert.Equal([created.Id], (await Webhooks.ListWebhooksAsync(Project)).Select(w => w.Id));

        Assert.True(await Webhooks.UpdateWebhookAsync(created with { Name = "renamed", IsActive = false, EventTypes = WebhookEventTypes.All, UpdatedAt = T0.AddHours(1) }));
        var updated = (await Webhooks.GetWebhookAsync(Project, created.Id))!;
        Assert.Equal(("renamed", false, T0.AddHours(1)), (updated.Name, updated.IsActive, updated.UpdatedAt));
        Assert.Equal(WebhookEventTypes.All, updated.EventTypes);
        Assert.False(await Webhooks.UpdateWebhookAsync(other with { ProjectId = Project }));

        Assert.False(await Webhooks.DeleteWebhookAsync(Project, other.Id));
        Assert.True(await Webhooks.DeleteWebhookAsync(Project, created.Id));
        Assert.Empty(await Webhooks.ListWebhooksAsync(Project));
        Assert.NotNull(await Webhooks.GetWebhookAsync(otherProject, other.Id));
    }

    [Fact]
    public async Task Webhooks_OutboxEntriesAreWrittenWithTheChange_OnePerSubscribedActiveWebhook()
    {
        var adds = await Webhooks.CreateWebhookAsync(Hook("adds", [WebhookEventTypes.MemoryAdd, WebhookEventTypes.MemoryCategorize]));
        var all = await Webhooks.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));
        var inactive = await Webhooks.CreateWebhookAsync(Hook("off", WebhookEventTypes.All) with { IsActive = false });

        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("m1", "Likes tea") with { Categories = ["food"] })],
            History = [History("h1", "m1", MemoryEventType.Add, T0, null, "Likes tea")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Updates = [Record(Item("m1", "Loves tea"))],
            History = [History("h2", "m1", MemoryEventType.Update, T0, "Likes tea", "Loves tea")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Deletes = ["m1"],
            History = [History("h3", "m1", MemoryEventType.Delete, T0, "Loves tea", null)],
        });

        // A failed batch queues nothing.
        await Assert.ThrowsAsync<MemoryNotFoundException>(() => Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("m2", "Rolled back"))],
            Deletes = ["missing"],
            History = [History("h4", "m2", MemoryEventType.Add, T0, null, "Rolled back")],
        }));

        var toAdds = await Webhooks.ListDeliveriesAsync(Project, adds.Id);
        var toAll = await Webhooks.ListDeliveriesAsync(Project, all.Id);
        Assert.Equal([WebhookEventTypes.MemoryAdd, WebhookEventTypes.MemoryCategorize], toAdds.Select(d => d.EventType));
        Assert.Equal(
            [
                """{"event_details":{"id":"m1","data":{"memory":"Likes tea"},"event":"ADD"}}""",
                """{"event_details":{"event":"CATEGORIZE","memory_id":"m1","categories":["food"]}}""",
                """{"event_details":{"id":"m1","data":{"memory":"Loves tea"},"event":"UPDATE"}}""",
                """{"event_details":{"id":"m1","data":{"memory":"Loves tea"},"event":"DELETE"}}""",
            ],
            toAll.Select(d => d.Payload));
        Assert.All(toAll, d => Assert.Equal((WebhookDeliveryStatus.Pending, 0, Project, all.Id, all.Url), (d.Status, d.Attempts, d.ProjectId, d.WebhookId, d.Url)));
        Assert.Empty(await Webhooks.ListDeliveriesAsync(Project, inactive.Id));
        Assert.Empty(await Webhooks.ListDeliveriesAsync("other-" + Project, all.Id));

        // Deleting a webhook drops its entries: they are never claimed.
        Assert.True(await Webhooks.DeleteWebhookAsync(Project, adds.Id));
        var claimed = await ClaimOwnAsync(TimeProvider.System.GetUtcNow().AddMinutes(1), TimeProvider.System.GetUtcNow().AddHours(1));
        Assert.All(claimed, d => Assert.Equal(all.Id, d.WebhookId));
        Assert.Equal(4, claimed.Count);
    }

    [Fact]
    public async Task Webhooks_ClaimLeasesDueEntries_CompleteRecordsTheOutcome_AndAnExpiredLeaseComesDueAgain()
    {
        var hook = await Webhooks.CreateWebhookAsync(Hook("all", [WebhookEventTypes.MemoryAdd]));
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [Record(Item("m1", "a")), Record(Item("m2", "b")), Record(Item("m3", "c"))],
            History =
            [
                History("h1", "m1", MemoryEventType.Add, T0, null, "a"),
                History("h2", "m2", MemoryEventType.Add, T0, null, "b"),
                History("h3", "m3", MemoryEventType.Add, T0, null, "c"),
            ],
        });
        var now = TimeProvider.System.GetUtcNow().AddMinutes(1);

        var claimed = await ClaimOwnAsync(now, now.AddMinutes(5));
        Assert.Equal(3, claimed.Count);
        Assert.Equal((hook.Url, hook.Secret, WebhookEventTypes.MemoryAdd), (claimed[0].Url, claimed[0].Secret, claimed[0].EventType));
        Assert.Empty(await ClaimOwnAsync(now, now.AddMinutes(5)));

        await Webhooks.CompleteDeliveryAsync(claimed[0].Id, WebhookDeliveryStatus.Delivered, 0, now, null);
        await Webhooks.CompleteDeliveryAsync(claimed[1].Id, WebhookDeliveryStatus.Pending, 1, now.AddMinutes(1), "HTTP 500");
        Assert.Empty(await ClaimOwnAsync(now, now.AddMinutes(5)));
        var retried = Assert.Single(await ClaimOwnAsync(now.AddMinutes(1), now.AddMinutes(5)));
        Assert.Equal((claimed[1].Id, 1, "HTTP 500"), (retried.Id, retried.Attempts, retried.LastError));

        // The third was never completed (its worker crashed): it comes due again when its lease ends, and not before.
        Assert.Empty(await ClaimOwnAsync(now.AddMinutes(4), now.AddMinutes(10)));
        var expired = await ClaimOwnAsync(now.AddMinutes(5), now.AddMinutes(10));
        Assert.Equal([retried.Id, claimed[2].Id], expired.Select(d => d.Id).Order());

        await Webhooks.CompleteDeliveryAsync(retried.Id, WebhookDeliveryStatus.Failed, 2, now, "HTTP 503");
        var listed = await Webhooks.ListDeliveriesAsync(Project, hook.Id);
        Assert.Equal([WebhookDeliveryStatus.Delivered, WebhookDeliveryStatus.Failed, WebhookDeliveryStatus.Pending], listed.Select(d => d.Status));
        Assert.Equal("HTTP 503", listed[1].LastError);
    }

    [Fact]
    public async Task Webhooks_ConcurrentClaimers_NeverGetTheSameDelivery()
    {
        await Webhooks.CreateWebhookAsync(Hook("one", [WebhookEventTypes.MemoryAdd]));
        await Webhooks.CreateWebhookAsync(Hook("two", [WebhookEventTypes.MemoryAdd]));
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Inserts = [.. Enumerable.Range(0, 20).Select(i => Record(Item($"c{i}", $"memory {i}")))],
            History = [.. Enumerable.Range(0, 20).Select(i => History($"ch{i}", $"c{i}", MemoryEventType.Add, T0, null, $"memory {i}"))],
        });
        var now = TimeProvider.System.GetUtcNow().AddMinutes(1);

        // Four workers claim small batches at once until nothing is due.
        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var won = new List<long>();
            while (await Webhooks.ClaimDueDeliveriesAsync(now, now.AddHours(1), 3) is { Count: > 0 } batch)
            {
                won.AddRange(batch.Where(d => d.ProjectId == Project).Select(d => d.Id));
            }

            return won;
        })));

        var all = workers.SelectMany(w => w).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
    }

    /// <summary>Claims every due delivery (all projects) and returns this project's, oldest first.</summary>
    private async Task<List<WebhookDelivery>> ClaimOwnAsync(DateTimeOffset now, DateTimeOffset leaseUntil) =>
        [.. (await Webhooks.ClaimDueDeliveriesAsync(now, leaseUntil, 1000)).Where(d => d.ProjectId == Project).OrderBy(d => d.Id)];

    private Webhook Hook(string name, IReadOnlyList<string> eventTypes, string? project = null) => new()
    {
        ProjectId = project ?? Project,
        Name = name,
        Url = $"http://127.0.0.1:9/{name}",
        EventTypes = eventTypes,
        Secret = "whsec_test",
        CreatedAt = T0,
        UpdatedAt = T0,
    };
}
