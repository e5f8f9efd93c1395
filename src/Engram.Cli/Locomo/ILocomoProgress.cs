namespace Engram.Cli.Locomo;

/// <summary>Receives progress of a LoCoMo import or evaluation (the CLI shows it as a progress bar on stderr).</summary>
internal interface ILocomoProgress
{
    /// <summary>Starts a stage.</summary>
    /// <param name="stage">A short description.</param>
    /// <param name="total">The number of steps.</param>
    void Start(string stage, int total);

    /// <summary>Completes one step of the current stage.</summary>
    void Advance();
}

/// <summary>Ignores progress.</summary>
internal sealed class NullLocomoProgress : ILocomoProgress
{
    /// <summary>Gets the shared instance.</summary>
    public static NullLocomoProgress Instance { get; } = new();

    /// <inheritdoc/>
    public void Start(string stage, int total) { }

    /// <inheritdoc/>
    public void Advance() { }
}
