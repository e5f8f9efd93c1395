namespace Engram.Server;

/// <summary>A webhook delivery was not sent: its host is, or resolves to, an address <see cref="WebhookAddressPolicy"/> refuses.</summary>
/// <remarks>The message is safe to record on the delivery (it names the address class and the address, no payload).</remarks>
internal sealed class WebhookAddressRefusedException : Exception
{
    public WebhookAddressRefusedException()
    {
    }

    public WebhookAddressRefusedException(string message)
        : base(message)
    {
    }

    public WebhookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
