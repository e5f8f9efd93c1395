using System.Text.Json;

namespace Engram.Sqlite;

/// <summary>
/// A <see cref="MemoryQuery"/> the in-memory index can answer: a conjunction of conditions on the scope identifiers
/// (equality with a string or null, <c>in</c> a list of those, or <c>"*"</c>: present), plus expiry and supersession.
/// Any other filter makes <see cref="TryCreate"/> return <see langword="null"/>, and the store answers it in SQL.
/// </summary>
/// <remarks>Evaluates exactly as <see cref="SqliteFilterTranslator"/>'s SQL does for the supported shapes. Immutable.</remarks>
internal sealed class MemoryIndexFilter
{
    private readonly FieldCondition _user;
    private readonly FieldCondition _agent;
    private readonly FieldCondition _app;
    private readonly FieldCondition _run;

    private MemoryIndexFilter(FieldCondition user, FieldCondition agent, FieldCondition app, FieldCondition run, string? expiredBefore, bool excludeSuperseded)
    {
        _user = user;
        _agent = agent;
        _app = app;
        _run = run;
        ExpiredBefore = expiredBefore;
        ExcludeSuperseded = excludeSuperseded;
    }

    /// <summary>Gets the date (<c>yyyy-MM-dd</c>) before which memories are expired, or <see langword="null"/> to keep expired ones.</summary>
    public string? ExpiredBefore { get; }

    /// <summary>Gets a value indicating whether superseded memories are excluded.</summary>
    public bool ExcludeSuperseded { get; }

    /// <summary>
    /// Gets the <c>user_id</c> values of the partitions that can match, or <see langword="null"/> when any partition can
    /// (the null partition is still skipped when <see cref="UserMustExist"/>).
    /// </summary>
    public IReadOnlyCollection<string?>? Users => _user.Allowed;

    /// <summary>Gets a value indicating whether <c>user_id</c> must be present.</summary>
    public bool UserMustExist => _user.NotNull;

    /// <summary>Compiles a query, or returns <see langword="null"/> when its filter has a shape the index does not evaluate.</summary>
    /// <param name="query">The query.</param>
    /// <returns>The filter, or <see langword="null"/>.</returns>
    public static MemoryIndexFilter? TryCreate(MemoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new FieldCondition[4];
        for (var i = 0; i < conditions.Length; i++)
        {
            conditions[i] = FieldCondition.Any;
        }

        if (query.Filter is not null && !Add(query.Filter, conditions))
        {
            return null;
        }

        return new MemoryIndexFilter(
            conditions[0],
            conditions[1],
            conditions[2],
            conditions[3],
            query.ExcludeExpiredBefore is { } today ? SqliteValues.FormatDate(today) : null,
            query.ExcludeSuperseded);
    }

    /// <summary>
    /// Gets a value indicating whether a filter requires a scope identifier (<c>user_id</c>, <c>agent_id</c>, <c>app_id</c>,
    /// <c>run_id</c>) to equal a string, at its top level: the rows then come from that identifier's index.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <returns><see langword="true"/> when one scope equality narrows the rows.</returns>
    public static bool NarrowsByScope(MemoryFilter? filter) => filter switch
    {
        AndFilter and => and.Filters.Any(NarrowsByScope),
        ComparisonFilter { Field.IsScope: true, Operator: FilterOperator.Eq } comparison => comparison.Value.ValueKind == JsonValueKind.String,
        _ => false,
    };

    /// <summary>Gets a value indicating whether a partition can hold matches at all.</summary>
    /// <param name="userId">The partition's <c>user_id</c>.</param>
    /// <returns><see langword="false"/> when no memory of the partition can match.</returns>
    public bool MayMatch(string? userId) => _user.Matches(userId);

    /// <summary>
    /// Gets a value indicating whether every live memory of a partition whose <c>user_id</c> matched passes the filter,
    /// so that per-memory checks can be skipped (the common case: nothing superseded or expiring, no other identifier).
    /// </summary>
    /// <param name="partition">The partition.</param>
    /// <returns><see langword="true"/> when <see cref="Matches"/> would be true for every live slot.</returns>
    public bool MatchesAll(MemoryIndexPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return (!ExcludeSuperseded || partition.SupersededSlots == 0)
            && (ExpiredBefore is null || partition.ExpiringSlots == 0)
            && ((_agent.IsAny && _app.IsAny && _run.IsAny) || (partition.ScopedSlots == 0 && _agent.Matches(null) && _app.Matches(null) && _run.Matches(null)));
    }

    /// <summary>Evaluates the filter on one live slot of a partition whose <c>user_id</c> already matched.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="slot">The slot.</param>
    /// <returns><see langword="true"/> when the memory matches.</returns>
    public bool Matches(MemoryIndexPartition partition, int slot)
    {
        if (ExcludeSuperseded && partition.Superseded[slot])
        {
            return false;
        }

        if (ExpiredBefore is not null && partition.Expirations[slot] is { } expiration && string.CompareOrdinal(expiration, ExpiredBefore) < 0)
        {
            return false;
        }

        return (_agent.IsAny || _agent.Matches(partition.AgentIds[slot]))
            && (_app.IsAny || _app.Matches(partition.AppIds[slot]))
            && (_run.IsAny || _run.Matches(partition.RunIds[slot]));
    }

    private static bool Add(MemoryFilter filter, FieldCondition[] conditions)
    {
        switch (filter)
        {
            case AndFilter and:
                foreach (var inner in and.Filters)
                {
                    if (inner is null || !Add(inner, conditions))
                    {
                        return false;
                    }
                }

                return true;
            case ExistsFilter { Field.IsScope: true } exists:
                conditions[IndexOf(exists.Field.Kind)] = conditions[IndexOf(exists.Field.Kind)].RequireNotNull();
                return true;
            case ComparisonFilter { Field.IsScope: true } comparison when comparison.Operator is FilterOperator.Eq or FilterOperator.In:
                var values = Values(comparison);
                if (values is null)
                {
                    return false;
                }

                var index = IndexOf(comparison.Field.Kind);
                conditions[index] = conditions[index].Intersect(values);
                return true;
            default:
                return false;
        }
    }

    // The SQL translator turns `in` into an OR of equalities and accepts a single value for `in`; both are mirrored.
    private static HashSet<string?>? Values(ComparisonFilter comparison)
    {
        var value = comparison.Value;
        var items = comparison.Operator == FilterOperator.In && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new List<JsonElement> { value };
        var set = new HashSet<string?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            switch (item.ValueKind)
            {
                case JsonValueKind.String:
                    set.Add(item.GetString());
                    break;
                case JsonValueKind.Null:
                    set.Add(null);
                    break;
                default:
                    return null;
            }
        }

        return set;
    }

    private static int IndexOf(FilterFieldKind kind) => kind switch
    {
        FilterFieldKind.UserId => 0,
        FilterFieldKind.AgentId => 1,
        FilterFieldKind.AppId => 2,
        _ => 3,
    };

    /// <summary>The condition on one identifier: allowed values (null = any) and whether it must be present.</summary>
    private readonly record struct FieldCondition(HashSet<string?>? Allowed, bool NotNull)
    {
        public static FieldCondition Any => new(null, false);

        public bool IsAny => Allowed is null && !NotNull;

        public FieldCondition RequireNotNull() => this with { NotNull = true };

        public FieldCondition Intersect(HashSet<string?> values)
        {
            if (Allowed is null)
            {
                return this with { Allowed = values };
            }

            var both = new HashSet<string?>(Allowed, StringComparer.Ordinal);
            both.IntersectWith(values);
            return this with { Allowed = both };
        }

        public bool Matches(string? value) => value is null
            ? !NotNull && (Allowed is null || Allowed.Contains(null))
            : Allowed is null || Allowed.Contains(value);
    }
}
