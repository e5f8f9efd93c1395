namespace Engram.Cli.Output;

/// <summary>Ignores progress.</summary>
internal sealed class NullStageProgress : IStageProgress
{
    /// <summary>Gets the shared instance.</summary>
    public static NullStageProgress Instance { get; } = new();

    /// <inheritdoc/>
    public void Start(string stage, long total)
    {
    }

    /// <inheritdoc/>
    public void Advance(long count = 1)
    {
    }
}
