using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Dummy;

/// <summary>
/// Every model name of TensorZero's dummy provider, called through <c>/inference</c> whole and streamed, answers what
/// TensorZero's answers: texts, tool calls, thoughts, token counts, chunk boundaries and failures
/// (<see cref="DummyParityRows"/>). Names with state (<c>flaky_*</c>, <c>random_answer</c>) have their own tests.
/// </summary>
public sealed class DummyParityTests(DummyParityTests.ParityGateway gateway) : IClassFixture<DummyParityTests.ParityGateway>
{
    private readonly HttpClient _client = gateway.CreateClient();

    public sealed class ParityGateway() : GatewayFactory("""
        [models.slow_limited]
        routing = ["dummy"]
        [models.slow_limited.providers.dummy]
        type = "dummy"
        model_name = "slow"
        timeouts = { non_streaming = { total_ms = 300 }, streaming = { ttft_ms = 300 } }

        [models.keyed]
        routing = ["dummy"]
        [models.keyed.providers.dummy]
        type = "dummy"
        model_name = "test_key"
        api_key_location = "dynamic::dummy_key"

        [models.injected]
        routing = ["dummy"]
        [models.injected.providers.dummy]
        type = "dummy"
        model_name = "echo_injected_data"
        extra_body = [{ pointer = "/provider_field", value = 1 }, { pointer = "/shared", value = "provider" }]
        extra_headers = [{ name = "X-Provider", value = "p" }, { name = "X-Shared", value = "provider" }]

        [functions.extra_info]
        type = "chat"
        [functions.extra_info.variants.v]
        type = "chat_completion"
        model = "dummy::echo_extra_info"
        extra_body = [{ pointer = "/variant_field", value = true }]
        extra_headers = [{ name = "X-Variant", value = "v" }]

        [functions.injected]
        type = "chat"
        [functions.injected.variants.v]
        type = "chat_completion"
        model = "injected"
        extra_body = [{ pointer = "/variant_field", value = true }, { pointer = "/shared", value = "variant" }]
        extra_headers = [{ name = "X-Variant", value = "v" }, { name = "X-Shared", value = "variant" }, { name = "X-Gone", value = "gone" }]
        """);

    public static TheoryData<string> Names => [.. DummyParityRows.All.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Infer_EachDummyModelName_AnswersAsTensorZero(string name)
    {
        var row = DummyParityRows.All.Single(r => r.Name == name);

        var (summary, body) = await InferAsync(row.Request);

        Assert.Equal(row.Answer, summary);
        if (row.Raw is not null)
        {
            Assert.Equal(row.Raw, body["original_response"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Stream_EachDummyModelName_StreamsAsTensorZero(string name)
    {
        var row = DummyParityRows.All.Single(r => r.Name == name);

        Assert.Equal(row.Stream, await StreamAsync(row.Request));
    }

    [Fact]
    public async Task Infer_FlakyModel_FailsEveryEvenCallStreamedOrNot()
    {
        // One counter per name, shared by whole and streamed calls.
        var calls = new List<string[]>
        {
            (await InferAsync("""{"model_name":"dummy::flaky_parity"}""")).Summary,
            (await InferAsync("""{"model_name":"dummy::flaky_parity"}""")).Summary,
            await StreamAsync("""{"model_name":"dummy::flaky_parity"}"""),
            await StreamAsync("""{"model_name":"dummy::flaky_parity"}"""),
        };

        var failure = "502 All variants failed with errors: dummy::flaky_parity: All model providers failed to infer with errors: dummy: "
            + "Error from dummy client: Flaky model 'flaky_parity' failed on call number {0}";
        Assert.Equal([DummyParityRows.T(DummyParityRows.Megumin), "usage:10/1 finish:stop"], calls[0]);
        Assert.Equal([string.Format(null, failure, 2)], calls[1]);
        Assert.Equal(DummyParityRows.Wally(), calls[2]);
        Assert.Equal([string.Format(null, failure, 4)], calls[3]);
    }

    [Fact]
    public async Task Infer_FlakyRateLimitModel_FailsWithTensorZerosRateLimitErrorAs429()
    {
        var first = await InferAsync("""{"model_name":"dummy::flaky_rate_limit_parity"}""");
        var second = await InferAsync("""{"model_name":"dummy::flaky_rate_limit_parity"}""");
        await InferAsync("""{"model_name":"dummy::flaky_rate_limit_parity"}""");
        var streamed = await StreamAsync("""{"model_name":"dummy::flaky_rate_limit_parity"}""");

        Assert.Equal([DummyParityRows.T(DummyParityRows.Megumin), "usage:10/1 finish:stop"], first.Summary);
        Assert.Equal(["429 All variants failed with errors: dummy::flaky_rate_limit_parity: All model providers failed to infer with errors: dummy: "
            + "TensorZero rate limit exceeded for `token` resource.\nScope: tag_key=\"test\", tag_value=\"tensorzero::total\"\nRequested: 100\nAvailable: 0"], second.Summary);
        // A stream's flaky failure is a plain client error, whatever the name.
        Assert.Equal(["502 All variants failed with errors: dummy::flaky_rate_limit_parity: All model providers failed to infer with errors: dummy: "
            + "Error from dummy client: Flaky model 'flaky_rate_limit_parity' failed on call number 4"], streamed);
    }

    [Theory]
    [InlineData("flaky_raw_response_parity")]
    [InlineData("flaky_best_of_n_judge")]
    public async Task Infer_OtherFlakyNames_AnswerThenFailOnTheSecondCall(string model)
    {
        var request = $$"""{"model_name":"dummy::{{model}}"}""";

        var first = await InferAsync(request);
        var second = await InferAsync(request);

        var text = model == "flaky_best_of_n_judge" ? """{"thinking": "hmmm", "answer_choice": 0}""" : DummyParityRows.Megumin;
        Assert.Equal([DummyParityRows.T(text), "usage:10/1 finish:stop"], first.Summary);
        Assert.Equal([$"502 All variants failed with errors: dummy::{model}: All model providers failed to infer with errors: dummy: "
            + $"Error from dummy client: Flaky model '{model}' failed on call number 2"], second.Summary);
    }

    [Fact]
    public async Task Infer_RandomAnswer_IsAFreshUuidV7EachCallAndStreamsTheDefault()
    {
        var first = await InferAsync("""{"model_name":"dummy::random_answer"}""");
        var second = await InferAsync("""{"model_name":"dummy::random_answer"}""");

        var answers = new[] { first, second }.Select(a => JsonNode.Parse(a.Summary[0]["text:".Length..])!["answer"]!.GetValue<string>()).ToList();
        Assert.All(answers, a => Assert.Equal(7, Guid.Parse(a).Version));
        Assert.NotEqual(answers[0], answers[1]);
        Assert.Equal("usage:10/1 finish:stop", first.Summary[1]);
        Assert.Equal(DummyParityRows.Wally(), await StreamAsync("""{"model_name":"dummy::random_answer"}"""));
    }

    private async Task<(string[] Summary, JsonObject Body)> InferAsync(string fields)
    {
        var (status, raw) = await PostAsync(fields, stream: false);
        var body = JsonNode.Parse(raw)!.AsObject();
        if (status != HttpStatusCode.OK)
        {
            return ([$"{(int)status} {body["error"]!.GetValue<string>()}"], body);
        }
        var lines = body["content"]!.AsArray().Select(b => Block(b!.AsObject())).ToList();
        lines.Add(UsageLine(body));
        return ([.. lines], body);
    }

    private async Task<string[]> StreamAsync(string fields)
    {
        var (status, raw) = await PostAsync(fields, stream: true);
        if (status != HttpStatusCode.OK)
        {
            return [$"{(int)status} {JsonNode.Parse(raw)!["error"]!.GetValue<string>()}"];
        }
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).ToList();
        Assert.Equal("[DONE]", events[^1]);
        return [.. events.Json().Select(chunk => chunk["error"] is { } error
            ? "error:" + error.GetValue<string>()
            : string.Join(" ", chunk["content"]!.AsArray().Select(b => Block(b!.AsObject()))
                .Concat(chunk["usage"] is null ? [] : [UsageLine(chunk)])))];
    }

    private async Task<(HttpStatusCode Status, string Raw)> PostAsync(string fields, bool stream)
    {
        var request = JsonNode.Parse(fields)!.AsObject();
        request["input"] ??= JsonNode.Parse(DummyParityRows.StandardInput);
        request["stream"] = stream;
        request["include_original_response"] = !stream;
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/inference", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Block(JsonObject block) => block["type"]!.GetValue<string>() switch
    {
        "text" => "text:" + block["text"]!.GetValue<string>(),
        "thought" => "thought:" + block["text"]?.GetValue<string>() + (block["signature"] is { } signature ? "|sig:" + signature.GetValue<string>() : ""),
        "tool_call" => $"tool:{block["id"]}:{block["raw_name"]}:{block["raw_arguments"]}",
        var other => "unexpected:" + other,
    };

    private static string UsageLine(JsonObject body) =>
        $"usage:{body["usage"]!["input_tokens"]}/{body["usage"]!["output_tokens"]} finish:{body["finish_reason"]}";
}
