using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// <c>experimental_best_of_n_sampling</c> through both inference endpoints, streamed and not, with the dummy provider's
/// judges (<c>best_of_n_0</c>/<c>_1</c> answer index 0/1, <c>best_of_n_big</c> index 100). Every dummy call reports 10
/// input tokens and one output token per content block, so usage shows which calls were counted.
/// </summary>
public sealed class BestOfNSamplingTests(BestOfNSamplingTests.Gateway gateway) : IClassFixture<BestOfNSamplingTests.Gateway>
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

        [functions.chat.variants.best]
        type = "experimental_best_of_n_sampling"
        weight = 1
        candidates = ["good", "alternate"]
        [functions.chat.variants.best.evaluator]
        model = "dummy::best_of_n_1"

        [functions.chat.variants.first]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.first.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.out_of_bounds]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.out_of_bounds.evaluator]
        model = "dummy::best_of_n_big"

        [functions.chat.variants.broken_judge]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.broken_judge.evaluator]
        model = "dummy::error"

        [functions.chat.variants.one_survivor]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["failing", "alternate", "failing"]
        [functions.chat.variants.one_survivor.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.none_survive]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["failing", "failing"]
        [functions.chat.variants.none_survive.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.nested]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["best", "good"]
        [functions.chat.variants.nested.evaluator]
        model = "dummy::best_of_n_0"

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

        [functions.extract.variants.best]
        type = "experimental_best_of_n_sampling"
        weight = 1
        candidates = ["hello", "goodbye"]
        [functions.extract.variants.best.evaluator]
        model = "dummy::best_of_n_1"
        """);

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(string variant, string function = "chat", bool original = false) =>
        _client.PostInferenceAsync(new
        {
            function_name = function,
            variant_name = variant,
            include_original_response = original,
            input = GatewayClient.UserMessage("Pick one"),
        });

    private static string Text(JsonObject body) => body["content"]![0]!["text"]!.GetValue<string>();

    private static (long? Input, long? Output) Usage(JsonNode usage) =>
        (usage["input_tokens"]?.GetValue<long>(), usage["output_tokens"]?.GetValue<long>());

    [Fact]
    public async Task Inference_EvaluatorPicksIndexOne_AnswersWithThatCandidateAndCountsEveryCall()
    {
        var (status, body, raw) = await Infer("best", original: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.AlternateText, Text(body));
        Assert.Equal("best", body["variant_name"]!.GetValue<string>());
        // Two candidates and the evaluator.
        Assert.Equal((30L, 3L), Usage(body["usage"]!));
        // `original_response` is the evaluator's answer, as in TensorZero.
        Assert.Equal("""{"thinking": "hmmm", "answer_choice": 1}""", body["original_response"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_EvaluatorPicksIndexZero_AnswersWithTheFirstCandidate()
    {
        var (status, body, raw) = await Infer("first");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.DefaultText, Text(body));
    }

    [Fact]
    public async Task Inference_JsonFunction_EvaluatorChoosesAmongParsedOutputs()
    {
        var (status, body, raw) = await Infer("best", function: "extract");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("""{"answer":"Goodbye"}""", body["output"]!["raw"]!.GetValue<string>());
        Assert.Equal("Goodbye", body["output"]!["parsed"]!["answer"]!.GetValue<string>());
        Assert.Equal((30L, 3L), Usage(body["usage"]!));
    }

    [Fact]
    public async Task Inference_EvaluatorIndexOutOfBounds_RandomCandidateAnswersAndTheEvaluatorStillCounts()
    {
        var (status, body, raw) = await Infer("out_of_bounds", original: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains(Text(body), EitherAnswer);
        Assert.Equal((30L, 3L), Usage(body["usage"]!));
        Assert.Equal("""{"thinking": "hmmm", "answer_choice": 100}""", body["original_response"]!.GetValue<string>());
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Best-of-N variant \"out_of_bounds\": \"The index chosen by the evaluator is out of bounds: 100 >= 2\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_EvaluatorFails_RandomCandidateAnswersWithoutOriginalResponse()
    {
        var (status, body, raw) = await Infer("broken_judge", original: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains(Text(body), EitherAnswer);
        // Only the two candidates answered.
        Assert.Equal((20L, 2L), Usage(body["usage"]!));
        Assert.False(body.ContainsKey("original_response"));
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Best-of-N variant \"broken_judge\": \"All model providers failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_OneCandidateSurvives_AnswersWithItWithoutAskingTheEvaluator()
    {
        var (status, body, raw) = await Infer("one_survivor", original: true);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.AlternateText, Text(body));
        Assert.Equal((10L, 1L), Usage(body["usage"]!));
        Assert.Equal(DummyResponses.DefaultRawResponse, body["original_response"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_EveryCandidateFails_Is502ListingEachCandidate()
    {
        var (status, body, _) = await Infer("none_survive");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = body["error"]!.GetValue<string>();
        Assert.StartsWith("All candidates failed with errors: candidates[0] (failing): ", message, StringComparison.Ordinal);
        Assert.Contains("\ncandidates[1] (failing): ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_CandidateIsItselfBestOfN_RunsItAndSumsItsUsage()
    {
        var (status, body, raw) = await Infer("nested");

        Assert.True(status == HttpStatusCode.OK, raw);
        // The nested variant answers first (index 0): its own three calls, `good`, and this evaluator.
        Assert.Equal(DummyProvider.AlternateText, Text(body));
        Assert.Equal((50L, 5L), Usage(body["usage"]!));
    }

    [Fact]
    public async Task Inference_Sampled_BestOfNVariantAnswers()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(new { function_name = "chat", input = GatewayClient.UserMessage("Pick one") });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("best", body["variant_name"]!.GetValue<string>());
        Assert.Equal(DummyProvider.AlternateText, Text(body));
    }

    [Fact]
    public async Task Stream_ChosenAnswer_ArrivesWholeThenUsageOfEveryCall()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "chat",
            variant_name = "best",
            stream = true,
            input = GatewayClient.UserMessage("Pick one"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Json();
        Assert.Equal(2, chunks.Count);
        var content = Assert.Single(chunks[0]["content"]!.AsArray())!;
        Assert.Equal("text", content["type"]!.GetValue<string>());
        Assert.Equal("0", content["id"]!.GetValue<string>());
        Assert.Equal(DummyProvider.AlternateText, content["text"]!.GetValue<string>());
        Assert.Empty(chunks[1]["content"]!.AsArray());
        Assert.Equal((30L, 3L), Usage(chunks[1]["usage"]!));
        Assert.Equal("stop", chunks[1]["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_JsonFunction_SendsTheChosenRawOutput()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/inference", new
        {
            function_name = "extract",
            variant_name = "best",
            stream = true,
            input = GatewayClient.UserMessage("Pick one"),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        Assert.Equal("""{"answer":"Goodbye"}""", string.Concat(chunks.Select(c => c["raw"]!.GetValue<string>())));
        Assert.Equal((30L, 3L), Usage(chunks[^1]["usage"]!));
    }

    [Fact]
    public async Task OpenAIChat_BestOfN_AnswersWithTheChosenCandidateAndSummedUsage()
    {
        var (status, body, raw) = await _client.PostInferenceAsyncAt("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["tensorzero::variant_name"] = "best",
            ["messages"] = new[] { new { role = "user", content = "Pick one" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.AlternateText, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal(30, body["usage"]!["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(3, body["usage"]!["completion_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task OpenAIChatStream_BestOfN_StreamsTheChosenCandidateAndSummedUsage()
    {
        var (status, _, events, raw) = await _client.PostStreamAsync("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["tensorzero::variant_name"] = "best",
            ["stream"] = true,
            ["stream_options"] = new { include_usage = true },
            ["messages"] = new[] { new { role = "user", content = "Pick one" } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        var text = string.Concat(chunks.Select(c => c["choices"]!.AsArray().FirstOrDefault()?["delta"]?["content"]?.GetValue<string>()));
        Assert.Equal(DummyProvider.AlternateText, text);
        var usage = chunks.Select(c => c["usage"]).Last(u => u is not null)!;
        Assert.Equal(30, usage["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(3, usage["completion_tokens"]!.GetValue<long>());
    }
}
