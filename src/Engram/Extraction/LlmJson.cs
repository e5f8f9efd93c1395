using System.Text;
using System.Text.Json;

namespace Engram;

/// <summary>
/// Reads the JSON object a language model answered, repairing the usual damage: code fences, prose around the JSON,
/// trailing commas, and an answer cut off mid-way (the complete elements before the cut are kept). Mem0 issue #3391:
/// local models often answer almost-JSON; it must be repaired or retried, never silently read as "no facts".
/// </summary>
internal static class LlmJson
{
    /// <summary>Parses a model answer into a JSON object.</summary>
    /// <param name="answer">The raw answer text.</param>
    /// <param name="root">The parsed object (cloned; independent of any document).</param>
    /// <returns><see langword="true"/> when an object could be read, possibly after repair.</returns>
    public static bool TryParseObject(string? answer, out JsonElement root)
    {
        root = default;
        answer = AnswerText(answer);
        if (string.IsNullOrWhiteSpace(answer))
        {
            return false;
        }

        var text = StripFences(answer);
        var start = text.IndexOfAny(['{', '[']);
        if (start < 0)
        {
            return false;
        }

        text = text[start..];
        foreach (var candidate in Candidates(text))
        {
            try
            {
                using var document = JsonDocument.Parse(candidate, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                var element = document.RootElement;
                if (element.ValueKind == JsonValueKind.Array)
                {
                    // A bare list of facts: wrap it as {"facts": [...]}.
                    using var wrapped = JsonDocument.Parse("{\"facts\":" + element.GetRawText() + "}");
                    root = wrapped.RootElement.Clone();
                    return true;
                }

                if (element.ValueKind == JsonValueKind.Object)
                {
                    root = element.Clone();
                    return true;
                }
            }
            catch (JsonException)
            {
                // try the next repair
            }
        }

        return false;
    }

    /// <summary>
    /// The answer of a reasoning model without its reasoning: the text after the last <c>&lt;/think&gt;</c> (DeepSeek-R1,
    /// Qwen3 and other models served by Ollama, vLLM or LM Studio write their reasoning first; some templates drop the
    /// opening tag), or the text before a <c>&lt;think&gt;</c> that is never closed (the output ran out while reasoning:
    /// there is no answer). A reasoning block may hold JSON-like drafts, so it is never read as the answer; an answer
    /// that is empty once the reasoning is removed is no answer (Mem0 issue #4932), never "nothing to remember".
    /// </summary>
    /// <param name="answer">The raw answer text.</param>
    /// <returns>The answer part, possibly empty; <see langword="null"/> for <see langword="null"/>.</returns>
    public static string? AnswerText(string? answer)
    {
        if (answer is null)
        {
            return null;
        }

        var close = answer.LastIndexOf(ThinkClose, StringComparison.OrdinalIgnoreCase);
        if (close >= 0)
        {
            return answer[(close + ThinkClose.Length)..].Trim();
        }

        var open = answer.IndexOf(ThinkOpen, StringComparison.OrdinalIgnoreCase);
        return open >= 0 ? answer[..open].Trim() : answer;
    }

    private const string ThinkOpen = "<think>";

    private const string ThinkClose = "</think>";

    private static IEnumerable<string> Candidates(string text)
    {
        yield return text;
        var end = Math.Max(text.LastIndexOf('}'), text.LastIndexOf(']'));
        if (end > 0 && end < text.Length - 1)
        {
            yield return text[..(end + 1)];
        }

        if (CloseTruncated(text) is { } closed)
        {
            yield return closed;
        }
    }

    private static string StripFences(string answer)
    {
        var text = answer.Trim();
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence < 0)
        {
            return text;
        }

        var bodyStart = text.IndexOf('\n', fence);
        if (bodyStart < 0)
        {
            return text;
        }

        var close = text.IndexOf("```", bodyStart, StringComparison.Ordinal);
        return close < 0 ? text[(bodyStart + 1)..] : text[(bodyStart + 1)..close];
    }

    /// <summary>
    /// Closes an answer that stopped after its last complete value, when nothing but the closing brackets is missing:
    /// <c>{"facts":[{"text":"a"},</c> becomes <c>{"facts":[{"text":"a"}]}</c>. An answer cut inside a value
    /// (<c>{"facts":[{"text":"a"},{"text":"b</c>) is not repaired — that would silently drop a fact — so it is asked for again.
    /// </summary>
    private static string? CloseTruncated(string text)
    {
        var stack = new Stack<char>();
        var inString = false;
        var escaped = false;
        var lastSafe = -1;
        var stackAtSafe = Array.Empty<char>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    stack.Push(c);
                    break;
                case '}' or ']':
                    if (stack.Count == 0)
                    {
                        return text[..i];
                    }

                    stack.Pop();
                    if (stack.Count == 0)
                    {
                        return text[..(i + 1)];
                    }

                    // A container closed inside another: everything up to here is complete.
                    lastSafe = i;
                    stackAtSafe = [.. stack];
                    break;
            }
        }

        if (lastSafe < 0 || text.AsSpan(lastSafe + 1).Trim().TrimStart(',').Trim().Length > 0)
        {
            return null;
        }

        var builder = new StringBuilder(text, 0, lastSafe + 1, lastSafe + 1 + stackAtSafe.Length);
        foreach (var open in stackAtSafe)
        {
            builder.Append(open == '{' ? '}' : ']');
        }

        return builder.ToString();
    }
}
