using System.Text.Json;
using TensorZero.Gateway.Endpoints;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Field names looked up from the document's UTF-8 bytes: escaped, non-ASCII and long names too.</summary>
public sealed class FieldNameSetTests
{
    private static readonly string Long = new('n', 70);

    private static readonly FieldNameSet Names = new("model", "messages", "réponse", Long);

    [Theory]
    [InlineData("""{"model": 1}""", true)]
    [InlineData("""{"mod\u0065l": 1}""", true)]
    [InlineData("""{"r\u00e9ponse": 1}""", true)]
    [InlineData("""{"réponse": 1}""", true)]
    [InlineData("""{"modèl": 1}""", false)]
    [InlineData("""{"Model": 1}""", false)]
    [InlineData("""{"model ": 1}""", false)]
    [InlineData("""{"": 1}""", false)]
    [InlineData("""{"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn": 1}""", true)]
    [InlineData("""{"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn": 1}""", false)]
    [InlineData("""{"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn": 1}""", false)]
    public void Contains_ReadsTheNameAsTheDocumentMeansIt(string json, bool expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, Names.Contains(document.RootElement.EnumerateObject().Single()));
    }

    [Fact]
    public void Contains_ANameOfSixtyFourMultiByteCharacters_FitsItsBuffer()
    {
        var name = new string('é', 64);
        using var document = JsonDocument.Parse($$"""{"{{name}}": 1}""");

        Assert.True(new FieldNameSet(name).Contains(document.RootElement.EnumerateObject().Single()));
        Assert.False(Names.Contains(document.RootElement.EnumerateObject().Single()));
    }
}
