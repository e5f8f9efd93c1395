using System.Text.Json;

namespace Engram.Testing.Conformance;

/// <content>Erasure (<see cref="IMemoryStore.EraseAsync"/>): every copy of an erased memory's text goes, and the receipt counts it.</content>
public abstract partial class MemoryStoreConformanceTests
{
    private const string Secret = "Zanzibar";

    [Fact]
    public async Task Erase_WithLexicalRemovals_TakesTheErasedContextOutOfNeighboursThatHoldAllOfIt()
    {
        // n1 and n2 were indexed with the erased turn "secret zanzibar island" as context; n3 shares only one of its words.
        await Insert(
            Record(Item("gone", "secret zanzibar island")),
            Record(Item("n1", "hiking sister")) with { LexicalText = "hiking sister secret zanzibar island" },
            Record(Item("n2", "island trip")) with { LexicalText = "island trip secret zanzibar island" },
            Record(Item("n3", "zanzibar spices")));
        string[] context = ["secret", "zanzibar", "island"];

        await Store.EraseAsync(
            new MemoryWriteBatch
            {
                ProjectId = Project,
                Deletes = ["gone"],
                LexicalRemovals =
                [
                    new LexicalRemoval("n1", context, ["hiking", "sister"]),
                    new LexicalRemoval("n2", context, ["island", "trip"]),
                    new LexicalRemoval("n3", context, ["zanzibar", "spices"]),
                    new LexicalRemoval("unknown", context, []),
                ],
            },
            scope: null);

        Assert.Empty(await Store.SearchKeywordsAsync(Query(), ["secret"], 10));
        Assert.Equal(["n3"], (await Store.SearchKeywordsAsync(Query(), ["zanzibar"], 10)).Select(h => h.MemoryId));
        Assert.Equal(["n2"], (await Store.SearchKeywordsAsync(Query(), ["island"], 10)).Select(h => h.MemoryId));
        Assert.Equal(["n1"], (await Store.SearchKeywordsAsync(Query(), ["hiking"], 10)).Select(h => h.MemoryId));
    }

    [Fact]
    public async Task Erase_OneMemory_BlanksHistoryEventsAndDeliveries_RemovesSourcesExportsLinksAndRelations()
    {
        var hook = await Webhooks.CreateWebhookAsync(Hook("all", WebhookEventTypes.All));
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("src", MemoryScope.ForUser("alice"), $"My plan is {Secret}"), Message("chat", MemoryScope.ForUser("alice"), "unrelated")],
            Inserts =
            [
                Record(Item("e1", $"Plans {Secret}") with { SourceMessageIds = ["src"], Categories = ["travel"] }, entities: [Entity("alice"), Entity("zanzibar")]),
                Record(Item("e2", "Keeps this"), entities: [Entity("alice")]),
            ],
            History = [History("h1", "e1", MemoryEventType.Add, T0, null, $"Plans {Secret}"), History("h2", "e2", MemoryEventType.Add, T0, null, "Keeps this")],
            Relations = [Relation("alice", "plans", "zanzibar", "e1")],
        });
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Updates = [Record(Item("e1", $"Plans {Secret} soon") with { SourceMessageIds = ["src"] })],
            History = [History("h3", "e1", MemoryEventType.Update, T0.AddMinutes(1), $"Plans {Secret}", $"Plans {Secret} soon")],
        });
        await Events.CreateEventAsync(FinishedAdd("ev", $"My plan is {Secret}", new MemoryEvent { Id = "e1", Memory = $"Plans {Secret}", Event = MemoryEventType.Add, PreviousMemory = "x" }));
        await ((IExportStore)Store).CreateExportAsync(Export("x1", $$"""{"memories":[{"id":"e1","memory":"Plans {{Secret}}"}]}"""));
        await ((IExportStore)Store).CreateExportAsync(Export("x2", """{"memories":[{"id":"e2","memory":"Keeps this"}]}""") with { MemoryIds = ["e2"] });
        // A schema without ids: only the export's memory ids tell that it holds e1's text.
        await ((IExportStore)Store).CreateExportAsync(Export("x3", $$"""{"texts":["Plans {{Secret}}","Keeps this"]}""") with { MemoryIds = ["e2", "e1"] });
        await ((IFeedbackStore)Store).AddFeedbackAsync(new MemoryFeedback { Id = "f1", ProjectId = Project, MemoryId = "e1", Feedback = "NEGATIVE", Reason = $"{Secret} is wrong", CreatedAt = T0 });
        await ((IFeedbackStore)Store).AddFeedbackAsync(new MemoryFeedback { Id = "f2", ProjectId = Project, MemoryId = "e2", Feedback = "POSITIVE", Reason = "right", CreatedAt = T0 });

        var receipt = await Store.EraseAsync(
            new MemoryWriteBatch { ProjectId = Project, Deletes = ["e1"], History = [History("h4", "e1", MemoryEventType.Delete, T0.AddMinutes(2), null, null)] },
            scope: null);

        Assert.Equal(["e1"], receipt.MemoryIds);
        Assert.Equal((2, 1, 1, 2, 2), (receipt.HistoryEntriesRedacted, receipt.MessagesDeleted, receipt.EventsRedacted, receipt.EntityLinksRemoved, receipt.ExportsDeleted));
        Assert.Equal((3, 1, 1, 1), (receipt.WebhookDeliveriesRedacted, receipt.FeedbackDeleted, receipt.RelationsRemoved, receipt.EntitiesRemoved));
        Assert.Null(await Store.GetAsync(Project, "e1"));
        Assert.Equal(["h1", "h3", "h4"], (await Store.GetHistoryAsync(Project, "e1")).Select(h => h.Id));
        Assert.All(await Store.GetHistoryAsync(Project, "e1"), h => Assert.Null(h.OldMemory ?? h.NewMemory));
        Assert.Equal("Keeps this", (await Store.GetHistoryAsync(Project, "e2"))[0].NewMemory);
        Assert.Equal(["chat"], (await Store.GetMessagesAsync(Project, ["src", "chat"])).Select(m => m.Id));

        var storedEvent = (await Events.GetEventAsync(Project, "ev"))!;
        var result = Assert.Single(storedEvent.Results);
        Assert.Equal(("e1", string.Empty, null), (result.Id, result.Memory, result.PreviousMemory));
        Assert.Equal(0, JsonDocument.Parse(storedEvent.Payload).RootElement.GetProperty("messages").GetArrayLength());
        Assert.Equal(
            [
                """{"event_details":{"id":"e1","data":{"memory":""},"event":"ADD"}}""",
                """{"event_details":{"id":"e2","data":{"memory":"Keeps this"},"event":"ADD"}}""",
                """{"event_details":{"event":"CATEGORIZE","memory_id":"e1","categories":[]}}""",
                """{"event_details":{"id":"e1","data":{"memory":""},"event":"UPDATE"}}""",
                """{"event_details":{"id":"e1","data":{"memory":null},"event":"DELETE"}}""",
            ],
            (await Webhooks.ListDeliveriesAsync(Project, hook.Id)).Select(d => d.Payload));
        Assert.Null(await ((IExportStore)Store).GetExportAsync(Project, "x1"));
        Assert.Equal(["e2"], (await ((IExportStore)Store).GetExportAsync(Project, "x2"))!.MemoryIds);
        Assert.Null(await ((IExportStore)Store).GetExportAsync(Project, "x3"));
        Assert.Empty(await ((IFeedbackStore)Store).ListFeedbackAsync(Project, "e1"));
        Assert.Single(await ((IFeedbackStore)Store).ListFeedbackAsync(Project, "e2"));
        Assert.Empty(await Graph.GetRelationsAsync(Project, null, null, true, 10));
        Assert.Equal([("e2", "alice")], (await Store.FindEntityLinksAsync(Query(), ["alice", "zanzibar"], 10)).Select(l => (l.MemoryId, l.EntityKey)));
        Assert.Empty(await Store.SearchKeywordsAsync(Query(), ["zanzibar"], 10));
    }

    [Fact]
    public async Task Erase_AScope_AlsoRemovesItsMessagesAndFinishedEventPayloads_OnlyInThatScope()
    {
        var alice = MemoryScope.ForUser("alice");
        await Store.WriteAsync(new MemoryWriteBatch
        {
            ProjectId = Project,
            Messages = [Message("a1", alice, $"about {Secret}"), Message("a2", new MemoryScope { UserId = "alice", RunId = "r" }, "in a run"), Message("b1", MemoryScope.ForUser("bob"), "bob's")],
            Inserts = [Record(Item("s1", "Alice fact", alice))],
        });
        await Events.CreateEventAsync(FinishedAdd("done", $"about {Secret}"));
        await Events.CreateEventAsync(FinishedAdd("pending", $"about {Secret}") with { Status = StoredEventStatus.Pending });
        await Events.CreateEventAsync(FinishedAdd("bob", "bob's", user: "bob"));

        // An event whose messages an earlier erasure by id already emptied still names the user.
        await Events.CreateEventAsync(FinishedAdd("emptied", "x") with { Payload = """{"user_id":"alice","agent_id":"bot","messages":[],"metadata":{"trip":"zanzibar"}}""" });
        await ((IExportStore)Store).CreateExportAsync(Export("xa", "{}") with { Filters = """{"AND":[{"user_id":"alice"}]}""" });
        await ((IExportStore)Store).CreateExportAsync(Export("xb", "{}") with { Filters = """{"user_id":"bob"}""" });

        var receipt = await Store.EraseAsync(new MemoryWriteBatch { ProjectId = Project, Deletes = ["s1"] }, alice);

        Assert.Equal((2, 2, 1), (receipt.MessagesDeleted, receipt.EventsRedacted, receipt.ExportsDeleted));
        foreach (var id in new[] { "done", "emptied" })
        {
            var payload = JsonDocument.Parse((await Events.GetEventAsync(Project, id))!.Payload).RootElement;
            Assert.False(payload.TryGetProperty("user_id", out _), payload.GetRawText());
            Assert.False(payload.TryGetProperty("agent_id", out _), payload.GetRawText());
            Assert.False(payload.TryGetProperty("metadata", out _), payload.GetRawText());
        }

        Assert.Null(await ((IExportStore)Store).GetExportAsync(Project, "xa"));
        Assert.NotNull(await ((IExportStore)Store).GetExportAsync(Project, "xb"));
        Assert.Equal("bob", JsonDocument.Parse((await Events.GetEventAsync(Project, "bob"))!.Payload).RootElement.GetProperty("user_id").GetString());
        Assert.Equal(["b1"], (await Store.GetMessagesAsync(Project, ["a1", "a2", "b1"])).Select(m => m.Id));
        Assert.Equal(0, await MessageCountAsync("done"));
        Assert.Equal(1, await MessageCountAsync("pending"));
        Assert.Equal(1, await MessageCountAsync("bob"));
    }

    private async Task<int> MessageCountAsync(string eventId) =>
        JsonDocument.Parse((await Events.GetEventAsync(Project, eventId))!.Payload).RootElement.GetProperty("messages").GetArrayLength();

    private StoredEvent FinishedAdd(string id, string content, MemoryEvent? result = null, string user = "alice") => new()
    {
        Id = id,
        ProjectId = Project,
        EventType = "ADD",
        Status = StoredEventStatus.Succeeded,
        Payload = $$"""{"user_id":"{{user}}","messages":[{"role":"user","content":"{{content}}"}]}""",
        Results = result is null ? [] : [result],
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private MemoryExport Export(string id, string data) => new()
    {
        Id = id,
        ProjectId = Project,
        Schema = "{}",
        Filters = "{}",
        Data = data,
        MemoryCount = 1,
        CreatedAt = T0,
    };
}
