using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.AwsBedrock;
using static TensorZero.Gateway.Tests.Providers.FileFixtures;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.AwsBedrock;

/// <summary>Files as Converse <c>image</c> and <c>document</c> blocks, and unknown blocks, asserted as exact JSON.</summary>
public sealed class ConverseFilesTests
{
    private static string Messages(ModelRequest request) => ConverseWire.BuildMessages(request).ToJsonString();

    private static string Json(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void BuildMessages_InlineImageAndPdf_SendsBytes()
    {
        Assert.Equal(Json($$$$"""
            [{"role":"user","content":[
              {"text":"Describe"},
              {"image":{"format":"png","source":{"bytes":"{{{{Png}}}}"}}},
              {"document":{"format":"pdf","name":"report","source":{"bytes":"{{{{Pdf}}}}"}}}]}]
            """), Messages(Request(User(new TextBlock("Describe"), PngInline, PdfInline))));
    }

    [Theory]
    [InlineData("image/jpeg", """{"image":{"format":"jpeg","source":{"bytes":"AAAA"}}}""")]
    [InlineData("image/gif", """{"image":{"format":"gif","source":{"bytes":"AAAA"}}}""")]
    [InlineData("image/webp", """{"image":{"format":"webp","source":{"bytes":"AAAA"}}}""")]
    [InlineData("text/csv", """{"document":{"format":"csv","name":"input","source":{"bytes":"AAAA"}}}""")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", """{"document":{"format":"docx","name":"input","source":{"bytes":"AAAA"}}}""")]
    public void BuildMessages_EachSupportedType_MapsToItsFormat(string mimeType, string block)
    {
        Assert.Equal(
            Json($$"""[{"role":"user","content":[{{block}}]}]"""),
            Messages(Request(User(FileBlock.FromBase64(mimeType, "AAAA")))));
    }

    [Fact]
    public void BuildMessages_Url_FailsAskingForInlineData()
    {
        var error = Assert.Throws<GatewayError>(() => Messages(Request(User(PngUrl))));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(
            "AWS Bedrock can't take files by URL (file `https://example.com/cat.png`); send it inline with `\"file_type\": \"base64\"`",
            error.Message);
    }

    [Fact]
    public void BuildMessages_UnsupportedType_Fails()
    {
        var error = Assert.Throws<GatewayError>(() => Messages(Request(User(FileBlock.FromBase64("audio/mpeg", Mp3) with { Filename = "song.mp3" }))));

        Assert.Equal(
            "AWS Bedrock does not accept files of type `audio/mpeg` (file `song.mp3`); it takes png, jpeg, gif and webp images and pdf, csv, txt, md, html, doc, docx, xls and xlsx documents",
            error.Message);
    }

    [Theory]
    [InlineData(null, "input")]
    [InlineData("report.pdf", "report")]
    [InlineData("Q3  results (final) [v2].pdf", "Q3 results (final) [v2]")]
    [InlineData("notes_2024.v1.txt", "notes-2024-v1")]
    [InlineData("résumé.pdf", "r-sum-")]
    [InlineData("...pdf", "input")]
    public void DocumentName_Filename_KeepsOnlyWhatConverseAllows(string? filename, string name)
    {
        Assert.Equal(name, ConverseFiles.DocumentName(filename));
    }

    [Fact]
    public void BuildMessages_UnknownBlock_IsInsertedAsGiven()
    {
        Assert.Equal(
            Json("""[{"role":"user","content":[{"text":"Hi"},{"cachePoint":{"type":"default"}}]}]"""),
            Messages(Request(User(new TextBlock("Hi"), new UnknownBlock(JsonNode.Parse("""{"cachePoint":{"type":"default"}}"""))))));
    }
}
