using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>One provider chunk's deltas as the <c>delta</c> object of an OpenAI chunk.</summary>
public sealed class OpenAIChatStreamWriterTests
{
    private static string Delta(params ContentDelta[] deltas)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            OpenAIChatStreamWriter.WriteChatDelta(writer, deltas, new OpenAIChatStreamWriter.BlockPositions());
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void WriteChatDelta_OneText_IsTheContent() =>
        Assert.Equal("""{"content":"Paris"}""", Delta(new TextDelta("0", "Paris")));

    [Fact]
    public void WriteChatDelta_SeveralTextsInOneChunk_AreJoinedInOrder() =>
        // Gemini, for one, can send several text parts in one chunk.
        Assert.Equal("""{"content":"The capital is Paris."}""",
            Delta(new TextDelta("0", "The "), new TextDelta("0", "capital is "), new TextDelta("1", "Paris.")));

    [Fact]
    public void WriteChatDelta_TextAroundAToolCall_JoinsTheTextAndIndexesTheCall()
    {
        var delta = JsonNode.Parse(Delta(new TextDelta("0", "Let me "), new ToolCallDelta("call_1", "get_weather", """{"city":"""), new TextDelta("0", "check.")))!;

        Assert.Equal("Let me check.", delta["content"]!.GetValue<string>());
        var call = Assert.Single(delta["tool_calls"]!.AsArray())!;
        Assert.Equal(0, call["index"]!.GetValue<int>());
        Assert.Equal("call_1", call["id"]!.GetValue<string>());
        Assert.Equal("get_weather", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal("""{"city":""", call["function"]!["arguments"]!.GetValue<string>());
    }

    [Fact]
    public void WriteChatDelta_NoText_HasNoContent() =>
        Assert.DoesNotContain("content", Delta(new ToolCallDelta("call_1", "get_weather", "{}")), StringComparison.Ordinal);
}
