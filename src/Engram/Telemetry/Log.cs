using Microsoft.Extensions.Logging;

namespace Engram;

/// <summary>
/// Source-generated log messages of the engine. Event ids 1000–1099. Never logs memory text (style.md §35), except
/// <see cref="MemoryTextStored"/> (Trace), which is called only when <see cref="MemoryOptions.EnableSensitiveDataLogging"/> is on.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Added {Count} memories from {MessageCount} messages in {ElapsedMs} ms")]
    public static partial void MemoriesAdded(ILogger logger, int count, int messageCount, double elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Search returned {Count} of {CandidateCount} candidates in {ElapsedMs} ms")]
    public static partial void SearchCompleted(ILogger logger, int count, int candidateCount, double elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Updated memory {MemoryId}")]
    public static partial void MemoryUpdated(ILogger logger, string memoryId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Deleted {Count} memories")]
    public static partial void MemoriesDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Reset project {ProjectId}")]
    public static partial void ProjectReset(ILogger logger, string projectId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Skipped {Count} duplicate facts")]
    public static partial void DuplicatesSkipped(ILogger logger, int count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "A chat exchange could not be stored")]
    public static partial void ExchangeNotStored(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The reranker failed; the fused order is kept")]
    public static partial void RerankFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Trace, Message = "Stored memory {MemoryId}: {MemoryText}")]
    public static partial void MemoryTextStored(ILogger logger, string memoryId, string memoryText);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Relation extraction by the language model failed ({ErrorType}) for {MemoryCount} memories; the rule-based relations are used")]
    public static partial void RelationModelFailed(ILogger logger, string errorType, int memoryCount);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "The language model gave no usable relations for {MemoryCount} memories after {Attempts} attempts; the rule-based relations are used")]
    public static partial void RelationAnswerUnusable(ILogger logger, int memoryCount, int attempts);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Re-embedded {Count} memories ({Skipped} already done) with {Embedder} ({Dimensions} dimensions) in {ElapsedMs} ms")]
    public static partial void MemoriesReindexed(ILogger logger, long count, long skipped, string embedder, int dimensions, double elapsedMs);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Metadata keys {Keys} were dropped: identity comes from the scope (user_id, agent_id, app_id, run_id), never from metadata")]
    public static partial void MetadataIdentityKeysStripped(ILogger logger, string keys);
}
