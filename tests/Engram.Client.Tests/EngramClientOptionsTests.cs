using Microsoft.Extensions.Options;

namespace Engram.Client.Tests;

/// <summary>The client's construction, without a server: options, the base address and the key header.</summary>
public sealed class EngramClientOptionsTests
{
    [Theory]
    [InlineData("http://engram.test", "http://engram.test/v1/ping/")]
    [InlineData("http://engram.test/", "http://engram.test/v1/ping/")]
    [InlineData("https://gateway.test/engram", "https://gateway.test/engram/v1/ping/")]
    [InlineData("https://gateway.test/engram/", "https://gateway.test/engram/v1/ping/")]
    public async Task Requests_GoBelowTheBaseAddress_WithTheKeyAsToken(string baseAddress, string expected)
    {
        var handler = new RecordingHandler();
        var client = new EngramClient(new HttpClient(handler), Options.Create(new EngramClientOptions { BaseAddress = new Uri(baseAddress), ApiKey = "m0-key" }));

        await client.PingAsync();

        Assert.Equal(expected, handler.Request!.RequestUri!.AbsoluteUri);
        Assert.Equal("Token m0-key", handler.Request.Headers.Authorization!.ToString());
    }

    [Fact]
    public void MissingAddressOrKey_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new EngramClient(new HttpClient(), Options.Create(new EngramClientOptions { ApiKey = "m0-key" })));
        Assert.Throws<ArgumentException>(() => new EngramClient(new HttpClient(), Options.Create(new EngramClientOptions { BaseAddress = new Uri("http://engram.test") })));
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"status":"ok"}""", System.Text.Encoding.UTF8, "application/json") });
        }
    }
}
