namespace Engram;

/// <summary>Stores feedback on memories (Mem0 <c>POST /v1/feedback/</c>), per project.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IFeedbackStore
{
    /// <summary>Stores one feedback row.</summary>
    /// <param name="feedback">The feedback.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the row is durable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="feedback"/> is <see langword="null"/>.</exception>
    Task AddFeedbackAsync(MemoryFeedback feedback, CancellationToken cancellationToken = default);

    /// <summary>Lists the feedback given on one memory of a project, oldest first.</summary>
    /// <param name="projectId">The project (tenant) id.</param>
    /// <param name="memoryId">The memory id.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The rows.</returns>
    Task<IReadOnlyList<MemoryFeedback>> ListFeedbackAsync(string projectId, string memoryId, CancellationToken cancellationToken = default);
}
