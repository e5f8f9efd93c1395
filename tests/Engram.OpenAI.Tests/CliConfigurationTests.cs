using Engram.Testing;
using Engram.Cli;

namespace Engram.OpenAI.Tests;

public sealed class CliConfigurationTests
{
    [Fact]
    public async Task Add_WithSetOptions_UsesTheConfiguredLanguageModel()
    {
        await using var server = await ScriptedOpenAIServer.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "engram-cli-llm-" + Guid.NewGuid().ToString("N"));
        var settings = LlmEngineFixture.Settings(server).SelectMany(kv => new[] { "--set", $"{kv.Key}={kv.Value}" });
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EngramCli.RunAsync(
            ["add", "I adopted a cat named Luna", "--user", "ana", "--name", "Ana", "--data", data, "--output", "json", .. settings],
            stdout,
            stderr);

        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("Ana said: I adopted a cat named Luna", stdout.ToString(), StringComparison.Ordinal);
        Assert.Single(server.Prompts);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Add_WithIncompleteProviderSettings_FailsWithOneLineAndExitCode2()
    {
        var data = Path.Combine(Path.GetTempPath(), "engram-cli-llm-" + Guid.NewGuid().ToString("N"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EngramCli.RunAsync(["add", "x", "--user", "ana", "--data", data, "--set", "Engram:Llm:Provider=openai"], stdout, stderr);

        Assert.Equal(2, exit);
        var error = stderr.ToString().Trim();
        Assert.DoesNotContain('\n', error);
        Assert.Contains("Engram:Llm:Model", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "engram.db")));
    }

    [Fact]
    public async Task Add_WithMalformedSet_IsAUsageError()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await EngramCli.RunAsync(["add", "x", "--user", "ana", "--set", "no-equals-sign"], stdout, stderr);
        Assert.Equal(2, exit);
        Assert.Contains("KEY=VALUE", stderr.ToString(), StringComparison.Ordinal);
    }
}
