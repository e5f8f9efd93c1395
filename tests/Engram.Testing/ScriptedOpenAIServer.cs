using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engram.Testing;

/// <summary>
/// TEST DOUBLE — not a language model. A scripted HTTP server on loopback that speaks the OpenAI wire protocol
/// (<c>POST /v1/chat/completions</c>, <c>POST /v1/embeddings</c>) so the real providers can be tested without a network.
/// </summary>
/// <remarks>
/// Chat answers come from <see cref="Script"/> (queued replies) or, when it is empty, from a deterministic default that
/// turns each NEW MESSAGES line of Engram's prompt into one fact. Embeddings are deterministic (Engram's hashing
/// embedder at <see cref="EmbeddingDimensions"/>). <see cref="FaultRate"/> injects faults at random (seeded):
/// a hang past the client's timeout, HTTP 500, HTTP 429, malformed JSON, and JSON cut inside a fact.
/// </remarks>
public sealed partial class ScriptedOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HashingEmbeddingGenerator _embedder;
    private readonly Random _random;
    private readonly Lock _randomGate = new();

    private ScriptedOpenAIServer(WebApplication app, int embeddingDimensions, int seed)
    {
        _app = app;
        _embedder = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = embeddingDimensions });
        _random = new Random(seed);
        EmbeddingDimensions = embeddingDimensions;
    }

    /// <summary>The kinds of injected fault.</summary>
    public enum Fault
    {
        Hang,
        ServerError,
        RateLimited,
        Malformed,
        Truncated,
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int EmbeddingDimensions { get; }

    /// <summary>Replies to the next chat requests, in order; each gets the request's user prompt.</summary>
    public ConcurrentQueue<Func<string, ScriptedReply>> Script { get; } = new();

    /// <summary>The user prompts of every chat request received, in arrival order.</summary>
    public ConcurrentQueue<string> Prompts { get; } = new();

    /// <summary>The raw JSON bodies of every chat request received.</summary>
    public ConcurrentQueue<string> ChatBodies { get; } = new();

    /// <summary>The share of chat requests (0..1) that get a random fault instead of an answer.</summary>
    public double FaultRate { get; set; }

    /// <summary>How many faults of each kind were injected.</summary>
    public ConcurrentDictionary<Fault, int> FaultsInjected { get; } = new();

    public int EmbeddingRequests => _embeddingRequests;

    private int _embeddingRequests;

    public static async Task<ScriptedOpenAIServer> StartAsync(int embeddingDimensions = 64, int seed = 42)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedOpenAIServer(app, embeddingDimensions, seed);
        Delegate chat = new Func<HttpContext, Task<IResult>>(server.ChatAsync);
        Delegate embeddings = new Func<HttpContext, Task<IResult>>(server.EmbeddingsAsync);
        app.MapPost("/v1/chat/completions", chat);
        app.MapPost("/v1/embeddings", embeddings);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The default answer: one fact per NEW MESSAGES line, "Name said: text", citing that message.</summary>
    public static string DefaultFacts(string prompt)
    {
        var facts = new JsonArray();
        var inNew = false;
        foreach (var line in prompt.Split('\n'))
        {
            if (line.StartsWith("NEW MESSAGES:", StringComparison.Ordinal))
            {
                inNew = true;
                continue;
            }

            var match = inNew ? NewMessageLine().Match(line) : Match.Empty;
            if (match.Success)
            {
                facts.Add(new JsonObject
                {
                    ["text"] = $"{match.Groups["name"].Value} said: {match.Groups["text"].Value}",
                    ["attributed_to"] = match.Groups["role"].Value == "assistant" ? "assistant" : "user",
                    ["source_messages"] = new JsonArray(match.Groups["id"].Value),
                    ["related"] = new JsonArray(),
                    ["replaces"] = new JsonArray(),
                    ["categories"] = new JsonArray(),
                });
            }
        }

        return new JsonObject { ["facts"] = facts }.ToJsonString();
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        ChatBodies.Enqueue(body);
        using var document = JsonDocument.Parse(body);
        var prompt = document.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => ContentText(m.GetProperty("content")))
            .LastOrDefault() ?? string.Empty;
        Prompts.Enqueue(prompt);

        var reply = NextFault() is { } fault
            ? Faulty(fault, prompt)
            : Script.TryDequeue(out var scripted) ? scripted(prompt) : ScriptedReply.Content(DefaultFacts(prompt));

        switch (reply.Kind)
        {
            case ScriptedReply.ReplyKind.Hang:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(504);
            case ScriptedReply.ReplyKind.Status:
                if (reply.StatusCode == 429)
                {
                    context.Response.Headers.RetryAfter = "0";
                }

                return Results.Json(new { error = new { message = "scripted failure", type = "server_error" } }, statusCode: reply.StatusCode);
            default:
                return Results.Text(CompletionJson(reply.Text!, document.RootElement, reply.ReasoningContent), "application/json");
        }
    }

    private async Task<IResult> EmbeddingsAsync(HttpContext context)
    {
        Interlocked.Increment(ref _embeddingRequests);
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var input = document.RootElement.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() : [input.GetString() ?? string.Empty];
        var vectors = await _embedder.GenerateAsync(texts, cancellationToken: context.RequestAborted);
        var data = new JsonArray();
        for (var i = 0; i < vectors.Count; i++)
        {
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = new JsonArray(vectors[i].Vector.ToArray().Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            });
        }

        var tokens = texts.Sum(t => t.Length / 4 + 1);
        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = document.RootElement.GetProperty("model").GetString(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        return Results.Text(response.ToJsonString(), "application/json");
    }

    private Fault? NextFault()
    {
        if (FaultRate <= 0)
        {
            return null;
        }

        lock (_randomGate)
        {
            if (_random.NextDouble() >= FaultRate)
            {
                return null;
            }

            var fault = (Fault)_random.Next(5);
            FaultsInjected.AddOrUpdate(fault, 1, (_, n) => n + 1);
            return fault;
        }
    }

    private static ScriptedReply Faulty(Fault fault, string prompt) => fault switch
    {
        Fault.Hang => ScriptedReply.Hang(),
        Fault.ServerError => ScriptedReply.Status(500),
        Fault.RateLimited => ScriptedReply.Status(429),
        Fault.Malformed => ScriptedReply.Content("Sure! Here is what I found: {facts: [oops"),
        _ => ScriptedReply.Content(TruncateInsideFact(DefaultFacts(prompt))),
    };

    /// <summary>Cuts a JSON answer in the middle of its last fact's text.</summary>
    public static string TruncateInsideFact(string json)
    {
        var cut = json.LastIndexOf("\"text\":\"", StringComparison.Ordinal);
        return cut < 0 ? json[..(json.Length / 2)] : json[..(cut + 12)];
    }

    private static string CompletionJson(string content, JsonElement request, string? reasoningContent) => new JsonObject
    {
        ["id"] = "chatcmpl-scripted",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = request.GetProperty("model").GetString(),
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = reasoningContent is null
                ? new JsonObject { ["role"] = "assistant", ["content"] = content }
                : new JsonObject { ["role"] = "assistant", ["reasoning_content"] = reasoningContent, ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = 100,
            ["completion_tokens"] = content.Length / 4 + 1,
            ["total_tokens"] = 101 + (content.Length / 4),
        },
    }.ToJsonString();

    private static string ContentText(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString() ?? string.Empty
        : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : string.Empty));

    [GeneratedRegex(@"^\[(?<id>m\d+)\] (?<name>[^(]+?) \((?<role>\w+)\): (?<text>.*)$")]
    private static partial Regex NewMessageLine();
}

/// <summary>One scripted chat reply.</summary>
public sealed record ScriptedReply
{
    public enum ReplyKind
    {
        Content,
        Status,
        Hang,
    }

    public ReplyKind Kind { get; init; }

    public string? Text { get; init; }

    public int StatusCode { get; init; } = 200;

    /// <summary>The reasoning of a reasoning model, sent as the message's <c>reasoning_content</c> (vLLM, Ollama, LM Studio), or <see langword="null"/>.</summary>
    public string? ReasoningContent { get; init; }

    public static ScriptedReply Content(string text) => new() { Kind = ReplyKind.Content, Text = text };

    /// <summary>A reasoning model's reply: <paramref name="reasoning"/> in <c>reasoning_content</c>, the answer in <c>content</c>.</summary>
    public static ScriptedReply Reasoning(string reasoning, string content) => new() { Kind = ReplyKind.Content, Text = content, ReasoningContent = reasoning };

    public static ScriptedReply Status(int statusCode) => new() { Kind = ReplyKind.Status, StatusCode = statusCode };

    public static ScriptedReply Hang() => new() { Kind = ReplyKind.Hang };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind} {StatusCode} {Text}");
}
