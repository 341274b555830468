using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// The inference row's <c>input</c> column, put together around the messages text the model rows store: it must be
/// the object a writer would make whole, byte for byte.
/// </summary>
public sealed class RowJsonInputTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly RequestMessage[] Chat =
    [
        new(Role.User, [new TextBlock("line 1\nsaid \"hi\" <b>&amp;</b> é 😀 \u0001")]),
        new(Role.Assistant, [new TextBlock("ok"), new ToolCallBlock("call_1", "get_weather", """{"city":"Paris"}""")]),
        new(Role.User, [new ToolResultBlock("call_1", "get_weather", "sunny")]),
    ];

    public static TheoryData<string> Shapes() => ["no system", "system text", "system arguments", "no messages", "long system"];

    private static InferenceInput Input(string shape) => shape switch
    {
        "no system" => new InferenceInput(null, Chat),
        "system text" => new InferenceInput("Be \"terse\".\n<ok>", Chat),
        "system arguments" => new InferenceInput(null, Chat, new JsonObject { ["name"] = "Zoë", ["n"] = 2 }),
        "no messages" => new InferenceInput("sys", []),
        _ => new InferenceInput(new string('x', 40_000) + "😀", Chat),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Input_AroundTheMessagesText_IsTheWholeObject(string shape)
    {
        var input = Input(shape);
        var messages = RowJson.Messages(input.Messages);

        var text = RowJson.Input(input, messages);

        var expected = new JsonObject();
        if (input.SystemArguments is { } arguments)
        {
            expected["system"] = arguments.DeepClone();
        }
        else if (input.System is { } system)
        {
            expected["system"] = system;
        }
        expected["messages"] = JsonNode.Parse(messages);
        Assert.Equal(expected.ToJsonString(Relaxed), text);
        Assert.EndsWith(messages + "}", text, StringComparison.Ordinal);
    }
}
