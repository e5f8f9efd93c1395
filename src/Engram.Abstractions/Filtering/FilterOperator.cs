namespace Engram;

/// <summary>Comparison operators of Mem0's filter language.</summary>
public enum FilterOperator
{
    /// <summary>Equal (<c>eq</c>; also a plain value).</summary>
    Eq,

    /// <summary>Not equal (<c>ne</c>); a missing field counts as not equal.</summary>
    Ne,

    /// <summary>Greater than (<c>gt</c>).</summary>
    Gt,

    /// <summary>Greater than or equal (<c>gte</c>).</summary>
    Gte,

    /// <summary>Less than (<c>lt</c>).</summary>
    Lt,

    /// <summary>Less than or equal (<c>lte</c>).</summary>
    Lte,

    /// <summary>Equal to one of a list (<c>in</c>; also a plain list value). For categories: has one of them.</summary>
    In,

    /// <summary>Equal to none of a list (<c>nin</c>).</summary>
    Nin,

    /// <summary>Contains a substring, case-sensitively (<c>contains</c>). For categories: has that category.</summary>
    Contains,

    /// <summary>Contains a substring, ignoring case (<c>icontains</c>).</summary>
    IContains,
}
