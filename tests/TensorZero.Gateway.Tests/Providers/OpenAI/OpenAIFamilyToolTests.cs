using System.Text.Json.Nodes;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Tools, tool choice and type-specific settings on the wire of each flavour.</summary>
public sealed class OpenAIFamilyToolTests
{
    private const string StrictTool =
        """[{"type":"function","function":{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"location":{"type":"string"}}}},"strict":true}]""";

    private const string PlainTool =
        """[{"type":"function","function":{"name":"get_weather","description":"Weather by city","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}]""";

    private static readonly ModelRequest WithTools = Hello with { Tools = [Weather], ToolChoice = new ToolChoice(ToolChoiceMode.Required), ParallelToolCalls = true };

    [Theory]
    [InlineData("openai", StrictTool, "\"required\"", true)]
    [InlineData("azure", StrictTool, "\"auto\"", false)]
    [InlineData("deepseek", StrictTool, "\"required\"", true)]
    [InlineData("fireworks", PlainTool, "\"required\"", true)]
    [InlineData("mistral", PlainTool, "\"any\"", true)]
    [InlineData("together", StrictTool, "\"auto\"", true)]
    [InlineData("xai", StrictTool, "\"required\"", true)]
    [InlineData("vllm", StrictTool, "\"required\"", true)]
    [InlineData("sglang", StrictTool, "\"required\"", true)]
    [InlineData("tgi", StrictTool, "\"required\"", true)]
    [InlineData("groq", StrictTool, "\"required\"", true)]
    [InlineData("openrouter", StrictTool, "\"required\"", true)]
    public void BuildBody_RequiredToolChoice_UsesFlavourForm(string type, string tools, string toolChoice, bool parallel)
    {
        var body = Body(type, WithTools);

        Assert.Equal(tools, body["tools"]!.ToJsonString());
        Assert.Equal(toolChoice, body["tool_choice"]!.ToJsonString());
        Assert.Equal(parallel ? "true" : null, body["parallel_tool_calls"]?.ToJsonString());
    }

    [Fact]
    public void BuildBody_Hyperbolic_SendsNoTools()
    {
        var body = Body("hyperbolic", WithTools);

        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("tool_choice"));
        Assert.False(body.ContainsKey("parallel_tool_calls"));
    }

    [Fact]
    public void BuildBody_TogetherToolChoiceNone_OmitsTools()
    {
        var body = Body("together", WithTools with { ToolChoice = new ToolChoice(ToolChoiceMode.None) });

        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("tool_choice"));
    }

    [Fact]
    public void BuildBody_SpecificTool_NamesIt()
    {
        var body = Body("mistral", WithTools with { ToolChoice = new ToolChoice(ToolChoiceMode.Specific, "get_weather") });

        Assert.Equal("""{"type":"function","function":{"name":"get_weather"}}""", body["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_JsonModeTool_OffersRespondToolAndForcesIt()
    {
        var body = Body("openai", Hello with { JsonMode = JsonMode.Tool, OutputSchema = AnswerSchema });

        Assert.Equal("respond", body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("""{"type":"function","function":{"name":"respond"}}""", body["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public void BuildBody_ToolHistory_SendsToolCallsAndToolMessages()
    {
        var request = Hello with
        {
            Messages =
            [
                new RequestMessage(Role.User, [new TextBlock("Weather?")]),
                new RequestMessage(Role.Assistant, [new ToolCallBlock("call_1", "get_weather", """{"location":"Paris"}""")]),
                new RequestMessage(Role.User, [new ToolResultBlock("call_1", "get_weather", "22C"), new TextBlock("Thanks")]),
            ],
        };
        var messages = Body("deepseek", request)["messages"]!.ToJsonString();

        Assert.Equal(OpenAIFamilyRequestTests.Normalise(
            """[{"role":"system","content":"Be terse."},{"role":"user","content":"Weather?"},""" +
            """{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},""" +
            """{"role":"tool","tool_call_id":"call_1","content":"22C"},{"role":"user","content":"Thanks"}]"""),
            messages);
    }

    [Fact]
    public void BuildBody_GroqReasoningFormat_IsSentTopLevel()
    {
        var body = JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider("groq", new() { ["reasoning_format"] = "parsed" }).BuildBody(Hello, stream: false))!;

        Assert.Equal("parsed", body["reasoning_format"]!.GetValue<string>());
    }

    [Fact]
    public void BuildBody_MistralPromptMode_IsSentTopLevel()
    {
        var body = JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider("mistral", new() { ["prompt_mode"] = "reasoning" }).BuildBody(Hello, stream: false))!;

        Assert.Equal("reasoning", body["prompt_mode"]!.GetValue<string>());
    }

    private static JsonObject Body(string type, ModelRequest request) =>
        JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider(type).BuildBody(request, stream: false))!.AsObject();
}
