using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// The fixed answers of the dummy provider, by <c>model_name</c>, word for word as TensorZero's dummy gives them:
/// texts, tool calls, raw bodies, streamed chunk boundaries and token counts.
/// </summary>
public static class DummyResponses
{
    public const string DefaultText =
        "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.";

    public const string AlternateText = "Megumin chanted her spell, but instead of an explosion, a gentle rain began to fall.";

    /// <summary>The raw body behind <see cref="DefaultText"/>: a completions-style answer, indented as TensorZero stores it.</summary>
    public const string DefaultRawResponse = """
        {
          "id": "id",
          "object": "text.completion",
          "created": 1618870400,
          "model": "text-davinci-002",
          "choices": [
            {
              "text": "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.",
              "index": 0,
              "logprobs": null,
              "finish_reason": null
            }
          ],
          "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 10,
            "total_tokens": 20
          }
        }
        """;

    /// <summary>The request body every dummy call reports having sent.</summary>
    public const string RawRequest = "raw request";

    public const string ToolArguments = """{"location":"Brooklyn","units":"celsius"}""";

    /// <summary><see cref="ToolArguments"/> with the enum value capitalised, so it fails the tool's schema.</summary>
    public const string BadToolArguments = """{"location":"Brooklyn","units":"Celsius"}""";

    public const string InvalidToolArguments = "Not valid 'JSON'";

    public const string GoodToolArguments = """{"sentiment":"positive","confidence":0.95}""";

    public const string Json = """{"answer":"Hello"}""";

    /// <summary>The text every streamed answer without a list of its own is cut from, in <see cref="StreamedText"/> chunks.</summary>
    public static readonly IReadOnlyList<string> StreamedText =
    [
        "Wally,", " the", " golden", " retriever,", " wagged", " his", " tail", " excitedly", " as", " he", " devoured", " a",
        " slice", " of", " cheese", " pizza.",
    ];

    /// <summary>The arguments of <c>tool</c> and <c>tool_split_name</c> streams.</summary>
    public static readonly IReadOnlyList<string> StreamedToolArguments = ["{\"location\"", ":\"Brooklyn\"", ",\"units\"", ":\"celsius", "\"}"];

    /// <summary>The arguments of the <c>good_tool</c> stream.</summary>
    public static readonly IReadOnlyList<string> StreamedGoodToolArguments = ["{\"sentiment\"", ":\"positive\"", ",\"confidence\"", ":0.95", "}"];

    /// <summary>The <c>json</c> and <c>json_reasoner</c> streams' text.</summary>
    public static readonly IReadOnlyList<string> StreamedJson = ["{\"name\"", ":\"John\"", ",\"age\"", ":30", "}"];

    /// <summary>The thought chunks <c>reasoner</c> and <c>json_reasoner</c> stream first.</summary>
    public static readonly IReadOnlyList<string> StreamedThoughts = ["hmmm", "hmmm"];

    /// <summary>The answer of a model whose answer does not depend on the request; null for the others.</summary>
    public static IReadOnlyList<ContentBlock>? Fixed(string modelName) => modelName switch
    {
        "null" => [],
        "empty" => [new TextBlock(string.Empty)],
        "alternate" => [new TextBlock(AlternateText)],
        "tool" => [new ToolCallBlock("0", "get_temperature", ToolArguments)],
        "bad_tool" => [new ToolCallBlock("0", "get_temperature", BadToolArguments)],
        "invalid_tool_arguments" => [new ToolCallBlock("0", "get_temperature", InvalidToolArguments)],
        "good_tool" => [new ToolCallBlock("0", "output_schema_tool", GoodToolArguments)],
        "reasoner" => [new ThoughtBlock("hmmm"), new TextBlock(DefaultText)],
        "reasoner_with_signature" => [new ThoughtBlock("hmmm", "my_signature"), new TextBlock(DefaultText)],
        "json_reasoner" => [new ThoughtBlock("hmmm"), new TextBlock(Json)],
        "json" => [new TextBlock(Json)],
        "json_goodbye" => [new TextBlock("""{"answer":"Goodbye"}""")],
        "json_cot" => [new TextBlock("""{"thinking":"hmmm", "response": {"answer":"tokyo!"}}""")],
        "json_diff_schema" => [new TextBlock("""{"response":"Hello"}""")],
        "json_beatles_1" => [new TextBlock("""{"names":["John", "George"]}""")],
        "json_beatles_2" => [new TextBlock("""{"names":["Paul", "Ringo"]}""")],
        "best_of_n_0" or "flaky_best_of_n_judge" => [new TextBlock(Judge(0))],
        "best_of_n_1" => [new TextBlock(Judge(1))],
        "best_of_n_big" => [new TextBlock(Judge(100))],
        "llm_judge::true" => [new TextBlock("""{"score": true}""")],
        "llm_judge::false" => [new TextBlock("""{"score": false}""")],
        "llm_judge::zero" => [new TextBlock("""{"score": 0}""")],
        "llm_judge::one" => [new TextBlock("""{"score": 1}""")],
        _ => null,
    };

    /// <summary>The raw body a non-streamed answer reports (<c>original_response</c>).</summary>
    public static string RawResponse(string modelName) => modelName switch
    {
        "tool" => ToolArguments[..^1] + ""","usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}""",
        "good_tool" => GoodToolArguments,
        "json" => Json[..^1] + ""","usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}""",
        "bad_tool" => BadToolArguments,
        "json_goodbye" or "json_cot" or "best_of_n_0" or "best_of_n_1" or "best_of_n_big" => ((TextBlock)Fixed(modelName)![0]).Text,
        _ => DefaultRawResponse,
    };

    /// <summary>Token counts: 10 in, one out per content block or streamed chunk, unless the name fixes them.</summary>
    public static Usage Usage(string modelName, long outputTokens) => modelName switch
    {
        "input_tokens_zero" => new(0, outputTokens),
        "output_tokens_zero" => new(10, 0),
        "input_tokens_output_tokens_zero" => new(0, 0),
        "input_five_output_six" => new(5, 6),
        _ => new(10, outputTokens),
    };

    /// <summary>The raw body of a stream's last chunk: its usage, OpenAI style.</summary>
    public static string UsageRaw(long input, long output) =>
        "{\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output + ",\"total_tokens\":" + (input + output) + "}}";

    private static string Judge(int choice) => $$"""{"thinking": "hmmm", "answer_choice": {{choice}}}""";
}
