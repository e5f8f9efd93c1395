namespace Engram.Server;

/// <summary>A search relation, Mem0g's shape: <c>{"source", "relationship", "destination"}</c>.</summary>
internal sealed record RelationResponse(string Source, string Relationship, string Destination)
{
    public static RelationResponse From(GraphRelation relation) => new(relation.Source, relation.Relationship, relation.Destination);
}

/// <summary>An add or <c>get_all</c> relation, Mem0g's shape: <c>{"source", "relationship", "target"}</c>.</summary>
internal sealed record RelationTargetResponse(string Source, string Relationship, string Target)
{
    public static RelationTargetResponse From(GraphRelation relation) => new(relation.Source, relation.Relationship, relation.Destination);
}

/// <summary>Mem0g's add <c>relations</c>: <c>{"deleted_entities": [[…]], "added_entities": [[…]]}</c>, one inner list per memory.</summary>
internal sealed record AddRelationsResponse(IReadOnlyList<IReadOnlyList<RelationTargetResponse>> DeletedEntities, IReadOnlyList<IReadOnlyList<RelationTargetResponse>> AddedEntities)
{
    public static AddRelationsResponse From(AddMemoriesResult result) => From(result.AddedRelations, result.InvalidatedRelations);

    public static AddRelationsResponse From(IReadOnlyList<GraphRelation> added, IReadOnlyList<GraphRelation> invalidated) => new(
        Group(invalidated, r => r.InvalidatedByMemoryId ?? r.MemoryId),
        Group(added, r => r.MemoryId));

    private static List<IReadOnlyList<RelationTargetResponse>> Group(IReadOnlyList<GraphRelation> relations, Func<GraphRelation, string> key) =>
        relations.GroupBy(key, StringComparer.Ordinal).Select(g => (IReadOnlyList<RelationTargetResponse>)g.Select(RelationTargetResponse.From).ToList()).ToList();
}

/// <summary>A search answer with Mem0g's <c>relations</c>: <c>{"results": [...], "relations": [...]}</c>.</summary>
internal sealed record GraphSearchResponse(IReadOnlyList<SearchHitResponse> Results, IReadOnlyList<RelationResponse> Relations);

/// <summary>A synchronous v3 add (<c>infer: false</c>) with graph memory on: <c>{"message", "results", "relations"}</c>.</summary>
internal sealed record GraphAddSyncResponse(string Message, IReadOnlyList<AddResultResponse> Results, AddRelationsResponse Relations);

/// <summary>A <c>get_all</c> answer with Mem0g's <c>relations</c>: <c>{"results": [...], "relations": [{"source", "relationship", "target"}]}</c>.</summary>
internal sealed record GraphListResponse(IReadOnlyList<MemoryResponse> Results, IReadOnlyList<RelationTargetResponse> Relations);

/// <summary>A legacy v1.1 add answer with Mem0g's <c>relations</c>.</summary>
internal sealed record GraphAddResultsResponse(IReadOnlyList<AddResultResponse> Results, AddRelationsResponse Relations);

/// <summary><c>GET /v1/relations/</c>: an entity's neighbourhood (Engram extension).</summary>
internal sealed record RelationDetailResponse(
    long Id, string Source, string Relationship, string Target, string MemoryId, string? UserId, string? AgentId, string? AppId, string? RunId,
    DateTimeOffset CreatedAt, bool Valid, DateTimeOffset? InvalidatedAt, string? InvalidatedBy)
{
    public static RelationDetailResponse From(GraphRelation r) => new(
        r.Id, r.Source, r.Relationship, r.Destination, r.MemoryId, r.Scope.UserId, r.Scope.AgentId, r.Scope.AppId, r.Scope.RunId,
        r.CreatedAt, r.InvalidatedAt is null, r.InvalidatedAt, r.InvalidatedByMemoryId);
}
