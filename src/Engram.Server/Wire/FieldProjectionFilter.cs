using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Engram.Server;

/// <summary>
/// Mem0's <c>fields</c> on search and list routes: each memory of the answer keeps only the named fields (the body's
/// <c>fields</c>, or the query's <c>?fields=a&amp;fields=b</c> or <c>?fields=a,b</c>). A name that is no field of a memory
/// is a 400 naming it, before the route runs. <c>run_id</c> and <c>session_id</c> name the same field (lists call the run
/// id <c>session_id</c>, searches <c>run_id</c>). Graph <c>relations</c> and the page envelope are kept as they are.
/// </summary>
internal sealed class FieldProjectionFilter : IEndpointFilter
{
    private static readonly FrozenSet<string> KnownFields = ServerJsonContext.Default.MemoryResponse.Properties
        .Concat(ServerJsonContext.Default.SearchHitResponse.Properties)
        .Select(p => p.Name)
        .ToFrozenSet(StringComparer.Ordinal);

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var fields = Requested(context);
        var result = await next(context);
        if (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        if (fields is null || result is not IValueHttpResult { Value: { } value })
        {
            return result;
        }

        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(value, value.GetType(), options);
        var memories = node switch
        {
            JsonArray list => list,
            JsonObject envelope when envelope["results"] is JsonArray results => results,
            _ => null,
        };
        foreach (var memory in memories?.OfType<JsonObject>() ?? [])
        {
            foreach (var name in memory.Select(p => p.Key).Where(name => !fields.Contains(name)).ToList())
            {
                memory.Remove(name);
            }
        }

        return TypedResults.Json(node, ServerJsonContext.Default.JsonNode);
    }

    private static HashSet<string>? Requested(EndpointFilterInvocationContext context)
    {
        IReadOnlyList<string>? names = null;
        foreach (var argument in context.Arguments)
        {
            var fields = argument switch
            {
                SearchMemoriesWireRequest search => search.Fields,
                ListMemoriesWireRequest list => list.Fields,
                _ => default,
            };
            names ??= WireParsing.Strings(fields, "fields");
        }

        if (names is null && context.HttpContext.Request.Query.TryGetValue("fields", out var query))
        {
            names = query.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        }

        if (names is not { Count: > 0 })
        {
            return null;
        }

        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!KnownFields.Contains(name))
            {
                throw new MemoryValidationException(
                    $"fields names '{name}', which is no field of a memory; the fields are {string.Join(", ", KnownFields.Order(StringComparer.Ordinal))}.", "fields");
            }

            result.Add(name);
            if (name is "run_id" or "session_id")
            {
                result.Add("run_id");
                result.Add("session_id");
            }
        }

        return result;
    }
}
