using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>
/// Names a client chooses (shorthand models, <c>dummy::flaky_&lt;i&gt;</c> counters) cost bounded memory, however many
/// distinct ones arrive, and a name in steady use stays cached.
/// </summary>
public sealed class ClientChosenNameBoundsTests
{
    [Fact]
    public async Task ShorthandRequests_ManyDistinctFlakyNames_CachesAndCountersStayBounded()
    {
        using var gateway = new GatewayFactory("""
            [models.offline]
            routing = ["dummy"]
            [models.offline.providers.dummy]
            type = "dummy"
            model_name = "good"
            """);
        var client = gateway.CreateClient();
        var names = DummyProviderFactory.MaxFlakyCounters + 100;

        for (var i = 0; i < names; i++)
        {
            var (status, _, raw) = await client.PostInferenceAsync(new { model_name = $"dummy::flaky_{i}", input = GatewayClient.UserMessage("x") });
            Assert.True(status == HttpStatusCode.OK, raw); // the first call of each flaky name succeeds
        }

        var runtime = gateway.Services.GetRequiredService<GatewayRuntime>();
        var factory = (DummyProviderFactory)gateway.Services.GetRequiredService<ProviderRegistry>().Find("dummy")!;
        Assert.Equal(ShorthandModelCache<Model>.MaxEntries, runtime.Models.CachedShorthandModels);
        Assert.Equal(DummyProviderFactory.MaxFlakyCounters, factory.FlakyCounterCount);
    }

    [Fact]
    public async Task ShorthandRequests_FlakyNameInSteadyUse_KeepsItsCounterWhileJunkNamesArrive()
    {
        using var gateway = new GatewayFactory("""
            [models.offline]
            routing = ["dummy"]
            [models.offline.providers.dummy]
            type = "dummy"
            model_name = "good"
            """);
        var client = gateway.CreateClient();
        var statuses = new List<HttpStatusCode>();

        // More junk flaky names than there are counters: a name called every tenth request must keep its counter.
        for (var i = 0; i < DummyProviderFactory.MaxFlakyCounters + 100; i++)
        {
            await client.PostInferenceAsync(new { model_name = $"dummy::flaky_junk_{i}", input = GatewayClient.UserMessage("x") });
            if (i % 10 == 0)
            {
                statuses.Add((await client.PostInferenceAsync(new { model_name = "dummy::flaky_steady", input = GatewayClient.UserMessage("x") })).Status);
            }
        }

        for (var i = 0; i < statuses.Count; i++)
        {
            Assert.Equal(i % 2 == 0 ? HttpStatusCode.OK : HttpStatusCode.BadGateway, statuses[i]);
        }
    }

    [Fact]
    public void DefaultFunction_SameModelName_IsBuiltOnceAndReused()
    {
        using var gateway = new GatewayFactory("""
            [models.offline]
            routing = ["dummy"]
            [models.offline.providers.dummy]
            type = "dummy"
            model_name = "good"
            """);
        var functions = gateway.Services.GetRequiredService<GatewayRuntime>().Functions;

        var first = functions.Default("offline");
        var again = functions.Default("offline");
        var other = functions.Default("dummy::good");

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal(InferenceService.DefaultFunctionName, first.Name);
        var variant = Assert.Single(first.Variants).Value;
        Assert.Equal("offline", variant.Config.Model);
        Assert.Same(gateway.Services.GetRequiredService<GatewayRuntime>().Models.Get("offline"), variant.Model);
    }
}
