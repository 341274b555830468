using System.Text.Json.Nodes;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.OpenAI;
using static TensorZero.Gateway.Tests.Providers.FileFixtures;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Files and unknown blocks as chat-completions content parts, asserted as exact JSON.</summary>
public sealed class OpenAIContentPartsTests
{
    private static string Messages(ModelRequest request, OpenAIFlavour? flavour = null) =>
        JsonWriting.ToText(request, (writer, request) => OpenAIWire.WriteMessages(writer, flavour ?? OpenAIFlavours.OpenAI, request, "OpenAI"), relaxed: false);

    private static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void BuildMessages_TextImageAndPdf_SendsArrayOfTypedParts()
    {
        var request = Request(User(new TextBlock("Describe"), PngInline with { Detail = FileDetail.Low }, PdfInline));

        Assert.Equal(Json($$$"""
            [{"role":"user","content":[
              {"type":"text","text":"Describe"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Png}}}","detail":"low"}},
              {"type":"file","file":{"file_data":"data:application/pdf;base64,{{{Pdf}}}","filename":"report.pdf"}}]}]
            """), Messages(request));
    }

    [Fact]
    public void BuildMessages_ImageUrl_SendsTheUrlItself()
    {
        Assert.Equal(
            Json("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]"""),
            Messages(Request(User(PngUrl))));
    }

    [Fact]
    public void BuildMessages_UrlOfUnknownType_IsSentAsAnImage()
    {
        var file = FileBlock.FromUrl(new Uri("https://cdn.example.com/i/123"), null) with { Detail = FileDetail.Auto };

        Assert.Equal(
            Json("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://cdn.example.com/i/123","detail":"auto"}}]}]"""),
            Messages(Request(User(file))));
    }

    [Fact]
    public void BuildMessages_PdfWithoutFilename_IsNamedAfterItsType()
    {
        Assert.Equal(
            Json($$$"""[{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,{{{Pdf}}}","filename":"input.pdf"}}]}]"""),
            Messages(Request(User(PdfInline with { Filename = null }))));
    }

    [Fact]
    public void BuildMessages_Mp3_SendsInputAudio()
    {
        Assert.Equal(
            Json($$$"""[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"{{{Mp3}}}","format":"mp3"}}]}]"""),
            Messages(Request(User(FileBlock.FromBase64("audio/mpeg", Mp3)))));
    }

    [Fact]
    public void BuildMessages_PdfByUrl_FailsAskingForInlineData()
    {
        var error = Assert.Throws<GatewayError>(() => Messages(Request(User(PdfUrl))));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(
            "OpenAI needs file `https://example.com/report.pdf` inline: only images can be sent by URL, so send it with `\"file_type\": \"base64\"`",
            error.Message);
    }

    [Fact]
    public void BuildMessages_FileInAssistantTurn_Fails()
    {
        var error = Assert.Throws<GatewayError>(() => Messages(Request(User(new TextBlock("Hi")), Assistant(PdfInline))));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("OpenAI does not accept files in assistant messages (file `report.pdf`); send it in a user message", error.Message);
    }

    [Fact]
    public void BuildMessages_UnknownBlocks_AreInsertedAsGiven()
    {
        var part = JsonNode.Parse("""{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}""");
        var request = Request(
            User(new TextBlock("Listen"), new UnknownBlock(part), new ToolResultBlock("call_1", "f", "ok")),
            Assistant(new TextBlock("Heard"), new UnknownBlock(JsonNode.Parse("""{"type":"refusal","refusal":"no"}"""))));

        Assert.Equal(Json("""
            [{"role":"tool","tool_call_id":"call_1","content":"ok"},
             {"role":"user","content":[{"type":"text","text":"Listen"},{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]},
             {"role":"assistant","content":[{"type":"text","text":"Heard"},{"type":"refusal","refusal":"no"}]}]
            """), Messages(request));
        // The block keeps its own copy: the request can be built again for another provider.
        Assert.Equal(Messages(request), Messages(request));
    }

    [Fact]
    public void BuildMessages_LoneText_StaysAPlainString()
    {
        Assert.Equal(Json("""[{"role":"user","content":"Hi"}]"""), Messages(Request(User(new TextBlock("Hi")))));
    }

    [Fact]
    public void BuildMessages_XaiImage_SendsImageUrlPart()
    {
        Assert.Equal(
            Json("""[{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]"""),
            Messages(Request(User(new TextBlock("What?"), PngUrl)), OpenAIFlavours.XAI));
    }
}
