using System.Text;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.Gemini;

/// <summary>Chunks of <c>:streamGenerateContent?alt=sse</c> mapped to provider-neutral deltas.</summary>
public sealed class GeminiStreamParserTests
{
    private static string Chunk(string parts, string? finishReason = null, string? usage = null)
    {
        var finish = finishReason is null ? string.Empty : $",\"finishReason\":\"{finishReason}\"";
        var usageJson = usage is null ? string.Empty : $",\"usageMetadata\":{usage}";
        return $$"""{"candidates":[{"content":{"parts":{{parts}},"role":"model"},"index":0{{finish}}}]{{usageJson}},"modelVersion":"gemini-2.5-flash"}""";
    }

    private static async Task<List<ProviderStreamChunk>> ReadAllAsync(string sse, Secret? secret = null)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(sse));
        var chunks = new List<ProviderStreamChunk>();
        await foreach (var chunk in GeminiStreamParser.ReadAsync(body, "Gemini", SecretScope.None.With(secret), CancellationToken.None))
        {
            chunks.Add(chunk);
        }
        return chunks;
    }

    [Fact]
    public void Parse_TextChunk_YieldsTextDeltaWithRawChunk()
    {
        var data = Chunk("""[{"text":"Hel"}]""");

        var chunk = new GeminiStreamParser("Gemini", SecretScope.None).Parse(data);

        Assert.NotNull(chunk);
        Assert.Equal([new TextDelta("0", "Hel")], chunk.Content);
        Assert.Null(chunk.Usage);
        Assert.Null(chunk.FinishReason);
        Assert.Equal(data, chunk.RawChunk);
    }

    [Fact]
    public void Parse_EmptyTextWithoutFinish_YieldsNoData()
    {
        var chunk = new GeminiStreamParser("Gemini", SecretScope.None).Parse(Chunk("""[{"text":""}]"""));

        Assert.False(chunk.HasData);
        Assert.Null(chunk.RawUsage);
    }

    [Fact]
    public void Parse_ThoughtParts_YieldThoughtDeltas()
    {
        var chunk = new GeminiStreamParser("Gemini", SecretScope.None).Parse(Chunk("""[{"text":"Hmm","thought":true},{"text":"Hi","thoughtSignature":"sig"}]"""));

        Assert.Equal([new ThoughtDelta("0", "Hmm"), new ThoughtDelta("signature-0", null, "sig"), new TextDelta("0", "Hi")], chunk!.Content);
    }

    [Fact]
    public void Parse_FunctionCalls_YieldWholeToolCallsWithSequentialIds()
    {
        var parser = new GeminiStreamParser("Gemini", SecretScope.None);

        var first = parser.Parse(Chunk("""[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]"""));
        var second = parser.Parse(Chunk("""[{"functionCall":{"name":"get_weather","args":{"city":"Rome"}}},{"functionCall":{"name":"now"}}]"""));

        Assert.Equal([new ToolCallDelta("0", "get_weather", """{"city":"Paris"}""")], first!.Content);
        Assert.Equal([new ToolCallDelta("1", "get_weather", """{"city":"Rome"}"""), new ToolCallDelta("2", "now", "{}")], second!.Content);
    }

    [Fact]
    public void Parse_RunningUsage_IsReportedOnceWithTheFinishReason()
    {
        var parser = new GeminiStreamParser("Gemini", SecretScope.None);

        var first = parser.Parse(Chunk("""[{"text":"A"}]""", usage: """{"promptTokenCount":11,"candidatesTokenCount":1}"""));
        var last = parser.Parse(Chunk("""[{"text":""}]""", "STOP", """{"promptTokenCount":11,"candidatesTokenCount":7,"thoughtsTokenCount":2}"""));

        Assert.Null(first!.Usage);
        Assert.Empty(last!.Content);
        Assert.Equal(new Usage(11, 9), last.Usage);
        Assert.Equal(FinishReason.Stop, last.FinishReason);
        Assert.Null(parser.Complete());
    }

    [Fact]
    public async Task ReadAsync_StreamEndingWithoutFinishReason_FlushesLastUsage()
    {
        var sse = "data: " + Chunk("""[{"text":"A"}]""", usage: """{"promptTokenCount":4,"candidatesTokenCount":1}""") + "\r\n\r\n" +
                  "data: " + Chunk("""[{"text":"B"}]""", usage: """{"promptTokenCount":4,"candidatesTokenCount":2}""") + "\r\n\r\n";

        var chunks = await ReadAllAsync(sse);

        Assert.Equal(3, chunks.Count);
        Assert.Equal(new Usage(4, 2), chunks[2].Usage);
        Assert.Empty(chunks[2].Content);
        Assert.Null(chunks[0].Usage);
        Assert.Null(chunks[1].Usage);
    }

    [Fact]
    public async Task ReadAsync_GoogleFraming_ReadsEveryEventUntilTheBodyEnds()
    {
        var sse = "data: " + Chunk("""[{"text":"Hel"}]""") + "\r\n\r\n" +
                  "data: " + Chunk("""[{"text":"lo"}]""") + "\r\n\r\n" +
                  "data: " + Chunk("""[{"text":""}]""", "MAX_TOKENS", """{"promptTokenCount":3,"candidatesTokenCount":2}""");

        var chunks = await ReadAllAsync(sse);

        Assert.Equal("Hello", string.Concat(chunks.SelectMany(c => c.Content).OfType<TextDelta>().Select(d => d.Text)));
        Assert.Equal(FinishReason.Length, chunks[^1].FinishReason);
        Assert.Equal(new Usage(3, 2), chunks[^1].Usage);
    }

    [Fact]
    public async Task ReadAsync_ErrorObjectMidStream_ThrowsRedactedGatewayError()
    {
        const string key = "AIzaSyCanaryStreamError0123456789abcdef";
        var sse = "data: " + Chunk("""[{"text":"Hel"}]""") + "\r\n\r\n" +
                  $$$"""data: {"error":{"code":500,"message":"Internal error for {{{key}}}","status":"INTERNAL"}}""" + "\r\n\r\n";
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(sse));
        var seen = new List<ProviderStreamChunk>();

        var error = await Assert.ThrowsAsync<GatewayError>(async () =>
        {
            await foreach (var chunk in GeminiStreamParser.ReadAsync(body, "Gemini", SecretScope.None.With(new Secret(key)), CancellationToken.None))
            {
                seen.Add(chunk);
            }
        });

        Assert.Single(seen);
        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.StartsWith("Error in Gemini stream:", error.Message, StringComparison.Ordinal);
        Assert.Contains("INTERNAL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}""", "prompt blocked: PROHIBITED_CONTENT")]
    public void Parse_BadChunk_ThrowsStreamError(string data, string problem)
    {
        var error = Assert.Throws<GatewayError>(() => new GeminiStreamParser("Gemini", SecretScope.None).Parse(data));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UsageOnlyChunkWithoutCandidates_IsKeptForLater()
    {
        var parser = new GeminiStreamParser("Gemini", SecretScope.None);

        Assert.False(parser.Parse("""{"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":6}}""").HasData);
        var last = parser.Complete()!;
        Assert.Equal(new Usage(5, 6), last.Usage);
        Assert.Equal("""{"promptTokenCount":5,"candidatesTokenCount":6}""", last.RawUsage!.Data!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"promptFeedback":["blocked"]}""")]
    [InlineData("""{"candidates":"none"}""")]
    [InlineData("""{"candidates":[7]}""")]
    [InlineData("""{"candidates":[{"content":{"parts":"hello"}}]}""")]
    [InlineData("""{"candidates":[{"content":{"parts":[1,null,"x",{"functionCall":"f"}]}}]}""")]
    public void Parse_OddShapes_YieldNoData(string data)
    {
        Assert.False(new GeminiStreamParser("Gemini", SecretScope.None).Parse(data).HasData);
    }

    [Fact]
    public void Parse_RunningUsage_ReportsTheLastUsageObjectAsRawUsage()
    {
        var parser = new GeminiStreamParser("Gemini", SecretScope.None);
        parser.Parse(Chunk("""[{"text":"Hi"}]""", usage: """{"promptTokenCount":5,"candidatesTokenCount":1}"""));

        var last = parser.Parse(Chunk("""[{"text":"!"}]""", "STOP", """{"promptTokenCount":5,"candidatesTokenCount":2}"""));

        Assert.Equal(new Usage(5, 2), last.Usage);
        Assert.Equal("""{"promptTokenCount":5,"candidatesTokenCount":2}""", last.RawUsage!.Data!.ToJsonString());
        Assert.Null(parser.Complete());
    }
}
