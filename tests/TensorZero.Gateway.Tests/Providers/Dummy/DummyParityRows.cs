namespace TensorZero.Gateway.Tests.Providers.Dummy;

/// <summary>
/// One dummy model name: the request fields that call it and what TensorZero's dummy provider (2026.4.1) answers,
/// called whole and streamed. Answers are summary lines: <c>text:…</c>, <c>thought:…</c> (<c>|sig:…</c>),
/// <c>tool:id:raw_name:raw_arguments</c> per block or chunk, <c>usage:in/out finish:reason</c> for the usage, an
/// <c>error:…</c> event mid-stream, or <c>STATUS message</c> for a failed call.
/// </summary>
public sealed record DummyRow(string Name, string Request, string[] Answer, string[] Stream, string? Raw = null);

/// <summary>TensorZero's dummy answers, written out from its source, one row per model name.</summary>
public static class DummyParityRows
{
    public const string Megumin =
        "Megumin gleefully chanted her spell, unleashing a thunderous explosion that lit up the sky and left a massive crater in its wake.";

    public const string Rain = "Megumin chanted her spell, but instead of an explosion, a gentle rain began to fall.";

    /// <summary>The raw body behind <see cref="Megumin"/>, indented as TensorZero keeps it.</summary>
    public const string MeguminRaw = """
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

    /// <summary>A prompt whose first message has two text blocks (what <c>multiple-text-blocks</c> requires).</summary>
    public const string StandardInput = """{"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"text","text":"world"}]}]}""";

    /// <summary>A PDF (<c>%PDF-1.4</c>) inline and a PNG by URL; the PDF's storage path is BLAKE3 of its base64 text (checked with b3sum).</summary>
    public const string FilesInput = """{"messages":[{"role":"user","content":[{"type":"text","text":"Look"},{"type":"file","data":"JVBERi0xLjQK","mime_type":"application/pdf","filename":"a.pdf"},{"type":"file","url":"https://example.com/cat.png","mime_type":"image/png"}]}]}""";

    public const string FilesEcho = """[{"Base64":{"source_url":null,"mime_type":"application/pdf","storage_path":{"kind":{"type":"disabled"},"path":"observability/files/a30de861921c6d19166893434cf738093466b576f1eeb606b7069384dd6224dc.pdf"},"filename":"a.pdf","data":"JVBERi0xLjQK"}},{"Url":{"file_url":{"url":"https://example.com/cat.png","mime_type":"image/png","filename":null}}}]""";

    public static readonly string[] WallyChunks =
    [
        "Wally,", " the", " golden", " retriever,", " wagged", " his", " tail", " excitedly", " as", " he", " devoured", " a",
        " slice", " of", " cheese", " pizza.",
    ];

    public static readonly IReadOnlyList<DummyRow> All =
    [
        Plain("good", [T(Megumin)], raw: MeguminRaw),
        Plain("timeout", [T(Megumin)]),
        Plain("null", []),
        Plain("empty", [T("")]),
        Plain("alternate", [T(Rain)]),
        Plain("json", [T("""{"answer":"Hello"}""")],
            stream: [.. new[] { "{\"name\"", ":\"John\"", ",\"age\"", ":30", "}" }.Select(T), "usage:10/5 finish:stop"],
            raw: """{"answer":"Hello","usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}"""),
        Plain("json_goodbye", [T("""{"answer":"Goodbye"}""")], raw: """{"answer":"Goodbye"}"""),
        Plain("json_cot", [T("""{"thinking":"hmmm", "response": {"answer":"tokyo!"}}""")], raw: """{"thinking":"hmmm", "response": {"answer":"tokyo!"}}"""),
        Plain("json_diff_schema", [T("""{"response":"Hello"}""")]),
        Plain("json_beatles_1", [T("""{"names":["John", "George"]}""")]),
        Plain("json_beatles_2", [T("""{"names":["Paul", "Ringo"]}""")]),
        Plain("best_of_n_0", [T("""{"thinking": "hmmm", "answer_choice": 0}""")], raw: """{"thinking": "hmmm", "answer_choice": 0}"""),
        Plain("best_of_n_1", [T("""{"thinking": "hmmm", "answer_choice": 1}""")], raw: """{"thinking": "hmmm", "answer_choice": 1}"""),
        Plain("best_of_n_big", [T("""{"thinking": "hmmm", "answer_choice": 100}""")], raw: """{"thinking": "hmmm", "answer_choice": 100}"""),
        Plain("llm_judge::true", [T("""{"score": true}""")]),
        Plain("llm_judge::false", [T("""{"score": false}""")]),
        Plain("llm_judge::zero", [T("""{"score": 0}""")]),
        Plain("llm_judge::one", [T("""{"score": 1}""")]),
        Failing("llm_judge::error", "Error from dummy client: Dummy error in inference", Wally()),
        Plain("reasoner", ["thought:hmmm", T(Megumin)], stream: ["thought:hmmm", "thought:hmmm", .. WallyChunks.Select(T), "usage:10/18 finish:stop"]),
        Plain("reasoner_with_signature", ["thought:hmmm|sig:my_signature", T(Megumin)]),
        Plain("json_reasoner", ["thought:hmmm", T("""{"answer":"Hello"}""")],
            stream: ["thought:hmmm", "thought:hmmm", .. new[] { "{\"name\"", ":\"John\"", ",\"age\"", ":30", "}" }.Select(T), "usage:10/7 finish:stop"]),
        Plain("tool", ["tool:0:get_temperature:{\"location\":\"Brooklyn\",\"units\":\"celsius\"}"], "tool_call",
            stream: ["tool:0:get_temperature:{\"location\"", "tool:0:::\"Brooklyn\"", "tool:0::,\"units\"", "tool:0:::\"celsius", "tool:0::\"}", "usage:10/5 finish:tool_call"],
            raw: """{"location":"Brooklyn","units":"celsius","usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}"""),
        Plain("tool_split_name", [T(Megumin)], "tool_call",
            stream: ["tool:0:get_temp:{\"location\"", "tool:0:erature::\"Brooklyn\"", "tool:0::,\"units\"", "tool:0:::\"celsius", "tool:0::\"}", "usage:10/5 finish:tool_call"]),
        Plain("bad_tool", ["tool:0:get_temperature:{\"location\":\"Brooklyn\",\"units\":\"Celsius\"}"], "tool_call",
            raw: """{"location":"Brooklyn","units":"Celsius"}"""),
        Plain("invalid_tool_arguments", ["tool:0:get_temperature:Not valid 'JSON'"], "tool_call"),
        Plain("good_tool", ["tool:0:output_schema_tool:{\"sentiment\":\"positive\",\"confidence\":0.95}"], "tool_call",
            stream: ["tool:0:get_temperature:{\"sentiment\"", "tool:0:::\"positive\"", "tool:0::,\"confidence\"", "tool:0:::0.95", "tool:0::}", "usage:10/5 finish:tool_call"],
            raw: """{"sentiment":"positive","confidence":0.95}"""),
        Plain("input_tokens_zero", [T(Megumin)], usage: "0/1", stream: Wally("0/16")),
        Plain("output_tokens_zero", [T(Megumin)], usage: "10/0", stream: Wally("10/0")),
        Plain("input_tokens_output_tokens_zero", [T(Megumin)], usage: "0/0", stream: Wally("0/0")),
        Plain("input_five_output_six", [T(Megumin)], usage: "5/6", stream: Wally("5/6")),
        Plain("echo", [T("Hello")]),
        Plain("multiple-text-blocks", [T(Megumin)]),
        new("multiple-text-blocks (one block)", """{"model_name":"dummy::multiple-text-blocks","input":{"messages":[{"role":"user","content":"Hi"}]}}""",
            [Failed("multiple-text-blocks", "Error from dummy client: First message must have exactly two text blocks")], Wally()),
        Plain("echo_request_messages", [T("""{"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"text","text":"world"}]}]}""")]),
        new("echo_request_messages (every block)", """
            {"model_name":"dummy::echo_request_messages","input":{"messages":[
              {"role":"user","content":[{"type":"text","text":"What's the weather?"},{"type":"file","url":"https://example.com/cat.png","mime_type":"image/png","detail":"low"}]},
              {"role":"assistant","content":[{"type":"thought","text":"hmmm","signature":"sig"},{"type":"tool_call","id":"1","name":"get_temperature","arguments":"{\"location\":\"Tokyo\"}"}]},
              {"role":"user","content":[{"type":"tool_result","id":"1","name":"get_temperature","result":"20"},{"type":"unknown","data":{"x":1}}]}]}}
            """,
            [T("""{"system":null,"messages":[{"role":"user","content":[{"type":"text","text":"What's the weather?"},{"type":"file","Url":{"file_url":{"url":"https://example.com/cat.png","mime_type":"image/png","detail":"low","filename":null}}}]},{"role":"assistant","content":[{"type":"thought","text":"hmmm","signature":"sig"},{"type":"tool_call","id":"1","name":"get_temperature","arguments":"{\"location\":\"Tokyo\"}"}]},{"role":"user","content":[{"type":"tool_result","name":"get_temperature","result":"20","id":"1"},{"type":"unknown","data":{"x":1}}]}]}"""),
                "usage:10/1 finish:stop"], Wally()),
        new("echo_extra_info", """
            {"function_name":"extra_info","variant_name":"v",
             "extra_body":[{"pointer":"/always","value":1},{"variant_name":"v","pointer":"/for_v","delete":true},{"variant_name":"other","pointer":"/for_other","value":2},{"model_name":"dummy::echo_extra_info","pointer":"/for_model","value":3}],
             "extra_headers":[{"model_name":"dummy::echo_extra_info","provider_name":"dummy","name":"X-Model","value":"m"}]}
            """,
            [T("""{"extra_body":{"extra_body":[{"pointer":"/variant_field","value":true}],"inference_extra_body":[{"pointer":"/always","value":1},{"variant_name":"v","pointer":"/for_v","delete":true},{"model_name":"dummy::echo_extra_info","provider_name":null,"pointer":"/for_model","value":3}]},"extra_headers":{"variant_extra_headers":[{"name":"X-Variant","value":"v"}],"inference_extra_headers":[{"model_name":"dummy::echo_extra_info","provider_name":"dummy","name":"X-Model","value":"m"}]}}"""),
                "usage:10/1 finish:stop"], Wally()),
        new("echo_extra_info (nothing extra)", """{"model_name":"dummy::echo_extra_info"}""",
            [T("""{"extra_body":{"inference_extra_body":[]},"extra_headers":{"variant_extra_headers":null,"inference_extra_headers":[]}}"""), "usage:10/1 finish:stop"], Wally()),
        new("echo_injected_data", """
            {"function_name":"injected","variant_name":"v",
             "extra_body":[{"pointer":"/always","value":1},{"pointer":"/always","delete":true},{"model_name":"injected","provider_name":"dummy","pointer":"/for_provider","value":2},{"model_name":"other","pointer":"/not_here","value":3},{"pointer":"/nested/deep","value":"x"}],
             "extra_headers":[{"name":"X-Gone","delete":true},{"model_name":"injected","name":"X-Request","value":"r"}]}
            """,
            [T("""{"injected_body":{"variant_field":true,"shared":"provider","provider_field":1,"for_provider":2,"nested":{"deep":"x"}},"injected_headers":[["x-variant","v"],["x-shared","provider"],["x-provider","p"],["x-request","r"]]}"""),
                "usage:10/1 finish:stop"], Wally()),
        new("extract_images", """{"model_name":"dummy::extract_images","input":""" + FilesInput + "}", [T(FilesEcho), "usage:10/1 finish:stop"], Wally()),
        new("require_pdf", """{"model_name":"dummy::require_pdf","input":""" + FilesInput + "}", [T(FilesEcho), "usage:10/1 finish:stop"], Wally()),
        Failing("require_pdf (no PDF)", "Error from dummy client: PDF must be provided for require_pdf model", Wally(), "require_pdf"),
        Failing("error", "Error from dummy client: Error sending request to Dummy provider for model 'error'."),
        Failing("error_anything", "Error from dummy client: Error sending request to Dummy provider for model 'error_anything'."),
        Failing("error_with_raw_response", "Error 500 Internal Server Error from dummy client: Error from Dummy provider with raw response"),
        Plain("err_in_stream", [T(Megumin)],
            stream: [.. WallyChunks[..3].Select(T), "error:Error from dummy client: Dummy error in stream", .. WallyChunks[4..].Select(T), "usage:10/16 finish:stop"]),
        Plain("err_in_stream_with_raw_response", [T(Megumin)],
            stream: [.. WallyChunks[..3].Select(T), "error:Error from dummy client: Dummy error in stream with raw response", .. WallyChunks[4..].Select(T), "usage:10/16 finish:stop"]),
        Plain("fatal_stream_error", [T(Megumin)],
            stream: [.. WallyChunks[..2].Select(T), "error:Inference stream closed due to error from dummy server: Dummy fatal error"]),
        Plain("fatal_stream_error_with_raw_response", [T(Megumin)],
            stream: [.. WallyChunks[..2].Select(T), "error:Inference stream closed due to error from dummy server: Dummy fatal error with raw response"]),
        Plain("slow_second_chunk", [T(Megumin)]),
        new("slow", """{"model_name":"slow_limited"}""",
            ["502 All variants failed with errors: slow_limited: All model providers failed to infer with errors: dummy: Model provider dummy timed out due to configured `non_streaming.total_ms` timeout (300 ms)"],
            ["502 All variants failed with errors: slow_limited: All model providers failed to infer with errors: dummy: Model provider dummy timed out due to configured `streaming.ttft_ms` timeout (300 ms)"]),
        new("test_key (good key)", """{"model_name":"keyed","credentials":{"dummy_key":"good_key"}}""", [T(Megumin), "usage:10/1 finish:stop"], Wally()),
        new("test_key (wrong key)", """{"model_name":"keyed","credentials":{"dummy_key":"not_the_good_key"}}""",
            ["502 All variants failed with errors: keyed: All model providers failed to infer with errors: dummy: Error from dummy client: Invalid API key for Dummy provider"], Wally()),
        new("test_key (no key)", """{"model_name":"keyed"}""",
            ["400 All variants failed with errors: keyed: All model providers failed to infer with errors: dummy: API key missing for provider Dummy: Dynamic api key `dummy_key` is missing"], Wally()),
        Plain("test_key", [T(Megumin)]),
    ];

    public static string T(string text) => "text:" + text;

    /// <summary>The default stream: 16 text chunks, then the usage chunk.</summary>
    public static string[] Wally(string usage = "10/16") => [.. WallyChunks.Select(T), $"usage:{usage} finish:stop"];

    // A shorthand `dummy::<name>` row with the standard input; the stream is the default one unless given.
    private static DummyRow Plain(string name, string[] blocks, string finish = "stop", string? usage = null, string[]? stream = null, string? raw = null) =>
        new(name, $$"""{"model_name":"dummy::{{name}}"}""", [.. blocks, $"usage:{usage ?? $"10/{blocks.Length}"} finish:{finish}"], stream ?? Wally(), raw);

    // A shorthand row whose call fails (with the standard input); the stream fails the same way unless given.
    private static DummyRow Failing(string name, string message, string[]? stream = null, string? model = null)
    {
        var failure = Failed(model ?? name, message);
        return new(name, $$"""{"model_name":"dummy::{{model ?? name}}"}""", [failure], stream ?? [failure]);
    }

    // How a provider failure reaches a `model_name` caller: wrapped by its model and its (only) variant, as a 502.
    private static string Failed(string model, string message) =>
        $"502 All variants failed with errors: dummy::{model}: All model providers failed to infer with errors: dummy: {message}";
}
