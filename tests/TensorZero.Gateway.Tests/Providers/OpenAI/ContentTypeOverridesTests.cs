using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI.Responses;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary><c>content_type_overrides</c> of <c>openai</c> providers: the part kind inline files of a MIME type are sent as.</summary>
public sealed class ContentTypeOverridesTests
{
    private static readonly FileBlock Pdf = FileBlock.FromBase64("application/pdf", "JVBE") with { Filename = "report.pdf" };

    private static ModelRequest WithFile(FileBlock file) => Hello with { System = null, Messages = [new RequestMessage(Role.User, [file])] };

    private static JsonNode? ChatPart(Dictionary<string, object?> overrides, FileBlock file) =>
        JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider("openai", new() { ["content_type_overrides"] = overrides })
            .BuildBody(WithFile(file), stream: false))!["messages"]![0]!["content"]![0];

    [Fact]
    public void BuildBody_PdfAsImageUrl_IsSentAsADataUrlImage()
    {
        var part = ChatPart(new() { ["application/pdf"] = "image_url" }, Pdf);

        Assert.Equal("""{"type":"image_url","image_url":{"url":"data:application/pdf;base64,JVBE"}}""", part!.ToJsonString());
    }

    [Fact]
    public void BuildBody_ImageAsFile_IsSentAsAFile()
    {
        var part = ChatPart(new() { ["image/png"] = "file" }, FileBlock.FromBase64("image/png", "AAAA"));

        Assert.Equal("""{"type":"file","file":{"file_data":"data:image/png;base64,AAAA","filename":"input.png"}}""", part!.ToJsonString());
    }

    [Fact]
    public void BuildBody_OtherMimeTypes_KeepTheDefaultMapping()
    {
        var part = ChatPart(new() { ["image/png"] = "file" }, Pdf);

        Assert.Equal("file", part!["type"]!.GetValue<string>());
    }

    [Fact]
    public void BuildBody_NonAudioAsInputAudio_IsRefused()
    {
        var error = Assert.Throws<GatewayError>(() => ChatPart(new() { ["application/pdf"] = "input_audio" }, Pdf));

        Assert.Equal("OpenAI can't send file `report.pdf` as `input_audio` (`content_type_overrides`): only mp3 and wav audio can be", error.Message);
    }

    [Fact]
    public void BuildBody_ResponsesApi_UsesTheOverrideToo()
    {
        var provider = (OpenAIResponsesProvider)Create("openai", new RecordingHttp(), out var errors,
            settings: new() { ["api_type"] = "responses", ["content_type_overrides"] = new Dictionary<string, object?> { ["application/pdf"] = "image_url" } });
        Assert.Empty(errors);

        var body = JsonNode.Parse(provider.BuildBody(WithFile(Pdf), stream: false))!;

        Assert.Equal("""{"type":"input_image","image_url":"data:application/pdf;base64,JVBE"}""", body["input"]![0]!["content"]![0]!.ToJsonString());
    }

    [Theory]
    [InlineData("pdf", "`models.m.providers.p.content_type_overrides`: must be a table of MIME types to part kinds, e.g. `{ \"application/pdf\" = \"image_url\" }` (kinds: `image_url`, `file`, `input_audio`)")]
    [InlineData(null, "`models.m.providers.p.content_type_overrides.application/pdf`: must be one of `image_url`, `file`, `input_audio`")]
    public void Create_BadOverrides_AreReported(string? whole, string message)
    {
        object? value = whole is null ? new Dictionary<string, object?> { ["application/pdf"] = "image" } : whole;

        Create("openai", new RecordingHttp(), out var errors, settings: new() { ["content_type_overrides"] = value });

        Assert.Equal(message, Assert.Single(errors));
    }
}
