using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>Request bodies compressed by the client (<c>Content-Encoding: gzip</c>) are accepted.</summary>
public sealed class CompressedRequestTests
{
    [Fact]
    public async Task Inference_GzipBody_IsDecompressed()
    {
        using var gateway = new GatewayFactory(string.Empty);
        var json = """{"model_name":"dummy::echo","input":{"messages":[{"role":"user","content":"squeezed"}]}}""";
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }
        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await gateway.CreateClient().PostAsync("/inference", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("squeezed", body["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_CorruptGzipBody_Is400()
    {
        using var gateway = new GatewayFactory(string.Empty);
        using var content = new ByteArrayContent("this is not gzip at all, just bytes"u8.ToArray());
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await gateway.CreateClient().PostAsync("/inference", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("the request body could not be decompressed (check `Content-Encoding`)", body["error"]!.GetValue<string>());
    }
}
