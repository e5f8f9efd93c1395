using Engram.Cli.Locomo;
using Spectre.Console;

namespace Engram.Cli.Output;

/// <summary>Shows LoCoMo progress as Spectre.Console progress bars on standard error.</summary>
internal sealed class SpectreLocomoProgress : ILocomoProgress
{
    private readonly ProgressContext _context;
    private ProgressTask? _task;

    private SpectreLocomoProgress(ProgressContext context) => _context = context;

    /// <summary>Runs work while showing its progress on <paramref name="stderr"/> (plain lines when redirected).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="stderr">Standard error.</param>
    /// <param name="work">The work, given the progress sink.</param>
    /// <returns>The work's result.</returns>
    public static Task<T> RunAsync<T>(TextWriter stderr, Func<ILocomoProgress, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var console = SpectreConsoles.Create(stderr);
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var progress = new SpectreLocomoProgress(context);
                var result = await work(progress);
                progress.Complete();
                return result;
            });
    }

    /// <inheritdoc/>
    public void Start(string stage, int total)
    {
        Complete();
        _task = _context.AddTask(stage, autoStart: true, maxValue: Math.Max(total, 1));
    }

    /// <inheritdoc/>
    public void Advance() => _task?.Increment(1);

    private void Complete()
    {
        if (_task is { } task)
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}
