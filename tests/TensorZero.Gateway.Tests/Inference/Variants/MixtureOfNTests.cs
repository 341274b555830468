using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// <c>experimental_mixture_of_n</c> through both inference endpoints, streamed and not. A fuser on the dummy's
/// <c>echo_request_messages</c> model answers with the prompt it was sent, which shows TensorZero's fuser prompt.
/// </summary>
public sealed class MixtureOfNTests(MixtureOfNTests.Gateway gateway) : IClassFixture<MixtureOfNTests.Gateway>
{
    private static readonly string[] EitherAnswer = [DummyProvider.DefaultText, DummyProvider.AlternateText];

    private readonly HttpClient _client = gateway.CreateClient();

    public sealed class Gateway() : GatewayFactory("""
        [functions.chat]
        type = "chat"

        [functions.chat.variants.good]
        type = "chat_completion"
        model = "dummy::good"
        weight = 0

        [functions.chat.variants.alternate]
        type = "chat_completion"
        model = "dummy::alternate"
        weight = 0

        [functions.chat.variants.failing]
        type = "chat_completion"
        model = "dummy::error"
        weight = 0

        [functions.chat.variants.fused]
        type = "experimental_mixture_of_n"
        weight = 1
        candidates = ["good", "alternate"]
        [functions.chat.variants.fused.fuser]
        model = "dummy::good"

        [functions.chat.variants.echoed]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.echoed.fuser]
        model = "dummy::echo_request_messages"
        system_template = "fuser_system.minijinja"

        [functions.chat.variants.broken_fuser]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.broken_fuser.fuser]
        model = "dummy::error"

        [functions.chat.variants.one_survivor]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["failing", "alternate"]
        [functions.chat.variants.one_survivor.fuser]
        model = "dummy::good"

        [functions.extract]
        type = "json"

        [functions.extract.variants.hello]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"
        weight = 0

        [functions.extract.variants.goodbye]
        type = "chat_completion"
        model = "dummy::json_goodbye"
        json_mode = "strict"
        weight = 0

        [functions.extract.variants.fused]
        type = "experimental_mixture_of_n"
        weight = 1
        candidates = ["hello", "goodbye"]
        [functions.extract.variants.fused.fuser]
        model = "dummy::json_beatles_1"
        json_mode = "strict"
        """, files: new Dictionary<string, string> { ["fuser_system.minijinja"] = "You are {{ system_text }}." });

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(string variant, string function = "chat", string? system = null) =>
        _client.PostInferenceAsync(new
        {
            function_name = function,
            variant_name = variant,
            include_original_response = true,
            input = new { system, messages = new[] { new { role = "user", content = "Fuse them" } } },
        });

    private static string Text(JsonObject body) => body["content"]![0]!["text"]!.GetValue<string>();

    private static (long? Input, long? Output) Usage(JsonNode usage) =>
        (usage["input_tokens"]?.GetValue<long>(), usage["output_tokens"]?.GetValue<long>());

    [Fact]
    public async Task Inference_Fuser_AnswersAndUsageCountsItAndEveryCandidate()
    {
        var (status, body, raw) = await Infer("fused");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.DefaultText, Text(body));
        Assert.Equal((30L, 3L), Usage(body["usage"]!));
        Assert.Equal(DummyResponses.DefaultRawResponse, body["original_response"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_FuserPrompt_IsTensorZerosWrappingOfItsOwnSystemPromptAndTheCandidates()
    {
        var (status, body, raw) = await Infer("echoed", system: "a careful editor");

        Assert.True(status == HttpStatusCode.OK, raw);
        var prompt = JsonNode.Parse(Text(body))!;
        Assert.Equal(
            "You have been provided with a set of responses from various models to the following problem:\n------\n" +
            "You are a careful editor.\n------\nYour task is to synthesize these responses into a single, high-quality response. It is crucial to " +
            "critically evaluate the information provided in these responses, recognizing that some of it may be biased or incorrect. Your " +
            "response should not simply replicate the given answers but should offer a refined, accurate, and comprehensive reply to the " +
            "instruction and take the best from all the responses. Ensure your response is well-structured, coherent, and adheres to the " +
            "highest standards of accuracy and reliability.  Below will be: first, any messages leading up to this point, and then, a final " +
            "message containing the set of candidate responses.",
            prompt["system"]!.GetValue<string>());
        var messages = prompt["messages"]!.AsArray();
        Assert.Equal(2, messages.Count);
        Assert.Equal("Fuse them", messages[0]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(
            "Here are the candidate answers (with the index and a row of ------ separating):\n" +
            $"0:\n[{{\"type\":\"text\",\"text\":\"{DummyProvider.DefaultText}\"}}]\n------\n" +
            $"1:\n[{{\"type\":\"text\",\"text\":\"{DummyProvider.AlternateText}\"}}]\n------",
            messages[1]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("user", messages[1]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_FuserFails_RandomCandidateAnswersWithoutOriginalResponse()
    {
        var (status, body, raw) = await Infer("broken_fuser");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains(Text(body), EitherAnswer);
        Assert.Equal((20L, 2L), Usage(body["usage"]!));
        Assert.False(body.ContainsKey("original_response"));
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Mixture-of-N variant \"broken_fuser\": the fuser failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_OneCandidateSurvives_AnswersWithItWithoutTheFuser()
    {
        var (status, body, raw) = await Infer("one_survivor");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.AlternateText, Text(body));
        Assert.Equal((10L, 1L), Usage(body["usage"]!));
    }

    [Fact]
    public async Task Inference_JsonFunction_FuserWritesTheOutput()
    {
        var (status, body, raw) = await Infer("fused", function: "extract");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"names":["John", "George"]}""", body["output"]!["raw"]!.GetValue<string>());
        Assert.Equal("George", body["output"]!["parsed"]!["names"]![1]!.GetValue<string>());
        Assert.Equal((30L, 3L), Usage(body["usage"]!));
    }

    [Fact]
    public async Task Stream_Fuser_StreamsItsAnswerWithTheCandidatesUsageAdded()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            variant_name = "fused",
            stream = true,
            input = GatewayClient.UserMessage("Fuse them"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Json();
        Assert.Equal(DummyProvider.StreamedPieces + 1, chunks.Count);
        Assert.Equal(DummyProvider.StreamedText, string.Concat(chunks.SelectMany(c => c["content"]!.AsArray()).Select(b => b!["text"]!.GetValue<string>())));
        // The fuser's stream reports 10 in, 16 out; the two candidates 10 in, 1 out each.
        Assert.Equal((30L, 18L), Usage(Assert.Single(chunks, c => c.ContainsKey("usage"))["usage"]!));
    }

    [Fact]
    public async Task Stream_FuserFails_SendsARandomCandidateWhole()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            variant_name = "broken_fuser",
            stream = true,
            input = GatewayClient.UserMessage("Fuse them"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        Assert.Equal(2, chunks.Count);
        Assert.Contains(chunks[0]["content"]![0]!["text"]!.GetValue<string>(), EitherAnswer);
        Assert.Equal((20L, 2L), Usage(chunks[1]["usage"]!));
    }

    [Fact]
    public async Task OpenAIChat_MixtureOfN_AnswersWithTheFusedText()
    {
        var (status, body, raw) = await _client.PostInferenceAsyncAt("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["tensorzero::variant_name"] = "fused",
            ["messages"] = new[] { new { role = "user", content = "Fuse them" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.DefaultText, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(30, body["usage"]!["prompt_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task OpenAIChatStream_MixtureOfN_StreamsTheFuserWithSummedUsage()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["tensorzero::variant_name"] = "fused",
            ["stream"] = true,
            ["stream_options"] = new { include_usage = true },
            ["messages"] = new[] { new { role = "user", content = "Fuse them" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        var text = string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()));
        Assert.Equal(DummyProvider.StreamedText, text);
        var usage = chunks.Select(c => c["usage"]).Last(u => u is not null)!;
        Assert.Equal(30, usage["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(18, usage["completion_tokens"]!.GetValue<long>());
    }
}
