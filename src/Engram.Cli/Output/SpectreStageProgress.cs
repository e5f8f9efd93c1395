using Spectre.Console;

namespace Engram.Cli.Output;

/// <summary>Shows the stages of a long CLI command as Spectre.Console progress bars on standard error.</summary>
/// <remarks>Thread-safe: <see cref="Advance"/> may be called from several threads.</remarks>
internal sealed class SpectreStageProgress : IStageProgress
{
    private readonly ProgressContext _context;
    private readonly Lock _gate = new();
    private ProgressTask? _task;

    private SpectreStageProgress(ProgressContext context) => _context = context;

    /// <summary>Runs work while showing its progress on <paramref name="stderr"/> (plain lines when redirected).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="stderr">Standard error.</param>
    /// <param name="work">The work, given the progress sink.</param>
    /// <returns>The work's result.</returns>
    public static Task<T> RunAsync<T>(TextWriter stderr, Func<IStageProgress, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var console = SpectreConsoles.Create(stderr);
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var progress = new SpectreStageProgress(context);
                var result = await work(progress);
                progress.Complete();
                return result;
            });
    }

    /// <inheritdoc/>
    public void Start(string stage, long total)
    {
        lock (_gate)
        {
            Complete();
            _task = _context.AddTask(stage, autoStart: true, maxValue: Math.Max(total, 1));
        }
    }

    /// <inheritdoc/>
    public void Advance(long count = 1)
    {
        lock (_gate)
        {
            _task?.Increment(count);
        }
    }

    private void Complete()
    {
        if (_task is { } task)
        {
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}
