namespace Engram;

/// <summary>
/// Words to add to an existing memory's lexical text (its BM25 index entry) without changing the memory itself: the
/// engine indexes the messages that follow a memory's source with it (<see cref="RetrievalOptions.LexicalFollowingMessages"/>).
/// </summary>
/// <param name="MemoryId">The memory; a store skips an id it does not hold (the memory may have been deleted meanwhile).</param>
/// <param name="Text">Analysed, space-separated terms to append (as produced for <see cref="MemoryRecord.LexicalText"/>).</param>
public sealed record LexicalAppend(string MemoryId, string Text);
