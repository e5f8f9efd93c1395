using Microsoft.AspNetCore.Http.HttpResults;

namespace Engram.Server;

/// <summary><c>POST /v1/feedback/</c>: feedback on a memory of the caller's project, stored per project.</summary>
internal static class FeedbackEndpoints
{
    private static readonly string[] Values = ["POSITIVE", "NEGATIVE", "VERY_NEGATIVE"];

    public static IEndpointRouteBuilder MapFeedbackEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/feedback/", AddAsync).WithName("AddFeedback").WithTags("Feedback").RequireAuthorization()
            .WithSummary("Record feedback on a memory: POSITIVE, NEGATIVE, VERY_NEGATIVE or null, with an optional reason.");
        return app;
    }

    /// <summary><c>POST /v1/feedback/</c>: <c>{"id", "feedback", "feedback_reason"}</c>.</summary>
    internal static async Task<Ok<FeedbackResponse>> AddAsync(
        FeedbackWireRequest body, Tenant tenant, IFeedbackStore feedbackStore, TimeProvider time, CancellationToken cancellationToken)
    {
        var memoryId = WireParsing.MemoryId(body.MemoryId);
        var value = body.Feedback?.Trim().ToUpperInvariant();
        if (value is not null && Array.IndexOf(Values, value) < 0)
        {
            throw new MemoryValidationException("feedback must be POSITIVE, NEGATIVE, VERY_NEGATIVE or null.", "feedback");
        }

        if (await tenant.Memory.GetAsync(memoryId, cancellationToken) is null)
        {
            throw new MemoryNotFoundException(memoryId);
        }

        var now = time.GetUtcNow();
        var feedback = new MemoryFeedback
        {
            Id = Guid.CreateVersion7(now).ToString(),
            ProjectId = tenant.ProjectId,
            MemoryId = memoryId,
            Feedback = value,
            Reason = string.IsNullOrWhiteSpace(body.FeedbackReason) ? null : body.FeedbackReason,
            CreatedAt = now,
        };
        await feedbackStore.AddFeedbackAsync(feedback, cancellationToken);
        return TypedResults.Ok(new FeedbackResponse(feedback.Id, feedback.Feedback, feedback.Reason));
    }
}
