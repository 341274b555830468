using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Tests.Inference;

public sealed class VariantSamplerTests
{
    private static VariantConfig Variant(string name, double? weight) =>
        new(name, "chat_completion", "dummy::good", weight, InferenceParams.Empty, null, RetryConfig.None, null, [], []);

    private static Dictionary<string, VariantConfig> Variants(params VariantConfig[] variants) =>
        variants.ToDictionary(v => v.Name, StringComparer.Ordinal);

    [Fact]
    public void Draw_IsFirstFourBytesOfSha256OverNameAndEpisode()
    {
        var episode = Guid.Parse("0196368f-1a2b-7c3d-8e4f-0123456789ab");
        var input = System.Text.Encoding.UTF8.GetBytes("my_function").Concat(episode.ToByteArray(bigEndian: true)).ToArray();
        var hash = System.Security.Cryptography.SHA256.HashData(input);
        var expected = ((uint)hash[0] << 24 | (uint)hash[1] << 16 | (uint)hash[2] << 8 | hash[3]) / 4294967296.0;

        Assert.Equal(expected, VariantSampler.Draw("my_function", episode));
        Assert.Equal(VariantSampler.Draw("my_function", episode), VariantSampler.Draw("my_function", episode));
        Assert.NotEqual(VariantSampler.Draw("my_function", episode), VariantSampler.Draw("other_function", episode));
    }

    [Theory]
    [InlineData(0.0, "a")]
    [InlineData(0.49, "a")]
    [InlineData(0.5, "b")]
    [InlineData(0.99, "b")]
    public void Pick_WithoutWeights_IsUniformOverSortedNames(double draw, string expected)
    {
        var variants = Variants(Variant("b", null), Variant("a", null));
        Assert.Equal(expected, VariantSampler.Pick(variants, new HashSet<string>(), draw)!.Name);
    }

    [Theory]
    [InlineData(0.0, "a")]
    [InlineData(0.24, "a")]
    [InlineData(0.26, "b")]
    [InlineData(0.99, "b")]
    public void Pick_WithWeights_WalksCumulativeWeight(double draw, string expected)
    {
        var variants = Variants(Variant("a", 1), Variant("b", 3), Variant("never", 0), Variant("fallback", null));
        Assert.Equal(expected, VariantSampler.Pick(variants, new HashSet<string>(), draw)!.Name);
    }

    [Theory]
    [InlineData(null, 0.0, true)]
    [InlineData(null, 0.99, true)]
    [InlineData(2.5, 0.5, true)]
    [InlineData(0.0, 0.5, false)]
    [InlineData(-1.0, 0.5, false)]
    public void Pick_OneVariant_IsThatVariantUnlessItsWeightIsNotPositive(double? weight, double draw, bool picked)
    {
        var variants = Variants(Variant("only", weight));

        var pick = VariantSampler.Pick(variants, new HashSet<string>(), draw);

        Assert.Equal(picked ? "only" : null, pick?.Name);
        Assert.Null(VariantSampler.Pick(variants, new HashSet<string> { "only" }, draw));
    }

    [Fact]
    public void Pick_AfterWeightedFail_UsesUnweightedFallbackAndNeverZeroWeight()
    {
        var variants = Variants(Variant("a", 1), Variant("never", 0), Variant("fallback", null));
        var tried = new HashSet<string> { "a" };
        Assert.Equal("fallback", VariantSampler.Pick(variants, tried, 0.3)!.Name);
        tried.Add("fallback");
        Assert.Null(VariantSampler.Pick(variants, tried, 0.3));
    }

    private static FunctionConfig Function(ExperimentationConfig experiment, params VariantConfig[] variants) =>
        new("f", FunctionType.Chat, Variants(variants), Experimentation: experiment);

    [Theory]
    [InlineData(0.1, "a")]
    [InlineData(0.5, "c")]
    [InlineData(0.9, "c")]
    public void Pick_StaticExperimentation_WalksCandidateWeights(double draw, string expected)
    {
        var function = Function(
            new ExperimentationConfig(new Dictionary<string, double> { ["c"] = 3, ["a"] = 1, ["b"] = 0 }, ["fb2", "fb1"]),
            Variant("a", null), Variant("b", null), Variant("c", null), Variant("fb1", null), Variant("fb2", null), Variant("unlisted", null));

        Assert.Equal(expected, VariantSampler.Pick(function, new HashSet<string>(), draw)!.Name);
    }

    [Fact]
    public void Pick_StaticExperimentation_ThenFallbacksInOrderAndNeverUnlisted()
    {
        var function = Function(
            new ExperimentationConfig(new Dictionary<string, double> { ["a"] = 1 }, ["fb2", "fb1"]),
            Variant("a", null), Variant("fb1", null), Variant("fb2", null), Variant("unlisted", null));
        var tried = new HashSet<string> { "a" };

        Assert.Equal("fb2", VariantSampler.Pick(function, tried, 0.3)!.Name);
        tried.Add("fb2");
        Assert.Equal("fb1", VariantSampler.Pick(function, tried, 0.3)!.Name);
        tried.Add("fb1");
        Assert.Null(VariantSampler.Pick(function, tried, 0.3));
    }

    // The inference service skips the draw's SHA-256 when NeedsDraw says no: every pick of such a function, whatever
    // was tried before, must then come out the same for any draw.
    [Theory]
    [InlineData(null)]
    [InlineData(2.5)]
    [InlineData(0.0)]
    public void NeedsDraw_IsFalseOnlyWhereNoDrawChangesThePick(double? weight)
    {
        var one = new FunctionConfig("f", FunctionType.Chat, Variants(Variant("only", weight)));
        Assert.False(VariantSampler.NeedsDraw(one));
        double[] draws = [0.0, 0.25, 0.5, 0.999_999];
        foreach (var tried in new[] { new HashSet<string>(), new HashSet<string> { "only" } })
        {
            var picks = draws.Select(d => VariantSampler.Pick(one, tried, d)?.Name).Distinct().ToList();
            Assert.Single(picks);
        }

        var two = new FunctionConfig("f", FunctionType.Chat, Variants(Variant("a", weight), Variant("b", weight)));
        Assert.True(VariantSampler.NeedsDraw(two));
        var oneCandidate = Function(new ExperimentationConfig(new Dictionary<string, double> { ["only"] = 1 }, []), Variant("only", null));
        Assert.True(VariantSampler.NeedsDraw(oneCandidate));
    }
}
