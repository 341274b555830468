using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Store;

namespace TensorZero.Gateway.Tests.Inference.Variants;

/// <summary>
/// An answer of a best-of-N or mixture-of-N variant is stored like any other, streamed or not: under the variant's name,
/// with the answer given, and one model-inference row per call whose usages sum to the answer's (SQLite).
/// </summary>
public sealed class CandidateStoreTests
{
    private static string Config(TestDatabase database) => database.ObservabilityToml + """
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

        [functions.chat.variants.best]
        type = "experimental_best_of_n_sampling"
        candidates = ["good", "alternate"]
        [functions.chat.variants.best.evaluator]
        model = "dummy::best_of_n_1"

        [functions.chat.variants.fused]
        type = "experimental_mixture_of_n"
        weight = 0
        candidates = ["good", "alternate"]
        [functions.chat.variants.fused.fuser]
        model = "dummy::good"
        """;

    [Fact]
    public async Task Store_BestOfNAnswerAndMixtureOfNStream_AreRecordedWithTheAnswerGivenAndSummedUsage()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        using var gateway = new GatewayFactory(Config(database), database.Environment());
        var client = gateway.CreateClient();

        var (status, body, raw) = await client.PostInferenceAsync(new { function_name = "chat", variant_name = "best", input = GatewayClient.UserMessage("Hi") });
        Assert.True(status == HttpStatusCode.OK, raw);
        using var stream = await client.PostAsJsonAsync("/inference", new { function_name = "chat", variant_name = "fused", stream = true, input = GatewayClient.UserMessage("Hi") });
        var events = await stream.Content.ReadAsStringAsync();
        var streamId = JsonNode.Parse(events.Split('\n').First(l => l.StartsWith("data: {", StringComparison.Ordinal))[6..])!["inference_id"]!.GetValue<string>();

        var best = await WaitForInferenceAsync(client, body["inference_id"]!.GetValue<string>());
        Assert.Equal("best", best["variant_name"]!.GetValue<string>());
        Assert.Contains(DummyProvider.AlternateText, best["output"]!.ToJsonString(), StringComparison.Ordinal);
        // One row per model call (both candidates and the evaluator), each with its own usage: together the answer's.
        var bestModels = best["model_inferences"]!.AsArray();
        Assert.Equal(["dummy::alternate", "dummy::best_of_n_1", "dummy::good"], bestModels.Select(m => m!["model_name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(30, bestModels.Sum(m => m!["input_tokens"]!.GetValue<long>()));
        Assert.All(bestModels, m => Assert.Equal(10, m!["input_tokens"]!.GetValue<long>()));

        var fused = await WaitForInferenceAsync(client, streamId);
        Assert.Equal("fused", fused["variant_name"]!.GetValue<string>());
        Assert.Contains(DummyProvider.StreamedText, fused["output"]!.ToJsonString(), StringComparison.Ordinal);
        var fusedModels = fused["model_inferences"]!.AsArray();
        Assert.Equal(3, fusedModels.Count);
        Assert.All(fusedModels, m => Assert.Equal(10, m!["input_tokens"]!.GetValue<long>()));
    }

    private static async Task<JsonObject> WaitForInferenceAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var response = await client.GetAsync($"/inferences/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"inference {id} was not stored within 20 s");
    }
}
