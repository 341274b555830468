using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>[gateway] max_request_body_bytes</c> bounds every JSON body, counted after decompression and enforced while
/// reading: a body over it is a 413 that names the setting (in OpenAI's error shape on <c>/openai/v1/*</c>).
/// </summary>
public sealed class RequestBodyLimitTests
{
    private const int Limit = 4096;
    private const string Config = """
        [gateway]
        max_request_body_bytes = 4096
        """;
    private const string TooLarge =
        "the request body is larger than 4096 bytes, the gateway's limit (`gateway.max_request_body_bytes`, counted after decompression)";

    [Fact]
    public async Task Inference_BodyOverLimit_Is413NamingTheSetting()
    {
        using var gateway = new GatewayFactory(Config);

        using var response = await gateway.CreateClient().PostAsync("/inference", Json(Body(Limit + 1)));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_BodyExactlyAtLimit_IsServed()
    {
        using var gateway = new GatewayFactory(Config);

        using var response = await gateway.CreateClient().PostAsync("/inference", Json(Body(Limit)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Inference_DefaultLimit_Is10MiB()
    {
        using var gateway = new GatewayFactory(string.Empty);
        var client = gateway.CreateClient();

        using var atLimit = await client.PostAsync("/inference", Json(Body(10 * 1024 * 1024)));
        using var over = await client.PostAsync("/inference", Json(Body(10 * 1024 * 1024 + 1)));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
    }

    [Fact]
    public async Task Inference_ContentLengthOverLimit_IsRefusedBeforeReading()
    {
        using var gateway = new GatewayFactory(Config);
        // Announces more than the limit but holds a small valid request: a server that read it would serve it.
        using var content = new MislabelledContent(Encoding.UTF8.GetBytes(Body(100)), declaredLength: Limit + 1);

        using var response = await gateway.CreateClient().PostAsync("/inference", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Inference_CompressedBodyExpandingPastLimit_Is413(string encoding)
    {
        using var gateway = new GatewayFactory(Config);
        var compressed = Compress(Encoding.UTF8.GetBytes(Body(1024 * 1024)), encoding);
        Assert.True(compressed.Length < Limit);

        using var response = await gateway.CreateClient().PostAsync("/inference", Compressed(compressed, encoding));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    [InlineData("GZIP")]
    [InlineData("identity, gzip")]
    public async Task Inference_CompressedBodyUnderLimit_IsDecompressed(string encoding)
    {
        using var gateway = new GatewayFactory(Config);
        var compressed = Compress(Encoding.UTF8.GetBytes(Body(Limit)), encoding.Split(", ")[^1].ToLowerInvariant());

        using var response = await gateway.CreateClient().PostAsync("/inference", Compressed(compressed, encoding));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Inference_CorruptCompressedBody_Is400(string encoding)
    {
        using var gateway = new GatewayFactory(string.Empty);

        using var response = await gateway.CreateClient().PostAsync("/inference", Compressed("not compressed at all, only bytes"u8.ToArray(), encoding));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("the request body could not be decompressed (check `Content-Encoding`)", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("zstd", "`Content-Encoding: zstd` is not supported (use gzip, br or deflate)")]
    [InlineData("gzip, br", "the request body may have one `Content-Encoding` (gzip, br or deflate), not several")]
    public async Task Inference_UnsupportedContentEncoding_Is415(string encoding, string message)
    {
        using var gateway = new GatewayFactory(string.Empty);

        using var response = await gateway.CreateClient().PostAsync("/inference", Compressed(Encoding.UTF8.GetBytes(Body(100)), encoding));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(message, body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/openai/v1/embeddings")]
    public async Task OpenAIRoutes_BodyOverLimit_Is413InOpenAIShape(string path)
    {
        using var gateway = new GatewayFactory(Config);
        var json = $$"""{"model":"tensorzero::model_name::dummy::echo","input":"{{new string('x', Limit)}}"}""";

        using var response = await gateway.CreateClient().PostAsync(path, Json(json));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(TooLarge, body["error"]!["message"]!.GetValue<string>());
    }

    /// <summary>A valid inference request for <c>dummy::echo</c> of exactly <paramref name="size"/> bytes (padded with spaces).</summary>
    private static string Body(int size)
    {
        const string json = """{"model_name":"dummy::echo","input":{"messages":[{"role":"user","content":"hi"}]}}""";
        return json + new string(' ', size - json.Length);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Compressed(byte[] bytes, string encoding)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);
        return content;
    }

    private static byte[] Compress(byte[] bytes, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            _ => new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
        })
        {
            compressor.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>A JSON body whose <c>Content-Length</c> says something other than its real size.</summary>
    private sealed class MislabelledContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly long _declaredLength;

        public MislabelledContent(byte[] bytes, long declaredLength)
        {
            _bytes = bytes;
            _declaredLength = declaredLength;
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = _declaredLength;
            return true;
        }
    }
}
