using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>
/// The exact <see cref="ProviderResponse"/> that <see cref="OpenAIResponseParser.Parse"/> makes of each answer shape the
/// family sends (content blocks in order, usage, finish reason, raw usage) and the exact error of each malformed body.
/// </summary>
public sealed class OpenAIResponseParserTests
{
    private const string UsageJson = """{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}""";
    private const string Result = "usage=12/3 finish=Stop raw_usage=" + UsageJson;

    private static readonly Dictionary<string, OpenAIFlavour> Flavours = new[]
    {
        OpenAIFlavours.OpenAI, OpenAIFlavours.Mistral, OpenAIFlavours.Together, OpenAIFlavours.XAI,
        OpenAIFlavours.DeepSeek, OpenAIFlavours.VLLM, OpenAIFlavours.TGI,
    }.ToDictionary(f => f.Type);

    public static TheoryData<string, string, string> Answers => new()
    {
        // A plain string answer, with the fields OpenAI sends and the parser ignores.
        {
            "openai",
            $$$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{{{{UsageJson}}}},"system_fingerprint":"fp"}""",
            "[text Hello, world.] " + Result
        },
        // Escapes are decoded.
        {
            "openai",
            $$$$"""{"choices":[{"index":0,"message":{"content":"caf\u00e9 \"q\"\n<b>"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""",
            "[text café \"q\"\n<b>] " + Result
        },
        { "openai", $$$$"""{"choices":[{"message":{"content":""},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[text ] " + Result },
        // Mistral's chunk array: thinking as chunks or a string, unknown and stray parts skipped, text parts joined.
        {
            "mistral",
            $$$$"""{"choices":[{"index":0,"message":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Let me "},{"type":"text","text":"see."}]},{"type":"thinking","thinking":" Again."},"stray",null,{"type":"image_url"},{"text":"untyped"},{"type":"text","text":"Hel"},{"type":"text","text":"lo"}]},"finish_reason":"model_length"}],"usage":{{{{UsageJson}}}}}""",
            "[thought Let me see. Again.] [text Hello] usage=12/3 finish=Length raw_usage=" + UsageJson
        },
        { "mistral", $$$$"""{"choices":[{"message":{"content":[{"type":"thinking","thinking":"Only."}]},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought Only.] " + Result },
        { "mistral", $$$$"""{"choices":[{"message":{"content":[]},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", Result },
        { "mistral", $$$$"""{"choices":[{"message":{"content":[{"type":"text","text":5}]},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[text ] " + Result },
        // Reasoning fields: `reasoning` first, `reasoning_content` when it is absent or not a string, then thinking chunks.
        { "openai", $$$$"""{"choices":[{"message":{"reasoning":"R1","reasoning_content":"R2","content":"Hi"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought R1] [text Hi] " + Result },
        { "openai", $$$$"""{"choices":[{"message":{"reasoning":5,"reasoning_content":"R2","content":"Hi"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought R2] [text Hi] " + Result },
        { "openai", $$$$"""{"choices":[{"message":{"reasoning":null,"reasoning_content":"R2"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought R2] " + Result },
        {
            "mistral",
            $$$$"""{"choices":[{"message":{"reasoning_content":"A","content":[{"type":"thinking","thinking":"B"},{"type":"text","text":"C"}]},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""",
            "[thought AB] [text C] " + Result
        },
        // Think tags: split for a flavour that parses them, kept as text otherwise.
        {
            "together",
            $$$$"""{"choices":[{"message":{"reasoning_content":"Pre ","content":"<think>Count.</think>\n\nFour."},"finish_reason":"eos"}],"usage":{{{{UsageJson}}}}}""",
            "[thought Pre Count.] [text Four.] " + Result
        },
        {
            "openai",
            $$$$"""{"choices":[{"message":{"content":"<think>Count.</think>\n\nFour."},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""",
            "[text <think>Count.</think>\n\nFour.] " + Result
        },
        { "together", $$$$"""{"choices":[{"message":{"content":"<think>All thought</think>"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought All thought] [text ] " + Result },
        { "together", $$$$"""{"choices":[{"message":{"content":"Before <think>half"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""", "[thought half] [text Before ] " + Result },
        // Tool calls with string arguments; entries that are not objects are skipped, missing fields are empty.
        {
            "openai",
            $$$$"""{"choices":[{"message":{"content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},7,null,{"type":"function","function":{"name":"no_id","arguments":null}},{"id":"call_3","function":{"arguments":"{}"}},{"id":"call_4"}]},"finish_reason":"tool_calls"}],"usage":{{{{UsageJson}}}}}""",
            """[tool call_1|get_weather|{"city":"Paris"}] [tool |no_id|] [tool call_3||{}] [tool call_4||] usage=12/3 finish=ToolCall raw_usage=""" + UsageJson
        },
        {
            "openai",
            $$$$"""{"choices":[{"message":{"content":"Calling.","tool_calls":{"id":"x"}},"finish_reason":"function_call"}],"usage":{{{{UsageJson}}}}}""",
            "[text Calling.] usage=12/3 finish=ToolCall raw_usage=" + UsageJson
        },
        // TGI sends arguments as JSON: they become compact JSON text, escaped as System.Text.Json writes it.
        {
            "tgi",
            $$$$"""{"choices":[{"message":{"tool_calls":[{"id":"0","type":"function","function":{"name":"get_weather","arguments":{ "location" : "Brooklyn", "unit":"°F <&>", "n": 1.50e3, "z":[ 1 , true,null ], "o":{} }}},{"id":"1","function":{"name":"n","arguments":42}},{"id":"2","function":{"name":"a","arguments":[1, "x"]}},{"id":"3","function":{"name":"b","arguments":false}}]},"finish_reason":"eos_token"}],"usage":{{{{UsageJson}}}}}""",
            """[tool 0|get_weather|{"location":"Brooklyn","unit":"\u00B0F \u003C\u0026\u003E","n":1.50e3,"z":[1,true,null],"o":{}}] [tool 1|n|42] [tool 2|a|[1,"x"]] [tool 3|b|false] """ + Result
        },
        // Custom tools: `custom: {name, input}` in place of `function`, used also when `function` is not an object.
        {
            "openai",
            $$$$"""{"choices":[{"message":{"tool_calls":[{"id":"c1","type":"custom","custom":{"name":"grep","input":"pattern *.cs"}},{"id":"c2","function":"x","custom":{"name":"n","input":"i"}},{"id":"c3","function":{"name":"both","arguments":"A","input":"I"}},{"id":"c4","function":{"name":"input_only","input":"I"}}]},"finish_reason":"tool_calls"}],"usage":{{{{UsageJson}}}}}""",
            "[tool c1|grep|pattern *.cs] [tool c2|n|i] [tool c3|both|A] [tool c4|input_only|I] usage=12/3 finish=ToolCall raw_usage=" + UsageJson
        },
        // Usage: reasoning tokens added for a flavour that needs it, not for OpenAI; numbers that are not integers are absent.
        {
            "xai",
            """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}}""",
            """[text Hi] usage=5/13 finish=Stop raw_usage={"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}"""
        },
        {
            "xai",
            """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens_details":{"reasoning_tokens":10}}}""",
            """[text Hi] usage=5/10 finish=Stop raw_usage={"prompt_tokens":5,"completion_tokens_details":{"reasoning_tokens":10}}"""
        },
        {
            "xai",
            """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":null}}""",
            """[text Hi] usage=5/3 finish=Stop raw_usage={"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":null}"""
        },
        {
            "openai",
            """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}}""",
            """[text Hi] usage=5/3 finish=Stop raw_usage={"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{"reasoning_tokens":10}}"""
        },
        {
            "openai",
            """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5.0,"completion_tokens":"3", "total_tokens" : 99999999999999999999}}""",
            """[text Hi] usage=-/- finish=Stop raw_usage={"prompt_tokens":5.0,"completion_tokens":"3","total_tokens":99999999999999999999}"""
        },
        { "openai", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{}}""", "[text Hi] usage=-/- finish=Stop raw_usage={}" },
        // Without usage where it is optional: unknown usage, and raw usage only when the value is not null.
        { "vllm", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}]}""", "[text Hi] usage=-/- finish=Stop raw_usage=-" },
        { "vllm", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":null}""", "[text Hi] usage=-/- finish=Stop raw_usage=-" },
        { "vllm", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":5}""", "[text Hi] usage=-/- finish=Stop raw_usage=5" },
        // Finish reasons: mapped, unknown, or absent when missing, empty or not a string; a message that is not there.
        { "openai", """{"choices":[{"index":0,"finish_reason":"length"}]}""", "usage=-/- finish=Length raw_usage=-" },
        { "openai", """{"choices":[{"message":"hi","finish_reason":"content_filter"}]}""", "usage=-/- finish=ContentFilter raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":{"text":"x"}},"finish_reason":"stop_sequence"}]}""", "usage=-/- finish=StopSequence raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"weird"}]}""", "[text Hi] usage=-/- finish=Unknown raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":"Hi"},"finish_reason":""}]}""", "[text Hi] usage=-/- finish=- raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":"Hi"},"finish_reason":null}]}""", "[text Hi] usage=-/- finish=- raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":"Hi"},"finish_reason":1}]}""", "[text Hi] usage=-/- finish=- raw_usage=-" },
        { "openai", """{"choices":[{"message":{"content":"Hi"}}]}""", "[text Hi] usage=-/- finish=- raw_usage=-" },
    };

    public static TheoryData<string, string, string> MalformedAnswers => new()
    {
        { "openai", "not json", "the body is not valid JSON" },
        { "openai", "", "the body is not valid JSON" },
        { "openai", """{"choices":""", "the body is not valid JSON" },
        { "openai", "{} x", "the body is not valid JSON" },
        { "openai", "{/* a comment */}", "the body is not valid JSON" },
        { "openai", """{"a":1,}""", "the body is not valid JSON" },
        { "openai", """{"deep":""" + new string('[', 70) + new string(']', 70) + "}", "the body is not valid JSON" },
        { "openai", """[{"choices":[]}]""", "the body is not a JSON object" },
        { "openai", "null", "the body is not a JSON object" },
        { "openai", "\"text\"", "the body is not a JSON object" },
        { "openai", "42", "the body is not a JSON object" },
        { "openai", $$$$"""{"choices":[],"usage":{{{{UsageJson}}}}}""", "expected exactly one choice" },
        { "openai", $$$$"""{"choices":[{"message":{"content":"a"}},{"message":{"content":"b"}}],"usage":{{{{UsageJson}}}}}""", "expected exactly one choice" },
        { "openai", $$$$"""{"usage":{{{{UsageJson}}}}}""", "expected exactly one choice" },
        { "openai", """{"choices":{"message":{"content":"a"}}}""", "expected exactly one choice" },
        { "openai", """{"choices":[5]}""", "expected exactly one choice" },
        { "openai", """{"choices":[null]}""", "expected exactly one choice" },
        // The choice is checked before usage.
        { "deepseek", """{"choices":[]}""", "expected exactly one choice" },
        { "deepseek", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}]}""", "the answer has no `usage`" },
        { "deepseek", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":null}""", "the answer has no `usage`" },
        { "mistral", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":5}""", "the answer has no `usage`" },
        { "tgi", """{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":[]}""", "the answer has no `usage`" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Parse_AnswerShape_MapsToExactResult(string flavour, string body, string expected)
    {
        var response = OpenAIResponseParser.Parse(Flavours[flavour], "{}", body, "P");

        Assert.Equal(expected, Describe(response));
    }

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public void Parse_MalformedAnswer_FailsWithTheProblem(string flavour, string body, string problem)
    {
        var error = Assert.Throws<GatewayError>(() => OpenAIResponseParser.Parse(Flavours[flavour], "{}", body, "P"));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Equal($"Error parsing response from P: {problem}", error.Message);
    }

    [Fact]
    public void Parse_Answer_KeepsBothBodiesAndMarksTheRawUsageChatCompletions()
    {
        const string request = """{"model":"gpt-4o-mini"}""";
        var body = $$$$"""{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{{{{UsageJson}}}}}""";

        var response = OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, request, body, "P");

        Assert.Same(request, response.RawRequest);
        Assert.Same(body, response.RawResponse);
        Assert.Equal(RawResponseEntry.ChatCompletions, response.RawUsage!.ApiType);
    }

    [Fact]
    public void Parse_DuplicateKeys_LastValueWinsAndRawUsageIsAsSent()
    {
        const string body = """{"choices":[{"message":{"content":"first","content":"last"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"prompt_tokens":2,"completion_tokens":3}}""";

        var response = OpenAIResponseParser.Parse(OpenAIFlavours.OpenAI, "{}", body, "P");

        Assert.Equal("""[text last] usage=2/3 finish=Stop raw_usage={"prompt_tokens":1,"prompt_tokens":2,"completion_tokens":3}""", Describe(response));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("[10]")]
    [InlineData("\"10\"")]
    public void Parse_ReasoningDetailsNotAnObject_AddsNoReasoningTokens(string details)
    {
        var body = $$$"""{"choices":[{"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"completion_tokens_details":{{{details}}}}}""";

        var response = OpenAIResponseParser.Parse(OpenAIFlavours.XAI, "{}", body, "P");

        Assert.Equal(new Usage(5, 3), response.Usage);
    }

    private static string Describe(ProviderResponse response) =>
        string.Concat(response.Content.Select(Block))
        + $"usage={Count(response.Usage.InputTokens)}/{Count(response.Usage.OutputTokens)}"
        + $" finish={response.FinishReason?.ToString() ?? "-"}"
        + $" raw_usage={(response.RawUsage is { } raw ? raw.Data?.ToJsonString() ?? "null" : "-")}";

    private static string Block(ContentBlock block) => block switch
    {
        ThoughtBlock { Signature: null, Summary: null } thought => $"[thought {thought.Text}] ",
        TextBlock text => $"[text {text.Text}] ",
        ToolCallBlock call => $"[tool {call.Id}|{call.Name}|{call.Arguments}] ",
        _ => $"[other {block}] ",
    };

    private static string Count(long? tokens) => tokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
