namespace Engram.Cli.Output;

/// <summary>
/// Receives the progress of a long CLI command in stages (<c>engram bench</c>, <c>import locomo</c>, <c>eval locomo</c>);
/// the CLI shows it as progress bars on standard error.
/// </summary>
internal interface IStageProgress
{
    /// <summary>Starts a stage, completing the previous one.</summary>
    /// <param name="stage">A short description.</param>
    /// <param name="total">The number of steps.</param>
    void Start(string stage, long total);

    /// <summary>Completes steps of the current stage.</summary>
    /// <param name="count">The number of steps completed.</param>
    void Advance(long count = 1);
}
