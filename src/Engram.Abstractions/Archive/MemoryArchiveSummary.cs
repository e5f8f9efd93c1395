namespace Engram;

/// <summary>What an export wrote or an import read: counts of each kind of line.</summary>
/// <param name="Memories">Memories (superseded and expired ones included).</param>
/// <param name="History">History entries.</param>
/// <param name="Messages">Raw messages.</param>
/// <param name="Skipped">Import only: entries that could not be used (a Mem0 memory without text or scope).</param>
/// <param name="Relations">Graph relations (invalidated ones included).</param>
public sealed record MemoryArchiveSummary(int Memories, int History, int Messages, int Skipped = 0, int Relations = 0);
