using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI.Responses;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>How Responses API answers map back to content blocks, usage and the finish reason.</summary>
public sealed class ResponsesResponseTests
{
    public const string TextAnswer = """
        {"id":"resp_1","object":"response","status":"completed","incomplete_details":null,
         "output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant",
                    "content":[{"type":"output_text","annotations":[],"text":"Hello there"}]}],
         "usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":3,"total_tokens":15}}
        """;

    private static ProviderResponse Parse(string body) => ResponsesResponseParser.Parse("{}", body, "OpenAI");

    [Fact]
    public async Task InferAsync_Text_IsTextWithUsage()
    {
        var response = await ResponsesRequestTests.Responses(new RecordingHttp(TextAnswer)).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal([new TextBlock("Hello there")], response.Content);
        Assert.Equal(new Usage(12, 3), response.Usage);
        Assert.Null(response.FinishReason);
        Assert.Equal(TextAnswer, response.RawResponse);
    }

    [Fact]
    public void Parse_ReasoningAndCalls_AreThoughtAndToolCallsByCallId()
    {
        var response = Parse("""
            {"output":[
              {"type":"reasoning","id":"rs_1","encrypted_content":"enc-abc","summary":[{"type":"summary_text","text":"First"},{"type":"summary_text","text":"Second"}]},
              {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"location\":\"Paris\"}","status":"completed"},
              {"type":"custom_tool_call","id":"ctc_1","call_id":"call_2","name":"code_exec","input":"print(1)","status":"completed"},
              {"type":"web_search_call","id":"ws_1","status":"completed"}
            ],"usage":{"input_tokens":1,"output_tokens":2}}
            """);

        var thought = Assert.IsType<ThoughtBlock>(response.Content[0]);
        Assert.Null(thought.Text);
        Assert.Equal("enc-abc", thought.Signature);
        Assert.Equal(["First", "Second"], thought.Summary);
        Assert.Equal(new ToolCallBlock("call_1", "get_weather", """{"location":"Paris"}"""), response.Content[1]);
        Assert.Equal(new ToolCallBlock("call_2", "code_exec", "print(1)"), response.Content[2]);
        Assert.Equal(3, response.Content.Count);
    }

    [Fact]
    public void Parse_ReasoningWithoutEncryptedContent_IsThoughtWithoutSignature()
    {
        var response = Parse("""{"output":[{"type":"reasoning","id":"rs_1","summary":[]}]}""");

        var thought = Assert.IsType<ThoughtBlock>(Assert.Single(response.Content));
        Assert.Null(thought.Signature);
        Assert.Empty(thought.Summary!);
        Assert.Equal(Usage.Unknown, response.Usage);
    }

    [Fact]
    public void Parse_IncompleteForMaxOutputTokens_FinishesWithLength()
    {
        var response = Parse("""{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}""");

        Assert.Equal(FinishReason.Length, response.FinishReason);
    }

    [Theory]
    [InlineData("""{"output":[{"type":"message","role":"assistant","content":[{"type":"refusal","refusal":"No."}]}]}""", "only output text is supported in Responses API output")]
    [InlineData("""{"output":[{"type":"message","role":"user","content":[]}]}""", "only assistant messages are supported in Responses API output")]
    [InlineData("""{"id":"resp_1"}""", "the answer has no `output` array")]
    public void Parse_UnsupportedOutput_IsAProviderError(string body, string problem)
    {
        var error = Assert.Throws<GatewayError>(() => Parse(body));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Equal($"Error parsing response from OpenAI: {problem}", error.Message);
    }
}
