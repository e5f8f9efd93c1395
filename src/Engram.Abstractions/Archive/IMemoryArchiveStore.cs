namespace Engram;

/// <summary>
/// Storage SPI for lossless export: streams everything a project holds — memories with their lexical text, entity
/// links and (optionally) vectors, history, raw messages and graph relations — in storage order, a page at a time, so that an export never
/// holds the whole project in memory. Import writes through <see cref="IMemoryStore.WriteAsync"/>.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. The enumerations read committed pages one after another: a write made meanwhile may
/// or may not be seen (export a project that is not being written for an exact snapshot).
/// </remarks>
public interface IMemoryArchiveStore
{
    /// <summary>Streams every memory of a project (superseded and expired ones included), oldest first.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="includeEmbeddings">Whether to read the vectors (and their model) too.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The records; <see cref="MemoryRecord.Entities"/> is always set.</returns>
    IAsyncEnumerable<MemoryRecord> ReadRecordsAsync(string projectId, bool includeEmbeddings, CancellationToken cancellationToken = default);

    /// <summary>Streams every history entry of a project (those of deleted memories included), oldest first.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<MemoryHistoryEntry> ReadHistoryAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Streams every raw message of a project, oldest first.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The messages.</returns>
    IAsyncEnumerable<StoredMessage> ReadMessagesAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Streams every graph relation of a project (invalidated ones included), oldest first; empty for a store without a graph.</summary>
    /// <param name="projectId">The project id.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The relations.</returns>
    IAsyncEnumerable<GraphRelation> ReadRelationsAsync(string projectId, CancellationToken cancellationToken = default);
}
