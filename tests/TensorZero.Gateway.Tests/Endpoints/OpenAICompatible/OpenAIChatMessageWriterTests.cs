using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

public sealed class OpenAIChatMessageWriterTests
{
    private static string Message(params ContentBlock[] content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            OpenAIChatResponseWriter.WriteChatMessage(writer, content);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void WriteChatMessage_OneText_IsTheContent()
    {
        Assert.Equal("""{"content":"Paris","role":"assistant"}""", Message(new TextBlock("Paris")));
    }

    [Fact]
    public void WriteChatMessage_NoText_ContentIsNull()
    {
        Assert.Equal("""{"content":null,"role":"assistant"}""", Message());
    }

    [Fact]
    public void WriteChatMessage_TextsThoughtsAndToolCalls_JoinsTextsListsCallsAndPlacesThoughts()
    {
        var json = Message(
            new TextBlock("Pa"),
            new ThoughtBlock("thinking", "sig"),
            new ToolCallBlock("call_1", "lookup", """{"q":1}"""),
            new TextBlock(""),
            new TextBlock("ris"),
            new ToolCallBlock("call_2", "other", "not json"));

        var expected = """{"content":"Paris","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\u0022q\u0022:1}"}},{"id":"call_2","type":"function","function":{"name":"other","arguments":"not json"}}],"role":"assistant","tensorzero_extra_content":[{"type":"thought","insert_index":1,"text":"thinking","signature":"sig"}]}""";
        Assert.Equal(expected, json);
    }
}
