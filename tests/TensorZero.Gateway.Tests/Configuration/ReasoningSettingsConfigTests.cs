using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>A variant's <c>reasoning_effort</c>, <c>service_tier</c>, <c>verbosity</c> and <c>thinking_budget_tokens</c> are read and used, not ignored.</summary>
public sealed class ReasoningSettingsConfigTests
{
    private static GatewayConfig Parse(string variantKeys) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse($"""
        [functions.f]
        type = "chat"
        [functions.f.variants.v]
        type = "chat_completion"
        model = "dummy::good"
        {variantKeys}
        """, "/configs");

    [Fact]
    public void Parse_ReasoningSettings_AreTheVariantsParams()
    {
        var config = Parse("reasoning_effort = \"high\"\nservice_tier = \"priority\"\nverbosity = \"low\"");

        var p = config.Functions["f"].Variants["v"].Params;
        Assert.Equal(("high", "priority", "low"), (p.ReasoningEffort, p.ServiceTier, p.Verbosity));
        Assert.DoesNotContain(config.Warnings, w => w.Contains("reasoning_effort", StringComparison.Ordinal) || w.Contains("verbosity", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ThinkingBudgetTokens_IsTheVariantsParamWithoutAWarning()
    {
        var config = Parse("thinking_budget_tokens = 1024");

        Assert.Equal(1024, config.Functions["f"].Variants["v"].Params.ThinkingBudgetTokens);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Parse_ThinkingBudgetBeyondAnInt_IsAnError()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("thinking_budget_tokens = 4294967296"));

        Assert.Contains("`functions.f.variants.v.thinking_budget_tokens`: must be at most 2147483647", error.Errors);
    }

    [Fact]
    public void Parse_UnknownServiceTier_IsAnError()
    {
        var error = Assert.Throws<ConfigException>(() => Parse("service_tier = \"turbo\""));

        Assert.Contains("`functions.f.variants.v.service_tier`: unknown service tier `turbo` (valid: auto, default, priority, flex)", error.Errors);
    }

    [Fact]
    public void With_RequestValues_WinOverTheVariants()
    {
        var variant = new InferenceParams(ReasoningEffort: "low", ServiceTier: "auto", Verbosity: "high");

        var merged = variant.With(new InferenceParams(ReasoningEffort: "high"));

        Assert.Equal(new InferenceParams(ReasoningEffort: "high", ServiceTier: "auto", Verbosity: "high"), merged);
    }

    [Fact]
    public void With_EitherSideEmpty_IsTheOtherItself()
    {
        var set = new InferenceParams(Temperature: 0.3, MaxTokens: 64);

        Assert.Same(set, set.With(InferenceParams.Empty));
        Assert.Same(set, set.With(new InferenceParams()));
        Assert.Same(set, InferenceParams.Empty.With(set));
        Assert.Equal(new InferenceParams(Temperature: 0.3, MaxTokens: 32), set.With(new InferenceParams(MaxTokens: 32)));
    }
}
