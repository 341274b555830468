using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Anthropic;
using static TensorZero.Gateway.Tests.Providers.FileFixtures;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Anthropic;

/// <summary>Files as Anthropic <c>image</c> and <c>document</c> blocks, and unknown blocks, asserted as exact JSON.</summary>
public sealed class AnthropicWireFileTests
{
    private static string Messages(ModelRequest request) => AnthropicWire.BuildMessages(request, jsonPrefill: false).ToJsonString();

    private static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void BuildMessages_InlineImageAndPdf_SendsBase64Sources()
    {
        Assert.Equal(Json($$$"""
            [{"role":"user","content":[
              {"type":"text","text":"Describe"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{Pdf}}}"}}]}]
            """), Messages(Request(User(new TextBlock("Describe"), PngInline, PdfInline))));
    }

    [Fact]
    public void BuildMessages_ImageAndPdfUrls_SendUrlSources()
    {
        Assert.Equal(Json("""
            [{"role":"user","content":[
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
              {"type":"document","source":{"type":"url","url":"https://example.com/report.pdf"}}]}]
            """), Messages(Request(User(PngUrl, PdfUrl))));
    }

    [Fact]
    public void BuildMessages_UrlOfUnknownType_IsSentAsAnImage()
    {
        Assert.Equal(
            Json("""[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://cdn.example.com/i/123"}}]}]"""),
            Messages(Request(User(FileBlock.FromUrl(new Uri("https://cdn.example.com/i/123"), null)))));
    }

    [Fact]
    public void BuildMessages_UnsupportedType_Fails()
    {
        var error = Assert.Throws<GatewayError>(() => Messages(Request(User(FileBlock.FromBase64("audio/mpeg", Mp3)))));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(
            "Anthropic does not accept files of type `audio/mpeg` (file `audio/mpeg data`); it takes png, jpeg, gif and webp images and PDF documents",
            error.Message);
    }

    [Fact]
    public void BuildMessages_UnknownBlock_IsInsertedAsGiven()
    {
        var cacheControlled = JsonNode.Parse("""{"type":"text","text":"long context","cache_control":{"type":"ephemeral"}}""");

        Assert.Equal(
            Json("""[{"role":"user","content":[{"type":"text","text":"long context","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Hi"}]}]"""),
            Messages(Request(User(new UnknownBlock(cacheControlled), new TextBlock("Hi")))));
    }
}
