using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary><c>file</c>, <c>image</c> and <c>unknown</c> content blocks of <c>POST /inference</c>: every form and every rejection.</summary>
public sealed class FileBlockParserTests
{
    public const string Png = "iVBORw0KGgoAAAAN";
    public const string Jpeg = "/9j/4AAQSkZJRg==";
    public const string Gif = "R0lGODlhAQABAA==";
    public const string Webp = "UklGRiQAAABXRUJQVlA4IA==";
    public const string Pdf = "JVBERi0xLjcKJWZha2U=";
    public const string Unrecognised = "aGVsbG8gd29ybGQ=";

    private const string Path = "input.messages[0].content[1]";

    private static readonly ProtectedHeaders Protected = new(ProviderRegistry.CreateDefault());

    // The block under test is the second of a user message, after a text block.
    private static ContentBlock Parse(string blockJson)
    {
        var json = $$$"""{"model_name":"m","input":{"messages":[{"role":"user","content":[{"type":"text","text":"Look"},{{{blockJson}}}]}]}}""";
        using var document = JsonDocument.Parse(json);
        var request = InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, Protected);
        return request.Input.Messages[0].Content[1];
    }

    [Fact]
    public void Parse_Base64WithEveryField_KeepsThem()
    {
        var file = Assert.IsType<FileBlock>(Parse(
            $$"""{"type":"file","file_type":"base64","data":"{{Png}}","mime_type":"image/png","detail":"low","filename":"a.png"}"""));

        Assert.Equal("image/png", file.MimeType);
        Assert.Equal(Png, file.Data);
        Assert.Null(file.Url);
        Assert.Equal("a.png", file.Filename);
        Assert.Equal(FileDetail.Low, file.Detail);
        Assert.True(file.IsImage);
    }

    [Theory]
    [InlineData(Png, "image/png")]
    [InlineData(Jpeg, "image/jpeg")]
    [InlineData(Gif, "image/gif")]
    [InlineData(Webp, "image/webp")]
    [InlineData(Pdf, "application/pdf")]
    public void Parse_Base64WithoutMimeType_DetectsTypeFromBytes(string data, string mimeType)
    {
        var file = Assert.IsType<FileBlock>(Parse($$"""{"type":"file","file_type":"base64","data":"{{data}}"}"""));

        Assert.Equal(mimeType, file.MimeType);
    }

    [Fact]
    public void Parse_MimeTypeWithParametersAndCapitals_IsReducedToBareLowerCaseType()
    {
        var file = Assert.IsType<FileBlock>(Parse(
            $$"""{"type":"file","file_type":"base64","data":"{{Unrecognised}}","mime_type":"Text/Plain; charset=utf-8"}"""));

        Assert.Equal("text/plain", file.MimeType);
    }

    [Fact]
    public void Parse_WrappedBase64_IsJoinedIntoOnePiece()
    {
        var file = Assert.IsType<FileBlock>(Parse("""{"type":"file","file_type":"base64","data":"JVBERi0x\r\nLjcKJWZh\nbGU=","mime_type":"application/pdf"}"""));

        Assert.Equal("JVBERi0xLjcKJWZhbGU=", file.Data);
    }

    [Fact]
    public void Parse_Url_KeepsUrlAndDetail()
    {
        var file = Assert.IsType<FileBlock>(Parse(
            """{"type":"file","file_type":"url","url":"https://example.com/cat","mime_type":"image/jpeg","detail":"high","filename":"cat.jpg"}"""));

        Assert.Equal(new Uri("https://example.com/cat"), file.Url);
        Assert.Null(file.Data);
        Assert.Equal("image/jpeg", file.MimeType);
        Assert.Equal(FileDetail.High, file.Detail);
        Assert.Equal("cat.jpg", file.Filename);
    }

    [Theory]
    [InlineData("https://example.com/docs/report.PDF?x=1", "application/pdf")]
    [InlineData("http://example.com/a.webp", "image/webp")]
    [InlineData("https://example.com/a.jpeg#top", "image/jpeg")]
    [InlineData("https://example.com/image", null)]
    [InlineData("https://example.com/song.mp3", null)]
    public void Parse_UrlWithoutMimeType_TakesTypeFromPathExtension(string url, string? mimeType)
    {
        var file = Assert.IsType<FileBlock>(Parse($$"""{"type":"file","file_type":"url","url":"{{url}}"}"""));

        Assert.Equal(mimeType, file.MimeType);
    }

    [Fact]
    public void Parse_ImageType_IsAnAliasOfFile()
    {
        var file = Assert.IsType<FileBlock>(Parse($$"""{"type":"image","file_type":"base64","data":"{{Png}}","mime_type":"image/png"}"""));

        Assert.Equal(FileBlock.FromBase64("image/png", Png), file);
    }

    [Theory]
    [InlineData("""{"type":"image","url":"https://example.com/a.png"}""", "https://example.com/a.png", null)]
    [InlineData($$"""{"type":"image","mime_type":"image/gif","data":"{{Gif}}"}""", null, Gif)]
    public void Parse_OlderFormWithoutFileType_InfersItFromUrlOrData(string json, string? url, string? data)
    {
        var file = Assert.IsType<FileBlock>(Parse(json));

        Assert.Equal(url, file.Url?.ToString());
        Assert.Equal(data, file.Data);
    }

    [Fact]
    public void Parse_Unknown_KeepsRawDataAndTargets()
    {
        var unknown = Assert.IsType<UnknownBlock>(Parse(
            """{"type":"unknown","data":{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}},"model_name":"gpt","provider_name":"openai"}"""));

        Assert.Equal("""{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}""", unknown.Data!.ToJsonString());
        Assert.Equal("gpt", unknown.ModelName);
        Assert.Equal("openai", unknown.ProviderName);
        Assert.True(unknown.IsTargeted);
    }

    [Fact]
    public void Parse_UnknownUntargetedWithScalarData_KeepsIt()
    {
        var unknown = Assert.IsType<UnknownBlock>(Parse("""{"type":"unknown","data":"raw"}"""));

        Assert.Equal("\"raw\"", unknown.Data!.ToJsonString());
        Assert.False(unknown.IsTargeted);
    }

    [Theory]
    [InlineData("""{"type":"file","file_type":"base64","data":"not base64!","mime_type":"image/png"}""", "data`: must be base64")]
    [InlineData("""{"type":"file","file_type":"base64","data":"iVBORw0KGgoAAAAN=","mime_type":"image/png"}""", "data`: must be base64")]
    [InlineData("""{"type":"file","file_type":"base64","data":"data:image/png;base64,iVBORw0KGgoAAAAN"}""", "data`: must be plain base64, without a `data:` URL prefix")]
    [InlineData("""{"type":"file","file_type":"base64","data":"","mime_type":"image/png"}""", "data`: must not be empty")]
    [InlineData("""{"type":"file","file_type":"base64","data":42,"mime_type":"image/png"}""", "data`: must be a string")]
    [InlineData("""{"type":"file","file_type":"base64","mime_type":"image/png"}""", "data`: must be a string")]
    [InlineData("""{"type":"file","file_type":"base64","data":"aGVsbG8gd29ybGQ="}""", "mime_type`: is required, because the file's type could not be detected from its bytes (detected: png, jpeg, gif, webp, pdf)")]
    [InlineData("""{"type":"file","file_type":"base64","data":"aGVsbG8gd29ybGQ=","mime_type":"png"}""", "mime_type`: must be a MIME type such as `image/png`")]
    [InlineData("""{"type":"file","file_type":"base64","data":"aGVsbG8gd29ybGQ=","mime_type":"image/png/x"}""", "mime_type`: must be a MIME type such as `image/png`")]
    [InlineData("""{"type":"file","file_type":"base64","data":"aGVsbG8gd29ybGQ=","mime_type":"image/ png"}""", "mime_type`: must be a MIME type such as `image/png`")]
    [InlineData("""{"type":"file","file_type":"base64","data":"aGVsbG8gd29ybGQ=","mime_type":7}""", "mime_type`: must be a string")]
    [InlineData("""{"type":"file","file_type":"base64","data":"iVBORw0KGgoAAAAN","url":"https://example.com/a.png"}""", "url`: unknown field")]
    [InlineData("""{"type":"file","file_type":"url","url":"file:///etc/passwd"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url","url":"/etc/passwd"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url","url":"ftp://example.com/a.png"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url","url":"gopher://127.0.0.1:6379/_INFO"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url","url":"javascript:alert(1)"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url","url":"example.com/a.png"}""", "url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"url"}""", "url`: must be a string")]
    [InlineData("""{"type":"file","file_type":"url","url":"https://example.com/a.png","data":"iVBORw0KGgoAAAAN"}""", "data`: unknown field")]
    [InlineData("""{"type":"file","file_type":"url","url":"https://example.com/a.png","detail":"medium"}""", "detail`: must be one of low, high, auto")]
    [InlineData("""{"type":"file","file_type":"url","url":"https://example.com/a.png","filename":3}""", "filename`: must be a string")]
    [InlineData("""{"type":"file","file_type":"object_storage","url":"s3://bucket/a.png"}""", "file_type`: unknown file type `object_storage` (supported: base64, url)")]
    [InlineData("""{"type":"file","mime_type":"image/png"}""", "file_type`: is required (`base64` with `data`, or `url` with `url`)")]
    [InlineData("""{"type":"image","file_type":true,"url":"https://example.com/a.png"}""", "file_type`: must be a string")]
    [InlineData("""{"type":"unknown"}""", "data`: is required (the provider-specific JSON to send as is)")]
    [InlineData("""{"type":"unknown","data":null}""", "data`: is required (the provider-specific JSON to send as is)")]
    [InlineData("""{"type":"unknown","data":{},"model_name":5}""", "model_name`: must be a string")]
    [InlineData("""{"type":"unknown","data":{},"provider_name":["p"]}""", "provider_name`: must be a string")]
    [InlineData("""{"type":"unknown","data":{},"extra":"x"}""", "extra`: unknown field")]
    public void Parse_InvalidBlock_Returns400NamingTheField(string json, string problem)
    {
        var error = Assert.Throws<GatewayError>(() => Parse(json));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Equal($"`{Path}.{problem}", error.Message);
    }

    [Fact]
    public void Parse_FileOverTwentyMebibytes_Returns400()
    {
        var data = Convert.ToBase64String(new byte[FileBlockParser.MaxFileBytes + 1]);

        var error = Assert.Throws<GatewayError>(() => Parse($$"""{"type":"file","file_type":"base64","data":"{{data}}","mime_type":"application/pdf"}"""));

        Assert.Equal($"`{Path}.data`: the file is 20971521 bytes, over the limit of 20 MiB (20971520 bytes)", error.Message);
    }

    [Fact]
    public void Parse_FileOfExactlyTwentyMebibytes_IsAccepted()
    {
        var data = Convert.ToBase64String(new byte[FileBlockParser.MaxFileBytes]);

        var file = Assert.IsType<FileBlock>(Parse($$"""{"type":"file","file_type":"base64","data":"{{data}}","mime_type":"application/pdf"}"""));

        Assert.Equal(data.Length, file.Data!.Length);
    }

    [Fact]
    public void Parse_UnknownInAssistantMessage_IsKept()
    {
        const string json = """{"model_name":"m","input":{"messages":[{"role":"assistant","content":[{"type":"unknown","data":{"x":1}}]}]}}""";
        using var document = JsonDocument.Parse(json);

        var request = InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, Protected);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x":1}"""), Assert.IsType<UnknownBlock>(request.Input.Messages[0].Content[0]).Data));
    }
}
