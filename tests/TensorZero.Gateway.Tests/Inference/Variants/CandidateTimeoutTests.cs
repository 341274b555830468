using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// Timeouts of best-of-N and mixture-of-N variants: the variant's own <c>timeouts</c> bound everything it runs, a
/// candidate's bound that candidate, the evaluator's and fuser's are their models' <c>timeouts</c>, and the deprecated
/// <c>timeout_s</c> becomes each candidate's. The dummy <c>slow</c> model takes 5 s; every limit here is far below.
/// </summary>
public sealed class CandidateTimeoutTests(CandidateTimeoutTests.Gateway gateway) : IClassFixture<CandidateTimeoutTests.Gateway>
{
    private static readonly string[] EitherAnswer = [DummyProvider.DefaultText, DummyProvider.AlternateText];

    private readonly HttpClient _client = gateway.CreateClient();

    public sealed class Gateway() : GatewayFactory("""
        [models.slow_judge]
        routing = ["dummy"]
        timeouts = { non_streaming.total_ms = 200, streaming.ttft_ms = 200 }
        [models.slow_judge.providers.dummy]
        type = "dummy"
        model_name = "slow"

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

        [functions.chat.variants.slow]
        type = "chat_completion"
        model = "dummy::slow"
        weight = 0

        [functions.chat.variants.slow_limited]
        type = "chat_completion"
        model = "dummy::slow"
        weight = 0
        timeouts = { non_streaming.total_ms = 200 }

        [functions.chat.variants.slow_legacy]
        type = "chat_completion"
        model = "dummy::slow"
        weight = 0

        [functions.chat.variants.bounded]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "slow"]
        timeouts = { non_streaming.total_ms = 300, streaming.ttft_ms = 300 }
        [functions.chat.variants.bounded.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.bounded_mixture]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "slow"]
        timeouts = { non_streaming.total_ms = 300, streaming.total_ms = 300 }
        [functions.chat.variants.bounded_mixture.fuser]
        model = "dummy::good"

        [functions.chat.variants.candidate_timeout]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["slow_limited", "good"]
        [functions.chat.variants.candidate_timeout.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.slow_evaluator]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.slow_evaluator.evaluator]
        model = "slow_judge"

        [functions.chat.variants.slow_fuser]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.slow_fuser.fuser]
        model = "slow_judge"

        [functions.chat.variants.legacy]
        type = "experimental_best_of_n_sampling"
        weight = 0
        timeout_s = 0.2
        candidates = ["slow_legacy", "good"]
        [functions.chat.variants.legacy.evaluator]
        model = "dummy::best_of_n_0"
        """);

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Infer(string variant) =>
        _client.PostInferenceAsync(new { function_name = "chat", variant_name = variant, input = GatewayClient.UserMessage("Hi") });

    private Task<(HttpStatusCode Status, string? ContentType, List<string> Events, string Raw)> Stream(string variant) =>
        _client.PostStreamAsync("/inference", new { function_name = "chat", variant_name = variant, stream = true, input = GatewayClient.UserMessage("Hi") });

    [Theory]
    [InlineData("bounded")]
    [InlineData("bounded_mixture")]
    public async Task Inference_VariantTimeout_BoundsItsCandidates(string variant)
    {
        var (status, body, _) = await Infer(variant);

        Assert.Equal(HttpStatusCode.RequestTimeout, status);
        Assert.Equal($"Variant `{variant}` timed out due to configured `non_streaming.total_ms` timeout (300 ms)", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("bounded", "streaming.ttft_ms")]
    [InlineData("bounded_mixture", "streaming.total_ms")]
    public async Task Stream_VariantTimeout_BoundsTheFirstChunk(string variant, string setting)
    {
        var (status, _, _, raw) = await Stream(variant);

        Assert.Equal(HttpStatusCode.RequestTimeout, status);
        Assert.Contains($"Variant `{variant}` timed out due to configured `{setting}` timeout (300 ms)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_CandidateTimesOut_TheOthersAnswer()
    {
        var (status, body, raw) = await Infer("candidate_timeout");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.DefaultText, body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(10, body["usage"]!["input_tokens"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("slow_evaluator", "Best-of-N variant \"slow_evaluator\"")]
    [InlineData("slow_fuser", "Mixture-of-N variant \"slow_fuser\"")]
    public async Task Inference_EvaluatorOrFuserModelTimesOut_RandomCandidateAnswers(string variant, string logged)
    {
        var (status, body, raw) = await Infer(variant);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains(body["content"]![0]!["text"]!.GetValue<string>(), EitherAnswer);
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith(logged, StringComparison.Ordinal) && l.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_FuserModelTimesOut_RandomCandidateIsSentWhole()
    {
        var (status, _, events, raw) = await Stream("slow_fuser");

        Assert.True(status == HttpStatusCode.OK, raw);
        var chunks = events.Json();
        Assert.Contains(chunks[0]["content"]![0]!["text"]!.GetValue<string>(), EitherAnswer);
        // Both candidates' usage; the stream and the gateway's log name what happened if not.
        var usage = chunks[^1]["usage"]!["input_tokens"]!.GetValue<long>();
        Assert.True(usage == 20, $"input_tokens {usage}\n{raw}\n{gateway.Logs.All}");
    }

    [Fact]
    public async Task Inference_DeprecatedTimeoutS_BoundsEachCandidate()
    {
        var (status, body, raw) = await Infer("legacy");

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal(DummyProvider.DefaultText, body["content"]![0]!["text"]!.GetValue<string>());

        // As in TensorZero, the candidate keeps the timeout when it runs on its own too.
        var (alone, error, _) = await Infer("slow_legacy");
        Assert.Equal(HttpStatusCode.RequestTimeout, alone);
        Assert.Equal("Variant `slow_legacy` timed out due to configured `non_streaming.total_ms` timeout (200 ms)", error["error"]!.GetValue<string>());
    }
}
