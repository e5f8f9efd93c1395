using System.Text;

namespace Engram;

/// <summary>
/// Walks the filter tree (AND, OR, NOT) into a SQL boolean expression; each store supplies its boolean literals and the
/// leaves (existence tests and comparisons) in its own dialect. Not thread-safe: one instance per statement.
/// </summary>
internal abstract class StoreFilterTranslator
{
    /// <summary>Gets the dialect's literal for true (<c>1</c> in SQLite, <c>true</c> in PostgreSQL).</summary>
    protected abstract string True { get; }

    /// <summary>Gets the dialect's literal for false.</summary>
    protected abstract string False { get; }

    /// <summary>Appends a condition that holds when the field has a value.</summary>
    /// <param name="field">The field.</param>
    /// <param name="sql">The statement being built.</param>
    protected abstract void AppendExists(FilterField field, StringBuilder sql);

    /// <summary>Appends a comparison of a field with a value.</summary>
    /// <param name="filter">The comparison.</param>
    /// <param name="sql">The statement being built.</param>
    protected abstract void AppendComparison(ComparisonFilter filter, StringBuilder sql);

    /// <summary>Appends a filter; an empty AND holds, an empty OR does not, NOT of nothing holds, and NOT of an unknown
    /// (NULL) result holds (<c>NOT coalesce(…, false)</c>), as Mem0's filters behave.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="sql">The statement being built.</param>
    /// <exception cref="MemoryValidationException">The filter has a node type this translator does not know.</exception>
    protected void Append(MemoryFilter filter, StringBuilder sql)
    {
        switch (filter)
        {
            case AndFilter and:
                AppendList(and.Filters, " AND ", True, sql);
                break;
            case OrFilter or:
                AppendList(or.Filters, " OR ", False, sql);
                break;
            case NotFilter not:
                if (not.Filters.Count == 0)
                {
                    sql.Append(True);
                    break;
                }

                sql.Append("(NOT coalesce(");
                AppendList(not.Filters, " OR ", False, sql);
                sql.Append(", ").Append(False).Append("))");
                break;
            case ExistsFilter exists:
                AppendExists(exists.Field, sql);
                break;
            case ComparisonFilter comparison:
                AppendComparison(comparison, sql);
                break;
            default:
                throw new MemoryValidationException($"Unsupported filter node {filter.GetType().Name}.", "filters");
        }
    }

    private void AppendList(IReadOnlyList<MemoryFilter> filters, string separator, string empty, StringBuilder sql)
    {
        if (filters.Count == 0)
        {
            sql.Append(empty);
            return;
        }

        AppendBalanced(filters.Count, separator, (i, s) => Append(filters[i], s), sql);
    }

    /// <summary>
    /// Appends <paramref name="count"/> operands joined by <paramref name="separator"/> as a balanced tree of parenthesised
    /// pairs, so that the expression is about log2(count) deep: SQLite refuses expression trees deeper than 1,000 (a flat
    /// chain of 1,000 ORs is that deep), and PostgreSQL recurses once per level.
    /// </summary>
    /// <param name="count">The number of operands (at least 1).</param>
    /// <param name="separator">The operator between operands, with its spaces (<c>" OR "</c>).</param>
    /// <param name="appendOperand">Appends operand <c>i</c>.</param>
    /// <param name="sql">The statement being built.</param>
    protected static void AppendBalanced(int count, string separator, Action<int, StringBuilder> appendOperand, StringBuilder sql)
    {
        ArgumentNullException.ThrowIfNull(appendOperand);
        AppendRange(0, count);

        void AppendRange(int start, int end)
        {
            if (end - start == 1)
            {
                appendOperand(start, sql);
                return;
            }

            var middle = start + ((end - start) / 2);
            sql.Append('(');
            AppendRange(start, middle);
            sql.Append(separator);
            AppendRange(middle, end);
            sql.Append(')');
        }
    }
}
