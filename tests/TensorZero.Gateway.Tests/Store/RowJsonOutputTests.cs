using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>The inference row's <c>output</c> column: exactly the response's <c>content</c> / <c>output</c> value.</summary>
public sealed class RowJsonOutputTests
{
    private static readonly ResponseSchemas WeatherTool = new(
        new Dictionary<string, JsonSchemaDocument>
        {
            ["get_weather"] = JsonSchemaDocument.Parse(JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")!.AsObject()),
        },
        null, JsonMode.Off)
    {
        CustomTools = new HashSet<string> { "shell" },
    };

    private static readonly ResponseSchemas AnswerSchema = new(new Dictionary<string, JsonSchemaDocument>(),
        JsonSchemaDocument.Parse(JsonNode.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""")!.AsObject()),
        JsonMode.Strict);

    // Each case: the result, and the column text (pinned: it must not change, whatever writes it).
    public static TheoryData<string, FunctionType, ContentBlock[], string> Cases => new()
    {
        { "text", FunctionType.Chat, [new TextBlock("Paris.")], """[{"type":"text","text":"Paris."}]""" },
        { "escapes", FunctionType.Chat, [new TextBlock("line 1\nsaid \"hi\" <b>&amp;</b> é 😀 \u0001")],
            "[{\"type\":\"text\",\"text\":\"line 1\\nsaid \\\"hi\\\" <b>&amp;</b> é \\uD83D\\uDE00 \\u0001\"}]" },
        { "empty", FunctionType.Chat, [], "[]" },
        { "tool calls", FunctionType.Chat,
            [new TextBlock("Let me check."), new ToolCallBlock("call_1", "get_weather", """{"city": "Paris"}"""),
                new ToolCallBlock("call_2", "get_weather", """{"town":1}"""), new ToolCallBlock("call_3", "unknown_tool", "{}"),
                new ToolCallBlock("call_4", "shell", "ls -la"), new ToolCallBlock("call_5", "get_weather", "not json")],
            """[{"type":"text","text":"Let me check."},""" +
            """{"type":"tool_call","id":"call_1","raw_name":"get_weather","raw_arguments":"{\"city\": \"Paris\"}","name":"get_weather","arguments":{"city":"Paris"}},""" +
            """{"type":"tool_call","id":"call_2","raw_name":"get_weather","raw_arguments":"{\"town\":1}","name":"get_weather","arguments":null},""" +
            """{"type":"tool_call","id":"call_3","raw_name":"unknown_tool","raw_arguments":"{}","name":null,"arguments":null},""" +
            """{"type":"tool_call","id":"call_4","raw_name":"shell","raw_arguments":"ls -la","name":"shell","arguments":null},""" +
            """{"type":"tool_call","id":"call_5","raw_name":"get_weather","raw_arguments":"not json","name":"get_weather","arguments":null}]""" },
        { "thoughts", FunctionType.Chat,
            [new ThoughtBlock("thinking...", "sig-1"), new ThoughtBlock(null), new ThoughtBlock("s", "enc") { Summary = ["first", "second"] },
                new TextBlock("done")],
            """[{"type":"thought","text":"thinking...","signature":"sig-1"},{"type":"thought","text":null},""" +
            """{"type":"thought","text":"s","signature":"enc","summary":[{"type":"summary_text","text":"first"},{"type":"summary_text","text":"second"}]},""" +
            """{"type":"text","text":"done"}]""" },
        { "unknown blocks", FunctionType.Chat,
            [new UnknownBlock(JsonNode.Parse("""{"x":1}""")), new TextBlock("a"), FileBlock.FromBase64("image/png", "AAAA"), new UnknownBlock(null, "m", "p")],
            """[{"type":"text","text":"a"}]""" },
        { "json parsed", FunctionType.Json, [new TextBlock("""{"answer": "Paris"}""")],
            """{"raw":"{\"answer\": \"Paris\"}","parsed":{"answer":"Paris"}}""" },
        { "json failing the schema", FunctionType.Json, [new TextBlock("""{"city":"Paris"}""")],
            """{"raw":"{\"city\":\"Paris\"}","parsed":null}""" },
        { "json not json", FunctionType.Json, [new TextBlock("Paris")], """{"raw":"Paris","parsed":null}""" },
        { "json from a tool call", FunctionType.Json, [new ToolCallBlock("c", "respond", """{"answer":"x"}""")],
            """{"raw":"{\"answer\":\"x\"}","parsed":{"answer":"x"}}""" },
        { "json without output", FunctionType.Json, [new ThoughtBlock("only a thought")], """{"raw":null,"parsed":null}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_Result_IsTheColumnText(string name, FunctionType type, ContentBlock[] content, string expected)
    {
        Assert.Equal(expected, RowJson.Output(Result(type, content)));
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_Result_IsTheResponseFieldByteForByte(string name, FunctionType type, ContentBlock[] content, string expected)
    {
        var result = Result(type, content);

        var fromResponse = ResponseField(result);

        Assert.Equal(fromResponse, RowJson.Output(result));
        Assert.Equal(expected, fromResponse);
        Assert.NotNull(name);
    }

    [Fact]
    public void Write_NestedCall_KeepsBothTexts()
    {
        var outer = RowJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("inner", RowJson.Write(w => w.WriteStringValue("nested")));
            writer.WriteEndObject();
        });

        Assert.Equal("""{"inner":"\"nested\""}""", outer);
        Assert.Equal("[]", RowJson.Write(w => { w.WriteStartArray(); w.WriteEndArray(); }));
    }

    [Fact]
    public void Write_AfterAWriteThatThrew_StartsClean()
    {
        Assert.Throws<InvalidOperationException>(() => RowJson.Write(w => { w.WriteStartObject(); w.WriteStringValue("no name"); }));

        Assert.Equal("""{"a":1}""", RowJson.Write(w => { w.WriteStartObject(); w.WriteNumber("a", 1); w.WriteEndObject(); }));
    }

    [Fact]
    public void Write_LargeValue_IsWrittenWhole()
    {
        var big = new string('x', 200_000);

        Assert.Equal($"\"{big}\"", RowJson.Write(w => w.WriteStringValue(big)));
        Assert.Equal("\"small\"", RowJson.Write(w => w.WriteStringValue("small")));
    }

    private static InferenceResult Result(FunctionType type, ContentBlock[] content) => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), "v", type,
        new ModelResult("m", "p", new ProviderResponse(content, new Usage(3, 4), FinishReason.Stop, "{}", "{}")),
        type == FunctionType.Json ? AnswerSchema : WeatherTool);

    // How the column used to be made: the whole response written, then the field cut out of it.
    private static string ResponseField(InferenceResult result)
    {
        var body = RowJson.Write(writer => InferenceResponseWriter.Write(writer, result, RawOutput.None));
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty(result.FunctionType == FunctionType.Json ? "output" : "content").GetRawText();
    }
}
