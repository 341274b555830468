using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Gemini;
using static TensorZero.Gateway.Tests.Providers.FileFixtures;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>Files as Gemini <c>inlineData</c> and <c>fileData</c> parts, and unknown blocks, asserted as exact JSON.</summary>
public sealed class GeminiWireFileTests
{
    private static string Contents(params RequestMessage[] messages) => GeminiWire.BuildContents(messages).ToJsonString();

    private static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void BuildContents_InlineImageAndPdf_SendsInlineData()
    {
        Assert.Equal(Json($$$"""
            [{"role":"user","parts":[
              {"text":"Describe"},
              {"inlineData":{"mimeType":"image/png","data":"{{{Png}}}"}},
              {"inlineData":{"mimeType":"application/pdf","data":"{{{Pdf}}}"}}]}]
            """), Contents(User(new TextBlock("Describe"), PngInline, PdfInline)));
    }

    [Fact]
    public void BuildContents_ImageAndPdfUrls_SendFileData()
    {
        Assert.Equal(Json("""
            [{"role":"user","parts":[
              {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/cat.png"}},
              {"fileData":{"mimeType":"application/pdf","fileUri":"https://example.com/report.pdf"}}]}]
            """), Contents(User(PngUrl, PdfUrl)));
    }

    [Fact]
    public void BuildContents_UrlOfUnknownType_FailsAskingForMimeType()
    {
        var error = Assert.Throws<GatewayError>(() => Contents(User(FileBlock.FromUrl(new Uri("https://cdn.example.com/i/123"), null))));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("Gemini needs the type of file `https://cdn.example.com/i/123`: set `mime_type`, as it can't be told from the URL", error.Message);
    }

    [Fact]
    public void BuildContents_UnknownBlock_IsInsertedAsGiven()
    {
        Assert.Equal(
            Json("""[{"role":"user","parts":[{"text":"Hi"},{"executableCode":{"language":"PYTHON","code":"print(1)"}}]}]"""),
            Contents(User(new TextBlock("Hi"), new UnknownBlock(JsonNode.Parse("""{"executableCode":{"language":"PYTHON","code":"print(1)"}}""")))));
    }

    [Fact]
    public void BuildContents_UnknownBlockThatIsNotAnObject_Fails()
    {
        var error = Assert.Throws<GatewayError>(() => Contents(User(new UnknownBlock(JsonValue.Create("raw")))));

        Assert.Equal("Gemini parts are JSON objects: the `data` of an `unknown` content block must be an object", error.Message);
    }
}
