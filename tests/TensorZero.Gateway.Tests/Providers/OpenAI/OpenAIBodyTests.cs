using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.OpenAI;
using static TensorZero.Gateway.Tests.Providers.FileFixtures;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>
/// The chat-completions body as text: written straight through for most requests, read back into a tree only when
/// <c>extra_body</c> or setting fields are merged in. Both ways must send the same bytes.
/// </summary>
public sealed class OpenAIBodyTests
{
    // Characters the default escaping rewrites (HTML-sensitive, non-ASCII, a surrogate pair) and text long enough to be
    // written in pieces, with a surrogate pair across the first piece's end.
    private static readonly string Tricky = "<b>&'\"+\\ é 😀 \u2028";
    private static readonly string Long = new string('a', 16 * 1024 - 1) + "😀" + new string('z', 20_000) + Tricky;

    private static readonly JsonObject Schema = (JsonObject)JsonNode.Parse("""{"type":"object","properties":{"réponse":{"type":"string","description":"<any>"}}}""")!;

    private static ModelRequest Rich(JsonMode jsonMode = JsonMode.Strict) => new(
        Tricky,
        [
            User(new TextBlock(Long), PngUrl with { Detail = FileDetail.High }, PdfInline, new UnknownBlock(JsonNode.Parse("""{"type":"x","v":[1,2.5,null]}"""))),
            Assistant(new ToolCallBlock("call_1", "get_weather", """{"city":"Zürich"}""")),
            User(new ToolResultBlock("call_1", "get_weather", Tricky), new TextBlock("and?")),
            Assistant(new TextBlock("a"), new UnknownBlock(null)),
        ],
        new InferenceParams(0.7, 100, 0.9, 7, 0.1, -0.2, ["\n\n", Tricky], "high", "flex", "low"),
        [],
        [],
        [OpenAIFamilyKit.Weather with { Description = Tricky }],
        new ToolChoice(ToolChoiceMode.Specific, "get_weather"),
        ParallelToolCalls: true,
        jsonMode,
        Schema)
    {
        CustomTools = [new CustomToolDefinition("sql", Tricky, new CustomToolGrammarFormat("lark", "start: /.+/"))],
    };

    private static ProviderConfig Config(params ExtraBodyItem[] extraBody) =>
        new("p", "openai", "models.m.providers.p", "m1", null, null, extraBody, [], null, new ProviderSettingsTable(new Dictionary<string, object?>()));

    public static TheoryData<string> Flavours() => ["OpenAI", "Azure", "Groq", "Mistral", "VLLM", "TGI", "OpenRouter", "XAI", "Fireworks"];

    private static OpenAIFlavour Flavour(string name) =>
        (OpenAIFlavour)typeof(OpenAIFlavours).GetField(name)!.GetValue(null)!;

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Body_ReadBackForAMerge_IsByteForByteTheWrittenBody(string name)
    {
        foreach (var (mode, stream) in new[] { (JsonMode.Strict, false), (JsonMode.On, true), (JsonMode.Tool, false) })
        {
            var flavour = Flavour(name);
            var request = Rich(mode);
            var written = OpenAIWire.Body(flavour, Config(), "m1", request, stream, "P");
            // An item whose pointer names nothing changes nothing, but sends the body through the tree.
            var merged = OpenAIWire.Body(flavour, Config(new ExtraBodyItem("", JsonValue.Create(1), Delete: false)), "m1", request, stream, "P");

            Assert.Equal(written, merged);
            Assert.Contains(@"\u003Cb\u003E\u0026\u0027\u0022\u002B\\ \u00E9 \uD83D\uDE00 \u2028", written, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Body_LongTextWrittenInPieces_ReadsBackWhole()
    {
        var body = JsonNode.Parse(OpenAIWire.Body(OpenAIFlavours.OpenAI, Config(), "m1", Rich(), stream: false, "P"))!;

        Assert.Equal(Long, body["messages"]![1]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(Tricky, body["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Body_Merges_VariantThenSettingsThenProviderThenRequest()
    {
        var request = OpenAIFamilyKit.Hello with
        {
            ExtraBody = [Item("/a", 1), Item("/b", 1), Item("/temperature", 1)],
            InferenceExtraBody = [Item("/d", 4)],
        };
        var settings = new JsonObject { ["a"] = 2, ["c"] = 2 };

        var body = OpenAIWire.Body(OpenAIFlavours.OpenAI, Config(Item("/c", 3), Item("/d", 3)), "m1", request, stream: false, "P", settings);

        Assert.Equal(
            """{"model":"m1","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"}],"temperature":1,"max_completion_tokens":100,"seed":7,"stream":false,"a":2,"b":1,"c":3,"d":4}""",
            body);
    }

    [Fact]
    public void Body_DeepSchemaWithAMerge_IsSent()
    {
        JsonNode deep = new JsonObject { ["type"] = "string" };
        for (var i = 0; i < 100; i++)
        {
            deep = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["x"] = deep } };
        }
        var request = Rich() with { OutputSchema = (JsonObject)deep };

        var written = OpenAIWire.Body(OpenAIFlavours.OpenAI, Config(), "m1", request, stream: false, "P");
        var merged = OpenAIWire.Body(OpenAIFlavours.OpenAI, Config(Item("/x", 1)), "m1", request, stream: false, "P");

        Assert.Equal(written[..^1] + ",\"x\":1}", merged);
    }

    private static ExtraBodyItem Item(string pointer, int value) => new(pointer, JsonValue.Create(value), Delete: false);
}
