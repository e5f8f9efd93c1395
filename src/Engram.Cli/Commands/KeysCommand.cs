using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Engram.Cli.Output;
using Engram.Server;
using Engram.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Engram.Cli.Commands;

/// <summary>
/// <c>engram keys create|list|revoke</c>: the API keys of <c>engram serve</c>, in the data directory's database. A key is
/// printed only when it is created; <c>list</c> shows ids, prefixes, projects and dates, never keys. Exit code 3 when
/// <c>revoke</c> finds no active key with the id.
/// </summary>
internal static class KeysCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="context">The CLI context.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliContext context)
    {
        var command = new Command("keys", "Manage the API keys of 'engram serve' (each bound to one organization and project).");
        command.Subcommands.Add(CreateCreate(context));
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateRevoke(context));
        return command;
    }

    private static Command CreateCreate(CliContext context)
    {
        var project = new Option<string?>("--project") { Description = "The project the key reads and writes (created when new). Default: the engine's project ('default').", HelpName = "ID" };
        var organization = new Option<string>("--org")
        {
            Description = "The organization of a new project.",
            HelpName = "ID",
            DefaultValueFactory = _ => new EngramServerOptions().OrganizationId,
        };
        var name = new Option<string?>("--name") { Description = "A label for the key (who or what uses it).", HelpName = "LABEL" };
        var command = new Command("create", "Create an API key and print it once.");
        command.Options.Add(project);
        command.Options.Add(organization);
        command.Options.Add(name);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var projectId = parseResult.GetValue(project) ?? session.Services.GetRequiredService<IOptions<MemoryOptions>>().Value.ProjectId;
            var issued = await CreateService(session).IssueAsync(parseResult.GetValue(organization)!, projectId, parseResult.GetValue(name), cancellationToken: cancellationToken);
            if (context.Globals.GetFormat(parseResult) == OutputFormat.Json)
            {
                WriteJson(context.Stdout, writer =>
                {
                    WriteKey(writer, issued.Record);
                    writer.WriteString("key", issued.Key);
                });
            }
            else
            {
                await context.Stdout.WriteLineAsync(
                    $"Created key {issued.Record.Id} for organization '{issued.Record.OrganizationId}', project '{issued.Record.ProjectId}'. It is shown only this once:");
                await context.Stdout.WriteLineAsync(issued.Key);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var command = new Command("list", "List API keys: ids, prefixes, projects and dates (never the keys).");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            var keys = await CreateService(session).ListAsync(cancellationToken);
            if (context.Globals.GetFormat(parseResult) == OutputFormat.Json)
            {
                WriteJsonArray(context.Stdout, keys);
                return ExitCodes.Success;
            }

            if (keys.Count == 0)
            {
                await context.Stdout.WriteLineAsync("No API keys. 'engram serve' creates one on first start; 'engram keys create' adds one.");
                return ExitCodes.Success;
            }

            var rows = keys.Select(k => new[]
            {
                k.Id, k.Prefix + "…", k.OrganizationId, k.ProjectId, k.Name ?? string.Empty,
                k.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                k.RevokedAt is { } revoked ? "revoked " + revoked.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "active",
            }).ToList();
            string[] header = ["ID", "PREFIX", "ORG", "PROJECT", "NAME", "CREATED (UTC)", "STATUS"];
            var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
            await context.Stdout.WriteLineAsync(Format(header, widths));
            foreach (var row in rows)
            {
                await context.Stdout.WriteLineAsync(Format(row, widths));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRevoke(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The key id (from 'engram keys list')." };
        var command = new Command("revoke", "Revoke an API key: requests made with it are refused from then on.");
        command.Arguments.Add(id);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var keyId = GetCommand.RequireId(parseResult.GetValue(id));
            await using var session = await context.OpenAsync(parseResult, cancellationToken);
            if (!await CreateService(session).RevokeAsync(keyId, cancellationToken))
            {
                await context.Stderr.WriteLineAsync($"error: no active API key has id '{keyId}'.");
                return ExitCodes.NotFound;
            }

            await context.Stdout.WriteLineAsync($"Revoked key {keyId}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static ApiKeyService CreateService(Hosting.EngramSession session) =>
        new(session.Services.GetRequiredService<SqliteMemoryStore>(), session.Services.GetRequiredService<TimeProvider>());

    private static string Format(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();

    private static void WriteKey(Utf8JsonWriter writer, ApiKeyRecord key)
    {
        writer.WriteString("id", key.Id);
        writer.WriteString("prefix", key.Prefix);
        writer.WriteString("org_id", key.OrganizationId);
        writer.WriteString("project_id", key.ProjectId);
        if (key.Name is null)
        {
            writer.WriteNull("name");
        }
        else
        {
            writer.WriteString("name", key.Name);
        }

        writer.WriteString("created_at", key.CreatedAt);
        if (key.RevokedAt is { } revoked)
        {
            writer.WriteString("revoked_at", revoked);
        }
        else
        {
            writer.WriteNull("revoked_at");
        }
    }

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteJsonArray(TextWriter output, IReadOnlyList<ApiKeyRecord> keys)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                WriteKey(writer, key);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
