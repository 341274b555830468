using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// Raw data of variants that call several models, as TensorZero reports it: every model inference of a best-of-N or
/// mixture-of-N answer (the answering call first, then the other candidates and the evaluator), failed candidates and a
/// failed evaluator with the answer's failed attempts, and in a stream the other calls' raw usage and raw responses in
/// chunks ahead of the answer.
/// </summary>
public sealed class VariantRawResponseTests(VariantRawResponseTests.Gateway gateway) : IClassFixture<VariantRawResponseTests.Gateway>
{
    private static readonly string JudgeRaw = DummyResponses.RawResponse("best_of_n_0");

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
        model = "dummy::error_with_raw_response"
        weight = 0

        [functions.chat.variants.best]
        type = "experimental_best_of_n_sampling"
        weight = 1
        candidates = ["good", "alternate"]
        [functions.chat.variants.best.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.survivor]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["failing", "good"]
        [functions.chat.variants.survivor.evaluator]
        model = "dummy::best_of_n_0"

        [functions.chat.variants.broken_judge]
        type = "experimental_best_of_n_sampling"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.broken_judge.evaluator]
        model = "dummy::error_with_raw_response"

        [functions.chat.variants.fused]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.fused.fuser]
        model = "dummy::good"
        """);

    private static object Body(string variant, bool stream = false) => new
    {
        function_name = "chat",
        variant_name = variant,
        input = GatewayClient.UserMessage("Pick one"),
        include_raw_response = true,
        include_raw_usage = true,
        stream,
    };

    private static List<(bool HasId, string Data)> Entries(JsonNode? array) =>
        array!.AsArray().Select(e => (e!.AsObject().ContainsKey("model_inference_id"), e["data"]!.GetValue<string>())).ToList();

    [Fact]
    public async Task BestOfN_ReportsTheChosenCandidateThenTheOtherThenTheEvaluator()
    {
        var (status, body, raw) = await _client.PostInferenceAsync(Body("best"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            [(true, DummyResponses.DefaultRawResponse), (true, DummyResponses.DefaultRawResponse), (true, JudgeRaw)],
            Entries(body["raw_response"]));
        var usage = body["raw_usage"]!.AsArray();
        Assert.Equal(3, usage.Count);
        Assert.Equal(3, usage.Select(u => u!["model_inference_id"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(
            body["raw_response"]!.AsArray().Select(e => e!["model_inference_id"]!.GetValue<string>()),
            usage.Select(u => u!["model_inference_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task BestOfN_FailedCandidate_ComesFirstWithoutId()
    {
        var (status, body, _) = await _client.PostInferenceAsync(Body("survivor"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([(false, "dummy error raw response"), (true, DummyResponses.DefaultRawResponse)], Entries(body["raw_response"]));
    }

    [Fact]
    public async Task BestOfN_FailedEvaluator_IsReportedWithTheAnswersFailures()
    {
        var (status, body, _) = await _client.PostInferenceAsync(Body("broken_judge"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            [(false, "dummy error raw response"), (true, DummyResponses.DefaultRawResponse), (true, DummyResponses.DefaultRawResponse)],
            Entries(body["raw_response"]));
    }

    [Fact]
    public async Task MixtureOfN_ReportsTheFuserThenTheCandidates()
    {
        var (_, body, _) = await _client.PostInferenceAsync(Body("fused"));

        Assert.Equal(3, Entries(body["raw_response"]).Count(e => e == (true, DummyResponses.DefaultRawResponse)));
        Assert.Equal(3, body["raw_usage"]!.AsArray().Count);
    }

    [Fact]
    public async Task BestOfNStream_SendsTheOtherCallsRawUsageAndResponsesAheadOfTheAnswer()
    {
        var (status, _, events, _) = await _client.PostStreamAsync("/inference", Body("best", stream: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var chunks = events.Json();
        Assert.Equal(2, chunks[0]["raw_usage"]!.AsArray().Count);
        Assert.Empty(chunks[0]["content"]!.AsArray());
        Assert.Equal([(true, DummyResponses.DefaultRawResponse), (true, JudgeRaw)], Entries(chunks[1]["raw_response"]));
        Assert.NotEmpty(chunks[2]["content"]!.AsArray());
    }

    [Fact]
    public async Task MixtureOfNStream_SendsTheCandidatesAheadAndTheFusersRawChunks()
    {
        var (_, _, events, _) = await _client.PostStreamAsync("/inference", Body("fused", stream: true));

        var chunks = events.Json();
        Assert.Equal(2, chunks[0]["raw_usage"]!.AsArray().Count);
        Assert.Equal(2, Entries(chunks[1]["raw_response"]).Count);
        var fuser = chunks.Skip(2).ToList();
        Assert.Equal(DummyResponses.StreamedText, fuser.Where(c => c["content"]!.AsArray().Count > 0).Select(c => c["raw_chunk"]!.GetValue<string>()));
        Assert.Single(fuser[^1]["raw_usage"]!.AsArray());
    }

    [Fact]
    public async Task ChatCompletions_BestOfN_ReportsEveryModelInference()
    {
        var (status, body, _) = await _client.PostChatAsync("""
            {"model":"tensorzero::function_name::chat","tensorzero::variant_name":"best","messages":[{"role":"user","content":"Pick one"}],
             "tensorzero::include_raw_response":true,"tensorzero::include_raw_usage":true}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body["tensorzero_raw_response"]!.AsArray().Count);
        Assert.Equal(3, body["tensorzero_raw_usage"]!.AsArray().Count);
    }
}
