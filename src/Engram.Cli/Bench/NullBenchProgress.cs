namespace Engram.Cli.Bench;

/// <summary>Ignores progress.</summary>
internal sealed class NullBenchProgress : IBenchProgress
{
    /// <summary>Gets the shared instance.</summary>
    public static NullBenchProgress Instance { get; } = new();

    /// <inheritdoc/>
    public void Start(string stage, long total)
    {
    }

    /// <inheritdoc/>
    public void Advance(long count = 1)
    {
    }
}
