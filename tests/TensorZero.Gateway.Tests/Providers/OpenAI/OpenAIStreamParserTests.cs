using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>
/// The exact deltas, usage, finish reason and raw usage that <see cref="OpenAIStreamParser"/> makes of each chunk shape
/// the family streams, chunk after chunk, and the exact error of each malformed chunk.
/// </summary>
public sealed class OpenAIStreamParserTests
{
    private static readonly Dictionary<string, OpenAIFlavour> Flavours = new[]
    {
        OpenAIFlavours.OpenAI, OpenAIFlavours.Mistral, OpenAIFlavours.Together, OpenAIFlavours.XAI, OpenAIFlavours.TGI,
    }.ToDictionary(f => f.Type);

    private static string Describe(ProviderStreamChunk chunk) => string.Join(' ', chunk.Content.Select(d => d switch
    {
        TextDelta t => $"[text {t.Text}]",
        ThoughtDelta t => $"[thought {t.Text}]",
        ToolCallDelta t => $"[call {t.Id} {t.Name ?? "-"} {t.ArgumentsDelta}]",
        _ => $"[{d.GetType().Name}]",
    }).Append($"usage={chunk.Usage?.InputTokens}/{chunk.Usage?.OutputTokens} finish={chunk.FinishReason} raw_usage={chunk.RawUsage?.Data?.ToJsonString()}"));

    public static TheoryData<string, string[], string> Streams => new()
    {
        // The role-only first chunk, text pieces, a null `error` (not an error), then the usage chunk.
        {
            "openai",
            [
                """{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""",
                """{"choices":[{"index":0,"delta":{"content":"Hel\u00e9"}}],"error":null}""",
                """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
                """{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""",
            ],
            "usage=/ finish= raw_usage= | [text Hel\u00e9] usage=/ finish= raw_usage= | usage=/ finish=Stop raw_usage= | " +
                """usage=7/2 finish= raw_usage={"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}"""
        },
        // Reasoning fields and Mistral thinking chunks in deltas.
        {
            "mistral",
            [
                """{"choices":[{"delta":{"reasoning_content":"R "}}]}""",
                """{"choices":[{"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"deep"}]},{"type":"text","text":"Hi"},"stray"]}}]}""",
                """{"choices":[{"delta":{"reasoning":"A","reasoning_content":"B"}}]}""",
            ],
            "[thought R ] usage=/ finish= raw_usage= | [thought deep] [text Hi] usage=/ finish= raw_usage= | [thought A] usage=/ finish= raw_usage="
        },
        // Tool calls: ids first seen, then matched by index; a custom tool's call; a call without id or index takes the last id.
        {
            "openai",
            [
                """{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}},{"index":1,"id":"call_b","type":"custom","custom":{"name":"g","input":"free"}}]}}]}""",
                """{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}},{"index":1,"custom":{"input":" text"}},"stray"]}}]}""",
                """{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]}""",
            ],
            """[call call_a f ] [call call_b g free] usage=/ finish= raw_usage= | [call call_a - {"x":] [call call_b -  text] usage=/ finish= raw_usage= | """ +
                "[call call_b - 1}] usage=/ finish=ToolCall raw_usage="
        },
        // TGI: one tool-call object, arguments as an object.
        {
            "tgi",
            ["""{"choices":[{"delta":{"tool_calls":{"index":0,"id":"t1","function":{"name":"w","arguments":{"city":"Paris","n":1.50e3}}}}}]}"""],
            """[call t1 w {"city":"Paris","n":1.50e3}] usage=/ finish= raw_usage="""
        },
        // Think tags split across chunks for a flavour that parses them.
        {
            "together",
            ["""{"choices":[{"delta":{"content":"<think>Co"}}]}""", """{"choices":[{"delta":{"content":"unt.</think>Four"}}]}"""],
            "[thought Co] usage=/ finish= raw_usage= | [thought unt.] [text Four] usage=/ finish= raw_usage="
        },
        // xAI adds reasoning tokens to the output.
        {
            "xai",
            ["""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":5}}}"""],
            """usage=1/7 finish= raw_usage={"prompt_tokens":1,"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":5}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Parse_ChunkSequence_MapsToExactDeltas(string flavour, string[] chunks, string expected)
    {
        var parser = new OpenAIStreamParser(Flavours[flavour], "Test", SecretScope.None);

        var described = chunks.Select(c => Describe(parser.Parse(c))).ToList();
        if (parser.Finish() is { } last)
        {
            described.Add(Describe(last));
        }

        Assert.Equal(expected, string.Join(" | ", described));
    }

    [Fact]
    public void Parse_ReasoningDetailsNotAnObject_AddsNoReasoningTokens()
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.XAI, "Test", SecretScope.None);

        var chunk = parser.Parse("""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"completion_tokens_details":5}}""");

        Assert.Equal(new Usage(1, 2), chunk.Usage);
    }

    [Theory]
    [InlineData("not json", "a chunk is not valid JSON")]
    [InlineData("", "a chunk is not valid JSON")]
    [InlineData("[1]", "a chunk is not a JSON object")]
    [InlineData("null", "a chunk is not a JSON object")]
    [InlineData("""{"choices":[{"delta":{}},{"delta":{}}]}""", "a chunk has more than one choice")]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]}""", "a tool call delta has no id")]
    [InlineData("""{"error":{"message":"boom"}}""", "Error in Test stream: boom")]
    [InlineData("""{"error":"boom","error_type":"generation"}""", "Error in Test stream: boom")]
    [InlineData("""{"object":"error","message":"boom"}""", "Error in Test stream: boom")]
    public void Parse_MalformedOrErrorChunk_FailsWithTheProblem(string chunk, string problem)
    {
        var parser = new OpenAIStreamParser(OpenAIFlavours.OpenAI, "Test", SecretScope.None);

        var error = Assert.Throws<GatewayError>(() => parser.Parse(chunk));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
