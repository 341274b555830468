using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Functions;

/// <summary>Functions and variants are built once at startup: each variant holds its model and retry pipeline.</summary>
public sealed class FunctionTableTests
{
    private const string Toml = """
        [models.offline]
        routing = ["dummy"]
        [models.offline.providers.dummy]
        type = "dummy"
        model_name = "good"

        [functions.f]
        type = "chat"

        [functions.f.variants.configured]
        type = "chat_completion"
        model = "offline"
        retries = { num_retries = 2, max_delay_s = 1 }

        [functions.f.variants.shorthand]
        type = "chat_completion"
        model = "dummy::good"

        [functions.f.variants.other]
        type = "experimental_best_of_n_sampling"
        candidates = ["configured", "shorthand"]
        [functions.f.variants.other.evaluator]
        model = "offline"
        """;

    [Fact]
    public void Build_VariantModels_AreResolvedOnceAndShared()
    {
        using var gateway = new GatewayFactory(Toml);
        var runtime = gateway.Services.GetRequiredService<GatewayRuntime>();
        Assert.True(runtime.Functions.TryGet("f", out var function));

        Assert.Same(runtime.Models.Get("offline"), function.Variants["configured"].Model);
        Assert.Equal("dummy::good", function.Variants["shorthand"].Model!.Name);
        Assert.Same(function.Variants["shorthand"].Model, function.Variants["shorthand"].Model);
        Assert.Null(function.Variants["other"].Model);
        Assert.NotNull(function.Variants["other"].Strategy);
        Assert.Null(function.Variants["configured"].Strategy);
    }

    [Fact]
    public void Build_RetryPipeline_ExistsOnlyWhereRetriesAreConfigured()
    {
        using var gateway = new GatewayFactory(Toml);
        var runtime = gateway.Services.GetRequiredService<GatewayRuntime>();
        Assert.True(runtime.Functions.TryGet("f", out var function));

        Assert.NotNull(function.Variants["configured"].Retries);
        Assert.Null(function.Variants["shorthand"].Retries);
    }

    [Fact]
    public void TryGet_UnknownFunction_IsFalse()
    {
        using var gateway = new GatewayFactory(Toml);

        Assert.False(gateway.Services.GetRequiredService<GatewayRuntime>().Functions.TryGet("nope", out _));
    }
}
