using System.Text.Json.Nodes;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>
/// <c>reasoning_effort</c>, <c>service_tier</c> and <c>verbosity</c> on Chat Completions: each flavour sends what its
/// server takes, as TensorZero does, and leaves out the rest.
/// </summary>
public sealed class OpenAIFamilyReasoningTests
{
    [Theory]
    [InlineData("openai", "flex", """{"reasoning_effort":"high","service_tier":"flex","verbosity":"low"}""")]
    [InlineData("azure", "default", """{"reasoning_effort":"high","service_tier":"default","verbosity":"low"}""")]
    [InlineData("azure", "flex", """{"reasoning_effort":"high","verbosity":"low"}""")]
    [InlineData("groq", "flex", """{"reasoning_effort":"high","service_tier":"flex"}""")]
    [InlineData("groq", "priority", """{"reasoning_effort":"high"}""")]
    [InlineData("openrouter", "auto", """{"reasoning":{"effort":"high"},"verbosity":"low"}""")]
    [InlineData("xai", "auto", """{"reasoning_effort":"high"}""")]
    [InlineData("fireworks", "auto", """{"reasoning_effort":"high"}""")]
    [InlineData("together", "auto", """{"reasoning_effort":"high"}""")]
    [InlineData("sglang", "auto", """{"reasoning_effort":"high"}""")]
    [InlineData("hyperbolic", "auto", """{"reasoning_effort":"high"}""")]
    [InlineData("deepseek", "auto", "{}")]
    [InlineData("mistral", "auto", "{}")]
    [InlineData("vllm", "auto", "{}")]
    [InlineData("tgi", "auto", "{}")]
    public void BuildBody_ReasoningSettings_AreSentWhereTheServerTakesThem(string type, string tier, string expected)
    {
        var request = Hello with { Params = Hello.Params with { ReasoningEffort = "high", ServiceTier = tier, Verbosity = "low" } };

        var body = JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider(type).BuildBody(request, stream: false))!.AsObject();

        var sent = new JsonObject();
        foreach (var field in new[] { "reasoning_effort", "reasoning", "service_tier", "verbosity" })
        {
            if (body[field] is { } value)
            {
                sent[field] = value.DeepClone();
            }
        }
        Assert.Equal(expected, sent.ToJsonString());
    }

    [Fact]
    public void BuildBody_NoReasoningSettings_SendsNone()
    {
        var body = JsonNode.Parse(OpenAIFamilyRequestTests.BuildProvider("openai").BuildBody(Hello, stream: false))!.AsObject();

        Assert.DoesNotContain(body, p => p.Key is "reasoning_effort" or "service_tier" or "verbosity");
    }
}
