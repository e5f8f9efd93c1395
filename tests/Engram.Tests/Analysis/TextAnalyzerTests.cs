namespace Engram.Tests.Analysis;

public sealed class TextAnalyzerTests
{
    private static readonly TextAnalyzer Analyzer = TextAnalyzer.Default;

    [Fact]
    public void Tokenize_MixedCase_ReturnsLowerCaseWords()
    {
        Assert.Equal(["caroline", "went", "to", "a", "lgbtq", "support", "group"], Analyzer.Tokenize("Caroline went to a LGBTQ support group."));
    }

    [Fact]
    public void Tokenize_Possessive_DropsApostropheS()
    {
        Assert.Equal(["caroline", "dog", "it"], Analyzer.Tokenize("Caroline's dog, it's"));
        Assert.Equal(["caroline", "dog"], Analyzer.Tokenize("Caroline\u2019s dog"));
    }

    [Theory]
    [InlineData("don't", "do not")]
    [InlineData("doesn't", "does not")]
    [InlineData("can't", "can not")]
    [InlineData("won't", "will not")]
    [InlineData("shan't", "shall not")]
    [InlineData("I'm", "i am")]
    [InlineData("they're", "they are")]
    [InlineData("I've", "i have")]
    [InlineData("we'll", "we will")]
    [InlineData("she'd", "she would")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("'90s", "90s")]
    public void Tokenize_Contraction_ExpandsToStopWords(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Analyzer.Tokenize(text)));
    }

    [Fact]
    public void Tokenize_HyphenAndNumbers_SplitsAndKeepsDigits()
    {
        Assert.Equal(["lgbtq", "friendly", "3", "5", "stars", "in", "2023", "4th"], Analyzer.Tokenize("LGBTQ-friendly: 3.5 stars in 2023, 4th!"));
    }

    [Fact]
    public void Tokenize_Diacritics_FoldsToAscii()
    {
        Assert.Equal(["cafe", "zoe", "naive", "angstrom", "strasse", "final", "full", "lodz"], Analyzer.Tokenize("Café Zoë naïve Ångström Straße ﬁnal ＦＵＬＬ Łódź"));
    }

    [Fact]
    public void Tokenize_DecomposedAccent_FoldsLikePrecomposed()
    {
        Assert.Equal(Analyzer.Tokenize("caf\u00E9"), Analyzer.Tokenize("cafe\u0301"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ... ?")]
    [InlineData("\U0001F600\U0001F389")]
    [InlineData("Привет мир")]
    public void Tokenize_NoLatinLettersOrDigits_ReturnsEmpty(string text)
    {
        Assert.Empty(Analyzer.Tokenize(text));
    }

    [Fact]
    public void Tokenize_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Analyzer.Tokenize(null!));
    }

    [Theory]
    [InlineData("the", true)]
    [InlineData("i", true)]
    [InlineData("my", true)]
    [InlineData("not", true)]
    [InlineData("would", true)]
    [InlineData("will", true)]
    [InlineData("can", true)]
    [InlineData("may", false)]
    [InlineData("hiking", false)]
    [InlineData("caroline", false)]
    [InlineData("The", false)]
    public void IsStopWord_Token_MatchesSnowballList(string token, bool expected)
    {
        Assert.Equal(expected, Analyzer.IsStopWord(token));
    }

    // Porter (1980) examples and Porter's reference vocabulary (voc.txt / output.txt).
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("caress", "caress")]
    [InlineData("cats", "cat")]
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("bled", "bled")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("troubled", "troubl")]
    [InlineData("sized", "size")]
    [InlineData("hopping", "hop")]
    [InlineData("tanned", "tan")]
    [InlineData("falling", "fall")]
    [InlineData("hissing", "hiss")]
    [InlineData("fizzed", "fizz")]
    [InlineData("failing", "fail")]
    [InlineData("filing", "file")]
    [InlineData("happy", "happi")]
    [InlineData("sky", "sky")]
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("rational", "ration")]
    [InlineData("digitizer", "digit")]
    [InlineData("vietnamization", "vietnam")]
    [InlineData("predication", "predic")]
    [InlineData("operator", "oper")]
    [InlineData("feudalism", "feudal")]
    [InlineData("decisiveness", "decis")]
    [InlineData("hopefulness", "hope")]
    [InlineData("callousness", "callous")]
    [InlineData("formaliti", "formal")]
    [InlineData("sensitiviti", "sensit")]
    [InlineData("sensibiliti", "sensibl")]
    [InlineData("triplicate", "triplic")]
    [InlineData("formative", "form")]
    [InlineData("formalize", "formal")]
    [InlineData("electriciti", "electr")]
    [InlineData("electrical", "electr")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    [InlineData("revival", "reviv")]
    [InlineData("allowance", "allow")]
    [InlineData("inference", "infer")]
    [InlineData("airliner", "airlin")]
    [InlineData("gyroscopic", "gyroscop")]
    [InlineData("adjustable", "adjust")]
    [InlineData("defensible", "defens")]
    [InlineData("irritant", "irrit")]
    [InlineData("replacement", "replac")]
    [InlineData("adjustment", "adjust")]
    [InlineData("dependent", "depend")]
    [InlineData("adoption", "adopt")]
    [InlineData("homologous", "homolog")]
    [InlineData("communism", "commun")]
    [InlineData("activate", "activ")]
    [InlineData("angulariti", "angular")]
    [InlineData("effective", "effect")]
    [InlineData("bowdlerize", "bowdler")]
    [InlineData("probate", "probat")]
    [InlineData("rate", "rate")]
    [InlineData("cease", "ceas")]
    [InlineData("controll", "control")]
    [InlineData("roll", "roll")]
    [InlineData("generalization", "gener")]
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    [InlineData("running", "run")]
    [InlineData("happiness", "happi")]
    [InlineData("possibly", "possibl")]
    [InlineData("archaeology", "archaeolog")]
    [InlineData("hiking", "hike")]
    public void Stem_PorterVocabulary_MatchesReference(string word, string expected)
    {
        Assert.Equal(expected, Analyzer.Stem(word));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("is")]
    [InlineData("4th")]
    [InlineData("2023")]
    public void Stem_ShortOrNonAlphabetic_ReturnsInput(string token)
    {
        Assert.Same(token, Analyzer.Stem(token));
    }

    [Fact]
    public void Analyze_Sentence_DropsStopWordsAndStems()
    {
        Assert.Equal(["went", "lgbtq", "support", "group", "yesterdai"], Analyzer.Analyze("I went to a LGBTQ support group yesterday!"));
    }

    [Fact]
    public void ToLexicalText_Sentence_JoinsStemsWithSpaces()
    {
        Assert.Equal("carolin love hike mountain", Analyzer.ToLexicalText("Caroline loves hiking in the mountains."));
    }

    [Fact]
    public void ToLexicalText_StopWordsOnly_ReturnsEmpty()
    {
        Assert.Equal(string.Empty, Analyzer.ToLexicalText("It would have been what they were, wouldn't it?"));
    }

    [Fact]
    public void ToLexicalText_InflectedForms_ShareStems()
    {
        Assert.Equal(Analyzer.ToLexicalText("painting paintings painted"), Analyzer.ToLexicalText("paint paints paint"));
    }
}
