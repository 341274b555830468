using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// The order and redaction of raw entries for answers that took several model calls (best-of-N, mixture-of-N):
/// failed variants, then per model inference its failed attempts and its answer, the answering call first and the
/// others after it, as TensorZero lists them.
/// </summary>
public sealed class RawOutputTests
{
    private const string GatewayKey = "sk-raw-output-gateway-5c1e9a7d3b";

    private static readonly Guid Other = Guid.CreateVersion7();
    private static readonly Guid Answer = Guid.CreateVersion7();

    private static (RawOutput Raw, SecretRegistry Registry) Output(bool rawResponse = true, bool rawUsage = true)
    {
        var registry = new SecretRegistry();
        registry.Register(new Secret(GatewayKey));
        var request = new InferenceRequest("f", null, null, new InferenceInput(null, []), null, InferenceParams.Empty,
            new Dictionary<string, string>(), RequestCredentials.Empty, false, false)
        {
            IncludeRawResponse = rawResponse,
            IncludeRawUsage = rawUsage,
        };
        return (RawOutput.For(request, registry), registry);
    }

    [Fact]
    public void For_NothingAskedFor_IsTheSharedEmptyOutput()
    {
        var request = new InferenceRequest("f", null, null, new InferenceInput(null, []), null, InferenceParams.Empty,
            new Dictionary<string, string>(), RequestCredentials.Empty, false, false);

        Assert.Same(RawOutput.None, RawOutput.For(request, new SecretRegistry()));
        Assert.NotSame(RawOutput.None, RawOutput.For(request with { IncludeRawUsage = true }, new SecretRegistry()));
        Assert.NotSame(RawOutput.None, RawOutput.For(request with { IncludeOriginalResponse = true }, new SecretRegistry()));
    }

    private static ModelResult Model(Guid id, string provider, string body, RawUsage? usage, params RawResponseEntry[] failed) =>
        new("m", provider, new ProviderResponse([new TextBlock("x")], Usage.Unknown, FinishReason.Stop, "{}", body) { RawUsage = usage })
        {
            ModelInferenceId = id,
            ProviderType = provider,
            FailedRawResponses = failed,
        };

    private static readonly RawResponseEntry FailedVariant = new(null, "dummy", "chat_completions", "variant failed");
    private static readonly RawResponseEntry FailedCandidate = new(null, "openai", "chat_completions", "candidate failed");
    private static readonly RawResponseEntry FailedRetry = new(null, "anthropic", "chat_completions", "retry failed");

    private static InferenceResult Result() => new(
        Guid.CreateVersion7(), Guid.CreateVersion7(), "v", FunctionType.Chat,
        Model(Answer, "anthropic", $$"""{"echo":"{{GatewayKey}}"}""", new RawUsage(JsonNode.Parse("""{"input_tokens":1}""")), FailedRetry) with
        {
            OtherModelResults = [Model(Other, "openai", "candidate answer", null, FailedCandidate)],
        },
        ResponseSchemas.None)
    {
        FailedRawResponses = [FailedVariant],
    };

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void ResponseEntries_SeveralModelCalls_FailedVariantsThenTheAnswersCallThenTheOthersRedacted()
    {
        var (raw, _) = Output();

        var entries = raw.ResponseEntries(Result());

        Assert.Equal(
            [
                FailedVariant,
                FailedRetry,
                new RawResponseEntry(Answer, "anthropic", "chat_completions", """{"echo":"[REDACTED]"}"""),
                FailedCandidate,
                new RawResponseEntry(Other, "openai", "chat_completions", "candidate answer"),
            ],
            entries);
    }

    [Fact]
    public void WriteUsageEntries_SeveralModelCalls_OnlyThoseWithUsageOfTheirOwn()
    {
        var (raw, _) = Output();

        var json = Write(writer => raw.WriteUsageEntries(writer, "raw_usage", Result()));

        Assert.Equal(
            $$$"""{"raw_usage":[{"model_inference_id":"{{{Answer}}}","provider_type":"anthropic","api_type":"chat_completions","data":{"input_tokens":1}}]}""",
            json);
    }

    [Fact]
    public void WriteUsageEntries_UsageEchoingAKey_IsRedacted()
    {
        var (raw, _) = Output();
        var result = Result() with
        {
            Model = Model(Answer, "anthropic", "{}", new RawUsage(JsonNode.Parse($$"""{"note":"{{GatewayKey}}"}"""))),
        };

        var json = Write(writer => raw.WriteUsageEntries(writer, "raw_usage", result));

        Assert.Contains("""{"note":"[REDACTED]"}""", json, StringComparison.Ordinal);
        Assert.DoesNotContain(GatewayKey, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Original_JudgesBody_IsRedactedAndAbsentWhenThereIsNone()
    {
        var (raw, _) = Output();
        var model = Result().Model;

        Assert.Equal("""{"judge":"[REDACTED]"}""", raw.Original(model with { OriginalResponse = $$"""{"judge":"{{GatewayKey}}"}""" }));
        Assert.Null(raw.Original(model with { OriginalResponse = null }));
    }

    [Fact]
    public void Shows_EmptyChunk_OnlyWhenItsRawDataWasAskedFor()
    {
        var empty = new ProviderStreamChunk([], null, null, """{"choices":[]}""");
        var usageOnly = new ProviderStreamChunk([], null, null, string.Empty) { RawUsage = new RawUsage(null) };

        Assert.True(Output(rawResponse: true, rawUsage: false).Raw.Shows(empty));
        Assert.False(Output(rawResponse: false, rawUsage: true).Raw.Shows(empty));
        Assert.True(Output(rawResponse: false, rawUsage: true).Raw.Shows(usageOnly));
        Assert.False(Output(rawResponse: false, rawUsage: false).Raw.Shows(empty));
    }
}
