namespace Engram.Cli.Output;

/// <summary>Shows a re-embedding's progress reports as one stage of an <see cref="IStageProgress"/> (a progress bar on stderr).</summary>
/// <param name="stages">The progress bars.</param>
/// <remarks>Not thread-safe: the re-embedding reports from one thread at a time.</remarks>
internal sealed class ReindexStageProgress(IStageProgress stages) : IProgress<VectorReindexProgress>
{
    private bool _started;

    /// <summary>Gets the number of memories re-embedded according to the last report.</summary>
    public long Reembedded { get; private set; }

    /// <inheritdoc/>
    public void Report(VectorReindexProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_started)
        {
            stages.Start("Re-embedding memories", value.Total);
            _started = true;
        }

        if (value.Reembedded > Reembedded)
        {
            stages.Advance(value.Reembedded - Reembedded);
            Reembedded = value.Reembedded;
        }
    }
}
