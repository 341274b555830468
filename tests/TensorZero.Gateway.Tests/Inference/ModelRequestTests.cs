using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary><see cref="ModelRequest.ForProvider"/>: what one provider of one model is sent of a request.</summary>
public sealed class ModelRequestTests
{
    private static readonly UnknownBlock Everywhere = new(JsonNode.Parse("""{"all":true}"""));
    private static readonly UnknownBlock GptOnly = new(JsonNode.Parse("""{"gpt":true}"""), ModelName: "gpt");
    private static readonly UnknownBlock OpenAIProviderOnly = new(JsonNode.Parse("""{"openai":true}"""), ProviderName: "openai");
    private static readonly UnknownBlock GptAzureOnly = new(JsonNode.Parse("""{"azure":true}"""), ModelName: "gpt", ProviderName: "azure");

    private static ModelRequest Request() => new(
        null,
        [
            new RequestMessage(Role.User, [new TextBlock("Hi"), Everywhere, GptOnly, OpenAIProviderOnly, GptAzureOnly]),
            new RequestMessage(Role.Assistant, [GptOnly]),
        ],
        InferenceParams.Empty, [], []);

    [Theory]
    [InlineData("gpt", "openai", "text,all,gpt,openai|gpt")]
    [InlineData("gpt", "azure", "text,all,gpt,azure|gpt")]
    [InlineData("claude", "openai", "text,all,openai|")]
    [InlineData("claude", "anthropic", "text,all|")]
    public void ForProvider_TargetedUnknownBlocks_ReachOnlyTheirModelAndProvider(string model, string provider, string expected)
    {
        var request = Request().ForProvider(model, provider);

        var kept = string.Join('|', request.Messages.Select(m => string.Join(',', m.Content.Select(Name))));
        Assert.Equal(expected, kept);
    }

    [Fact]
    public void ForProvider_NoTargetedBlocksOrExtras_ReturnsTheSameRequest()
    {
        var request = new ModelRequest(null, [new RequestMessage(Role.User, [new TextBlock("Hi"), Everywhere])], InferenceParams.Empty, [], []);

        Assert.Same(request, request.ForProvider("gpt", "openai"));
    }

    [Fact]
    public void ForProvider_TargetedBlocksAndExtras_FiltersBoth()
    {
        var request = Request() with
        {
            RequestExtraBody = [new TargetedExtra<ExtraBodyItem>(new ExtraBodyItem("/x", JsonValue.Create(1), Delete: false), ProviderName: "azure")],
        };

        var forOpenAI = request.ForProvider("gpt", "openai");

        Assert.Empty(forOpenAI.InferenceExtraBody);
        Assert.DoesNotContain(GptAzureOnly, forOpenAI.Messages[0].Content);
        Assert.Single(request.ForProvider("gpt", "azure").InferenceExtraBody);
    }

    private static string Name(ContentBlock block) => block switch
    {
        TextBlock => "text",
        UnknownBlock unknown => unknown.Data!.AsObject().Single().Key,
        _ => "?",
    };
}
