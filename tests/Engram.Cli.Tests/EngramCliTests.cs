namespace Engram.Cli.Tests;

public class EngramCliTests
{
    [Fact]
    public async Task RunAsync_Help_DocumentsCommandsAndExitCodes()
    {
        var run = await Cli.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes: 0 success; 1 unexpected failure; 2 invalid input", run.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "add", "search", "list", "get", "update", "delete", "history", "import", "eval" })
        {
            Assert.Contains(command, run.Stdout, StringComparison.Ordinal);
        }

        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task RunAsync_EvalHelp_DocumentsTokenApproximationAndCorrections()
    {
        var run = await Cli.RunAsync("eval", "locomo", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ceil(characters / 4)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("answer-only corrections", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("list|--bogus")]
    [InlineData("search|tea|--user|alice|--top-k|abc")]
    [InlineData("search|tea|--user|alice|--threshold|high")]
    [InlineData("add|x|--user|alice|--expires|next week")]
    [InlineData("add|x|--user|alice|--timestamp|yesterday")]
    [InlineData("add|x|--user|alice|--role|robot")]
    [InlineData("list|--user|alice|--output|xml")]
    [InlineData("eval|locomo|file.json|--mode|fast")]
    public async Task RunAsync_UsageError_ReturnsTwoWithOneErrorLine(string commandLine)
    {
        var run = await Cli.RunAsync(commandLine.Split('|', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void ExitCodeFor_EngineExceptions_MapToDocumentedCodes()
    {
        var none = CancellationToken.None;
        Assert.Equal(2, EngramCli.ExitCodeFor(new MemoryValidationException("bad"), none));
        Assert.Equal(3, EngramCli.ExitCodeFor(new MemoryNotFoundException("x"), none));
        Assert.Equal(4, EngramCli.ExitCodeFor(new MemoryStoreException("broken"), none));
        Assert.Equal(4, EngramCli.ExitCodeFor(new EmbeddingMismatchException("a", 1, "b", 2), none));
        Assert.Equal(4, EngramCli.ExitCodeFor(new CliDataException("missing"), none));
        Assert.Equal(1, EngramCli.ExitCodeFor(new InvalidOperationException("bug"), none));
        Assert.Equal(130, EngramCli.ExitCodeFor(new OperationCanceledException(), new CancellationToken(canceled: true)));
    }
}
