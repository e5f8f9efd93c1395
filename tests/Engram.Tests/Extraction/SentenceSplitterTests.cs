namespace Engram.Tests.Extraction;

public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("I love it. It's great!", new[] { "I love it.", "It's great!" })]
    [InlineData("Really?! Yes...  Okay", new[] { "Really?!", "Yes...", "Okay" })]
    [InlineData("Dr. Smith is here. He is nice.", new[] { "Dr. Smith is here.", "He is nice." })]
    [InlineData("It has 3.5 stars, e.g. on maps. Fine.", new[] { "It has 3.5 stars, e.g. on maps.", "Fine." })]
    [InlineData("Written by J. K. Rowling. Loved it.", new[] { "Written by J. K. Rowling.", "Loved it." })]
    [InlineData("We did \"Finding Freedom.\" It was emotional.", new[] { "We did \"Finding Freedom.\"", "It was emotional." })]
    [InlineData("line one\nline two\r\n\r\nline three", new[] { "line one", "line two", "line three" })]
    [InlineData("  ", new string[0])]
    public void Split_Text_ReturnsSentences(string text, string[] expected)
    {
        Assert.Equal(expected, SentenceSplitter.Split(text));
    }
}
