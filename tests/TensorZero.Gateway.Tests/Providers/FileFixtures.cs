using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Tests.Endpoints;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>Files and requests shared by the providers' file-mapping tests.</summary>
public static class FileFixtures
{
    public const string Png = FileBlockParserTests.Png;
    public const string Pdf = FileBlockParserTests.Pdf;
    public const string Mp3 = "SUQzA2Zha2UgbXAz";

    public static readonly FileBlock PngInline = FileBlock.FromBase64("image/png", Png);
    public static readonly FileBlock PngUrl = FileBlock.FromUrl(new Uri("https://example.com/cat.png"), "image/png");
    public static readonly FileBlock PdfInline = FileBlock.FromBase64("application/pdf", Pdf) with { Filename = "report.pdf" };
    public static readonly FileBlock PdfUrl = FileBlock.FromUrl(new Uri("https://example.com/report.pdf"), "application/pdf");

    public static ModelRequest Request(params RequestMessage[] messages) => new(null, messages, InferenceParams.Empty, [], []);

    public static RequestMessage User(params ContentBlock[] content) => new(Role.User, content);

    public static RequestMessage Assistant(params ContentBlock[] content) => new(Role.Assistant, content);
}
