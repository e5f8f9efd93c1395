using System.Net.Http.Headers;
using System.Text;

namespace Engram.Server.Tests;

/// <summary>Small helpers to call the API with raw JSON and read JSON answers.</summary>
internal static class Api
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json) =>
        client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, string json) =>
        client.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> DeleteJsonAsync(this HttpClient client, string path, string json) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Asserts a Mem0-style error: the status, a ProblemDetails body with a non-empty <c>detail</c>, served as
    /// <c>application/json</c> (Mem0's Python client reads <c>detail</c> only from that content type).
    /// </summary>
    public static async Task<string> ErrorAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(body)!["type"]);
        Assert.NotNull(JsonNode.Parse(body)!["status"]);
        var detail = JsonNode.Parse(body)!["detail"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(detail), body);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return detail!;
    }

    /// <summary>Adds one memory synchronously (infer=false) and returns its id.</summary>
    public static async Task<string> AddMemoryAsync(this HttpClient client, string text, string userId, string extra = "")
    {
        var json = $$"""{"messages":[{"role":"user","content":{{JsonSerializer.Serialize(text)}}}],"user_id":{{JsonSerializer.Serialize(userId)}},"infer":false{{extra}}}""";
        var body = await (await client.PostJsonAsync("/v3/memories/add/", json)).JsonAsync();
        return body["results"]![0]!["id"]!.GetValue<string>();
    }

    /// <summary>Polls an event until it is finished, as Mem0 clients do.</summary>
    public static async Task<JsonNode> WaitForEventAsync(this HttpClient client, string eventId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var node = await (await client.GetAsync($"/v1/event/{eventId}/")).JsonAsync();
            var status = node["status"]!.GetValue<string>();
            if (status is "SUCCEEDED" or "FAILED" || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return node;
            }

            await Task.Delay(20);
        }
    }

    public static MediaTypeHeaderValue Json => new("application/json");
}
