using System.CommandLine;
using Engram.Cli.Hosting;
using Engram.Cli.Locomo;
using Engram.Cli.Output;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram eval locomo FILE</c>: the LoCoMo retrieval protocol of benchmarks.md §1, per mode, in a fresh temporary
/// data directory (under the system temp folder, deleted afterwards; <c>--data</c> is not used).
/// </summary>
internal static class EvalCommand
{
    /// <summary>The help text of <c>eval locomo</c>.</summary>
    public const string Description =
        "Evaluate retrieval on LoCoMo (benchmarks.md §1) in a fresh temporary store (deleted afterwards; --data is ignored). " +
        "Per mode: evidence recall@5/10/25/50 per category (1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop) and overall (1-4), " +
        "all@k (whole evidence within the first k), ingest ms per turn, search p50/p95 ms, and tokens of the top-10 context vs the " +
        "full conversation, estimated as ceil(characters / 4) (OpenAI's rule of thumb; no tokenizer). With --corrections, figures are " +
        "also given on corrected labels ('audited'): corrected evidence replaces the published one; answer-only corrections do not " +
        "change retrieval recall and leave the question as is.";

    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var locomo = new Command("locomo", Description);
        var arguments = new LocomoArguments();
        arguments.AddTo(locomo);
        var mode = new Option<string>("--mode")
        {
            Description = "raw (infer=false), extracted (infer=true) or both.",
            HelpName = "raw|extracted|both",
            DefaultValueFactory = _ => "both",
        };
        mode.AcceptOnlyFromAmong("raw", "extracted", "both");
        var corrections = new Option<string?>("--corrections", "-c")
        {
            Description = "A locomo-audit errors.json file; adds an 'audited' block computed with the corrected evidence.",
            HelpName = "FILE",
        };
        var dump = new Option<string?>("--dump")
        {
            Description = "Write one JSON line per question (mode, sample, category, question, evidence, retrieved dia_ids in rank order, recall_at_10) to FILE, for error analysis.",
            HelpName = "FILE",
        };
        var topK = OptionParsers.Int("--top-k", "Results per search (1..1000).", 50);
        topK.Aliases.Add("-k");
        var embeddingCache = CreateEmbeddingCacheOption();
        locomo.Options.Add(mode);
        locomo.Options.Add(corrections);
        locomo.Options.Add(topK);
        locomo.Options.Add(dump);
        locomo.Options.Add(embeddingCache);
        locomo.SetAction(async (parseResult, cancellationToken) =>
        {
            var modes = LocomoModeNames.Parse(parseResult.GetValue(mode), allowBoth: true);
            var k = parseResult.GetValue(topK) ?? 50;
            if (k is < 1 or > 1000)
            {
                throw new CliUsageException($"--top-k must be between 1 and 1000, not {k}.");
            }

            var dataset = await LocomoDataset.LoadAsync(arguments.GetFile(parseResult), cancellationToken);
            var samples = dataset.Select(arguments.GetSamples(parseResult));
            var correctionsPath = parseResult.GetValue(corrections);
            var labels = correctionsPath is null ? null : await LocomoCorrections.LoadAsync(correctionsPath, cancellationToken);
            var formatter = context.CreateFormatter(parseResult);
            var settings = context.Globals.GetSettings(parseResult);
            using var cache = OpenEmbeddingCache(parseResult.GetValue(embeddingCache));

            var root = NewTemporaryRoot();
            var dumpPath = parseResult.GetValue(dump);
            var dumpWriter = dumpPath is null ? null : new StreamWriter(dumpPath, append: false);
            try
            {
                var reports = await SpectreStageProgress.RunAsync(context.Stderr, async progress =>
                {
                    var results = new List<LocomoModeReport>();
                    foreach (var evalMode in modes)
                    {
                        await using var session = await OpenSessionAsync(Path.Combine(root, LocomoModeNames.ToName(evalMode)), settings, cache, cancellationToken);
                        var evaluator = new LocomoEvaluator(session.Memory);
                        var before = cache?.GetStatistics();
                        var report = await evaluator.RunAsync(samples, evalMode, labels, k, progress, dumpWriter, cancellationToken);
                        results.Add(report with { EmbeddingCache = cache?.GetStatistics().Since(before!) });
                    }

                    return results;
                });
                formatter.WriteEval(reports);
            }
            finally
            {
                if (dumpWriter is not null)
                {
                    await dumpWriter.DisposeAsync();
                }

                TryDelete(root);
            }

            return ExitCodes.Success;
        });

        var command = new Command("eval", "Evaluate retrieval quality on a benchmark.");
        command.Subcommands.Add(locomo);
        command.Subcommands.Add(LongMemEvalCommand.Create(context));
        return command;
    }

    /// <summary>Creates the <c>--embedding-cache FILE</c> option shared by the eval commands.</summary>
    /// <returns>The option.</returns>
    internal static Option<string?> CreateEmbeddingCacheOption() => new("--embedding-cache")
    {
        Description = "A SQLite file of embedding vectors (created when missing), keyed by SHA-256 of the embedder's identity, the purpose " +
            "(query or document) and the text: texts embedded by an earlier run are not embedded again, so ingest and search timings then " +
            "mean little. The output reports hits, misses and embedder calls.",
        HelpName = "FILE",
    };

    /// <summary>Opens the embedding cache named by <c>--embedding-cache</c>.</summary>
    /// <param name="path">The file, or <see langword="null"/> for none.</param>
    /// <returns>The cache, or <see langword="null"/>.</returns>
    internal static EmbeddingCache? OpenEmbeddingCache(string? path) =>
        string.IsNullOrWhiteSpace(path) ? null : EmbeddingCache.Open(path);

    /// <summary>Opens an eval's engine over a temporary data directory, with the <c>--set</c> values and the embedding cache, if any.</summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="settings">The <c>--set</c> values.</param>
    /// <param name="cache">The embedding cache, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The session.</returns>
    internal static Task<EngramSession> OpenSessionAsync(
        string directory, IReadOnlyList<KeyValuePair<string, string?>> settings, EmbeddingCache? cache, CancellationToken cancellationToken) =>
        EngramSession.OpenAsync(directory, cancellationToken, settings, cache is null ? null : (services, _) => cache.Decorate(services));

    /// <summary>Creates a temporary data directory path for an eval (under the system temp folder; not created).</summary>
    /// <returns>The path.</returns>
    internal static string NewTemporaryRoot() => Path.Combine(Path.GetTempPath(), "engram-eval-" + Guid.NewGuid().ToString("N"));

    /// <summary>Deletes an eval's temporary directory, ignoring failures.</summary>
    /// <param name="directory">The directory.</param>
    internal static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is harmless; the evaluation's result stands.
        }
    }
}
