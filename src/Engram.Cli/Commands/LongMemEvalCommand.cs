using System.CommandLine;
using Engram.Cli.LongMemEval;
using Engram.Cli.Output;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram eval longmemeval FILE</c>: the LongMemEval retrieval protocol of benchmarks.md §2 in a fresh temporary data
/// directory (under the system temp folder, deleted afterwards; <c>--data</c> is not used).
/// </summary>
internal static class LongMemEvalCommand
{
    /// <summary>The help text of <c>eval longmemeval</c>.</summary>
    public const string Description =
        "Evaluate retrieval on LongMemEval (benchmarks.md §2) in a fresh temporary store (deleted afterwards; --data is ignored). " +
        "One scope per question (user_id = question_id); every turn of its haystack is stored as one memory '<role>: <content>' " +
        "(content cut to 4,000 code points, infer=false, one add per session, observed at the session date); then search(question, " +
        "top_k=50). Sessions are ranked by their first retrieved turn. Per question type and overall, at k = 5, 10, 25, 50: recall_any " +
        "(an answer session in the top k sessions), recall_all, recall_frac, ndcg (binary) and turn_recall (has_answer turns among the " +
        "top k turns); _abs questions are searched but not scored. Also ingest ms per turn and search p50/p95 ms.";

    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("longmemeval", Description);
        var file = new Argument<string>("FILE") { Description = "The LongMemEval JSON file, plain or gzip'd (e.g. longmemeval_s_dev.json.gz)." };
        var questions = OptionParsers.Int("--questions", "Only the first N questions (after --question-type).");
        var types = new Option<string[]>("--question-type", "-t")
        {
            Description = "Only questions of this type (e.g. multi-session, temporal-reasoning); repeatable. Default: all.",
            HelpName = "TYPE",
            AllowMultipleArgumentsPerToken = true,
        };
        var dump = new Option<string?>("--dump")
        {
            Description = "Write one JSON line per question (answer sessions and turns with their ranks, session ranking, the top 50 hits with " +
                "session, turn, has_answer, score and the start of their text) to FILE, for error analysis.",
            HelpName = "FILE",
        };
        var embeddingCache = EvalCommand.CreateEmbeddingCacheOption();
        command.Arguments.Add(file);
        command.Options.Add(questions);
        command.Options.Add(types);
        command.Options.Add(dump);
        command.Options.Add(embeddingCache);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new CliUsageException("FILE must name a LongMemEval JSON file.");
            }

            var count = parseResult.GetValue(questions);
            if (count is <= 0)
            {
                throw new CliUsageException($"--questions must be a positive number, not {count}.");
            }

            var dataset = await LongMemEvalDataset.LoadAsync(path, cancellationToken);
            var selected = dataset.Select(parseResult.GetValue(types) ?? [], count);
            var formatter = context.CreateFormatter(parseResult);
            var settings = context.Globals.GetSettings(parseResult);
            using var cache = EvalCommand.OpenEmbeddingCache(parseResult.GetValue(embeddingCache));

            var root = EvalCommand.NewTemporaryRoot();
            var dumpPath = parseResult.GetValue(dump);
            var dumpWriter = dumpPath is null ? null : new StreamWriter(dumpPath, append: false);
            try
            {
                var report = await SpectreStageProgress.RunAsync(context.Stderr, async progress =>
                {
                    await using var session = await EvalCommand.OpenSessionAsync(root, settings, cache, cancellationToken);
                    var embedder = session.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
                    var result = await new LongMemEvalEvaluator(session.Memory).RunAsync(selected, progress, dumpWriter, cancellationToken);
                    return result with { Embedder = Hosting.EmbeddingCache.EmbedderIdentity(embedder), EmbeddingCache = cache?.GetStatistics() };
                });
                formatter.WriteLongMemEval(report);
            }
            finally
            {
                if (dumpWriter is not null)
                {
                    await dumpWriter.DisposeAsync();
                }

                EvalCommand.TryDelete(root);
            }

            return ExitCodes.Success;
        });

        return command;
    }
}
