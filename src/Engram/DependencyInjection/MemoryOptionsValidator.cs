using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Engram;

/// <summary>Validates <see cref="MemoryOptions"/> and its nested <see cref="RetrievalOptions"/> with their DataAnnotations.</summary>
internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(options, "Engram");
        if (options.Retrieval is null)
        {
            failures.Add("Engram:Retrieval is required.");
        }
        else
        {
            Check(options.Retrieval, "Engram:Retrieval");
        }

        if (options.ProjectId is { } project && project.Any(char.IsWhiteSpace))
        {
            failures.Add("Engram:ProjectId cannot contain whitespace.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(object instance, string prefix)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"{prefix}:{string.Join(',', r.MemberNames)}: {r.ErrorMessage}"));
            }
        }
    }
}
