using System.Text.Json;

namespace Engram.Tests.Filtering;

public sealed class MemoryFilterParserTests
{
    [Fact]
    public void Parse_PlainValue_IsEquality()
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse("""{"user_id":"alice"}"""));
        Assert.Equal(FilterFieldKind.UserId, filter.Field.Kind);
        Assert.Equal(FilterOperator.Eq, filter.Operator);
        Assert.Equal("alice", filter.Value.GetString());
    }

    [Fact]
    public void Parse_SiblingKeys_AreAnded()
    {
        var filter = Assert.IsType<AndFilter>(MemoryFilter.Parse("""{"user_id":"alice","topic":"travel"}"""));
        Assert.Equal(2, filter.Filters.Count);
        var metadata = Assert.IsType<ComparisonFilter>(filter.Filters[1]);
        Assert.Equal(FilterFieldKind.Metadata, metadata.Field.Kind);
        Assert.Equal("topic", metadata.Field.MetadataKey);
    }

    [Fact]
    public void Parse_CountsEveryConditionAndListItem_AndRefusesMoreThanTheCapInAll()
    {
        var filter = MemoryFilter.Parse("""{"user_id":"a","OR":[{"agent_id":{"in":["x","y","z"]}},{"run_id":"*"}],"NOT":[{"topic":{"nin":["p","q"]}}]}""");
        var lists = string.Join(',', Enumerable.Range(0, 2).Select(_ => "{\"run_id\":{\"in\":" + JsonSerializer.Serialize(Enumerable.Range(0, 5_001).Select(i => $"r{i}")) + "}}"));

        Assert.Equal(7, filter.CountValues());
        var ex = Assert.Throws<MemoryValidationException>(() => MemoryFilter.Parse("{\"AND\":[" + lists + "]}"));
        Assert.Equal("filters", ex.ParameterName);
        Assert.Contains("10002", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListValue_IsIn()
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse("""{"agent_id":["a","b"]}"""));
        Assert.Equal(FilterOperator.In, filter.Operator);
        Assert.Equal(2, filter.Value.GetArrayLength());
    }

    [Fact]
    public void Parse_Wildcard_IsExists()
    {
        var filter = Assert.IsType<ExistsFilter>(MemoryFilter.Parse("""{"run_id":"*"}"""));
        Assert.Equal(FilterFieldKind.RunId, filter.Field.Kind);
    }

    [Theory]
    [InlineData("eq", FilterOperator.Eq, "\"x\"")]
    [InlineData("ne", FilterOperator.Ne, "\"x\"")]
    [InlineData("gt", FilterOperator.Gt, "3")]
    [InlineData("gte", FilterOperator.Gte, "\"2024-01-01\"")]
    [InlineData("lt", FilterOperator.Lt, "3.5")]
    [InlineData("lte", FilterOperator.Lte, "3")]
    [InlineData("in", FilterOperator.In, "[1,2]")]
    [InlineData("nin", FilterOperator.Nin, "[\"a\"]")]
    [InlineData("contains", FilterOperator.Contains, "\"ab\"")]
    [InlineData("icontains", FilterOperator.IContains, "\"AB\"")]
    [InlineData("$gte", FilterOperator.Gte, "1")]
    public void Parse_OperatorObject_MapsOperator(string op, FilterOperator expected, string value)
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse("{\"score\":{\"" + op + "\":" + value + "}}"));
        Assert.Equal(expected, filter.Operator);
    }

    [Fact]
    public void Parse_SeveralOperatorsOnOneKey_AreAnded()
    {
        var filter = Assert.IsType<AndFilter>(MemoryFilter.Parse("""{"created_at":{"gte":"2024-01-01","lt":"2024-02-01"}}"""));
        Assert.All(filter.Filters, f => Assert.Equal(FilterFieldKind.CreatedAt, Assert.IsType<ComparisonFilter>(f).Field.Kind));
    }

    [Fact]
    public void Parse_LogicalOperators_Nest()
    {
        var filter = Assert.IsType<AndFilter>(MemoryFilter.Parse(
            """{"AND":[{"user_id":"alice"},{"OR":[{"topic":"a"},{"NOT":[{"topic":"b"}]}]}]}"""));
        Assert.Equal(2, filter.Filters.Count);
        var or = Assert.IsType<OrFilter>(filter.Filters[1]);
        Assert.IsType<NotFilter>(or.Filters[1]);
    }

    [Fact]
    public void Parse_MetadataObject_TestsMetadataKeys()
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse("""{"metadata":{"user_id":"x"}}"""));
        Assert.Equal(FilterFieldKind.Metadata, filter.Field.Kind);
        Assert.Equal("user_id", filter.Field.MetadataKey);
    }

    [Theory]
    [InlineData("userId", FilterFieldKind.UserId)]
    [InlineData("agentId", FilterFieldKind.AgentId)]
    [InlineData("appId", FilterFieldKind.AppId)]
    [InlineData("runId", FilterFieldKind.RunId)]
    [InlineData("session_id", FilterFieldKind.RunId)]
    [InlineData("memory_ids", FilterFieldKind.Id)]
    [InlineData("timestamp", FilterFieldKind.ObservedAt)]
    public void Parse_CamelCaseAndAliasKeys_ResolveToFields(string key, FilterFieldKind expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse($$"""{"{{key}}":"v"}"""));
        Assert.Equal(expected, filter.Field.Kind);
    }

    [Theory]
    [InlineData("""{"score":{"between":[1,2]}}""", "Unknown filter operator 'between'")]
    [InlineData("""{"score":{"gt":true}}""", "needs a number or a string")]
    [InlineData("""{"score":{"in":"a"}}""", "needs a list")]
    [InlineData("""{"score":{"contains":3}}""", "needs a string")]
    [InlineData("""{"score":{}}""", "empty object")]
    [InlineData("""{"AND":"x"}""", "must be a list of filter objects")]
    [InlineData("""["a"]""", "must be a JSON object")]
    [InlineData("""{"user_id":"a" """, "not valid JSON")]
    [InlineData("""{"":"a"}""", "Invalid filter key")]
    [InlineData("""{"a\u0000b":"x"}""", "Invalid filter key")]
    [InlineData("""{"metadata":{"\u0000":{"lt":"x"}}}""", "Invalid metadata key")]
    [InlineData("""{"metadata":{"a":{"$between":[1,2]}}}""", "Unknown filter operator '$between'")]
    [InlineData("""{"user_id":{"b":1}}""", "Unknown filter operator 'b'")]
    [InlineData("""{"metadata":{"a":{"in":{"b":1}}}}""", "needs a list")]
    public void Parse_BadInput_ThrowsValidationWithClearMessage(string json, string expected)
    {
        var ex = Assert.Throws<MemoryValidationException>(() => MemoryFilter.Parse(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("filters", ex.ParameterName);
    }

    [Theory]
    [InlineData("""{"metadata":{"a":{"b":1}}}""")]
    [InlineData("""{"a":{"b":{"c":[1,2]},"d":null}}""")]
    [InlineData("""{"metadata":{"a":{"eq":{"b":1}}}}""")]
    public void Parse_NestedMetadataObject_IsEqualityOnThatValue(string json)
    {
        var filter = Assert.IsType<ComparisonFilter>(MemoryFilter.Parse(json));

        Assert.Equal(FilterField.Metadata("a"), filter.Field);
        Assert.Equal(FilterOperator.Eq, filter.Operator);
        Assert.Equal(JsonValueKind.Object, filter.Value.ValueKind);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.TryGetProperty("metadata", out var metadata) ? metadata : document.RootElement;
        var expected = root.GetProperty("a");
        Assert.True(JsonElement.DeepEquals(expected.TryGetProperty("eq", out var inner) ? inner : expected, filter.Value));
    }

    [Fact]
    public void Parse_TooDeep_IsRejected()
    {
        var json = string.Concat(Enumerable.Repeat("""{"NOT":[""", 40)) + """{"a":1}""" + string.Concat(Enumerable.Repeat("]}", 40));
        Assert.Throws<MemoryValidationException>(() => MemoryFilter.Parse(json));
    }

    [Fact]
    public void Parse_ValuesSurviveDocumentDisposal()
    {
        MemoryFilter filter;
        using (var document = JsonDocument.Parse("""{"topic":{"in":["a","b"]}}"""))
        {
            filter = MemoryFilter.Parse(document.RootElement);
        }

        Assert.Equal("b", Assert.IsType<ComparisonFilter>(filter).Value[1].GetString());
    }

    [Fact]
    public void AllOf_FlattensAndSkipsNulls()
    {
        var a = MemoryFilter.Equal(FilterField.Of(FilterFieldKind.UserId), "a");
        var b = MemoryFilter.Equal(FilterField.Metadata("k"), 1);
        var combined = Assert.IsType<AndFilter>(MemoryFilter.AllOf(a, null, new AndFilter([b])));
        Assert.Equal(2, combined.Filters.Count);
        Assert.Same(a, MemoryFilter.AllOf(null, a));
        Assert.Null(MemoryFilter.AllOf(null, null));
    }
}

public sealed class MemoryFilterWriterTests
{
    [Theory]
    [InlineData("""{"user_id":"alice"}""")]
    [InlineData("""{"AND":[{"user_id":"alice"},{"created_at":{"gte":"2024-01-01","lt":"2024-02-01"}}]}""")]
    [InlineData("""{"OR":[{"topic":"a"},{"NOT":[{"metadata":{"text":{"icontains":"X"}}}]}]}""")]
    [InlineData("""{"run_id":"*","categories":{"in":["travel","food"]},"score":{"nin":[1,2]}}""")]
    public void ToJson_RoundTripsThroughTheParser(string json)
    {
        var once = MemoryFilterWriter.ToJson(MemoryFilter.Parse(json));
        var twice = MemoryFilterWriter.ToJson(MemoryFilter.Parse(once));
        Assert.Equal(once, twice);
    }

    [Fact]
    public void ToJson_MetadataKeyNamedLikeAField_StaysMetadata()
    {
        var filter = MemoryFilter.Parse(MemoryFilterWriter.ToJson(MemoryFilter.Equal(FilterField.Metadata("user_id"), "x")));
        Assert.Equal(FilterFieldKind.Metadata, Assert.IsType<ComparisonFilter>(filter).Field.Kind);
    }
}
