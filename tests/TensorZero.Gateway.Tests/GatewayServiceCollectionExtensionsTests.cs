using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Providers;

namespace TensorZero.Gateway.Tests;

/// <summary><c>AddTensorZeroGateway()</c> registers every built-in provider type and the services the gateway runs on.</summary>
public sealed class GatewayServiceCollectionExtensionsTests
{
    private static readonly GatewayConfig Config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
        [models.offline]
        routing = ["dummy"]
        [models.offline.providers.dummy]
        type = "dummy"
        model_name = "good"
        """, Path.GetTempPath());

    private static ServiceProvider Build(Action<IServiceCollection>? before = null, Action<IServiceCollection>? after = null)
    {
        var services = new ServiceCollection().AddLogging();
        before?.Invoke(services);
        services.AddTensorZeroGateway(Config);
        after?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddTensorZeroGateway_ResolvesTheRegistry_WithEveryBuiltInType()
    {
        using var provider = Build();

        var registry = provider.GetRequiredService<ProviderRegistry>();

        Assert.Equal(BuiltInProviders.CreateFactories().Select(f => f.Descriptor.Type).Order(StringComparer.Ordinal), registry.Types);
        Assert.Equal(20, registry.Types.Count());
        Assert.Equal(["azure", "dummy", "openai", "openrouter"], registry.EmbeddingTypes);
        Assert.Equal(provider.GetServices<IProviderFactory>().Count(), registry.Types.Count());
    }

    [Fact]
    public void AddTensorZeroGateway_ResolvesTheRuntimeAndTheProtectedHeaders()
    {
        using var provider = Build(after: services => services.AddSingleton<IEnvironmentVariables>(new FakeEnvironment(new Dictionary<string, string>())));

        var runtime = provider.GetRequiredService<GatewayRuntime>();
        var protectedHeaders = provider.GetRequiredService<ProtectedHeaders>();

        Assert.True(runtime.Models.Contains("offline"));
        Assert.True(runtime.Models.Contains("openai::gpt-4o-mini"));
        Assert.True(protectedHeaders.Contains("x-goog-api-key"));
        Assert.Same(Config, provider.GetRequiredService<GatewayConfig>());
    }

    [Fact]
    public void AddTensorZeroGateway_CalledTwice_RegistersEachTypeOnce()
    {
        using var provider = Build(after: services => services.AddTensorZeroGateway(Config));

        var registry = provider.GetRequiredService<ProviderRegistry>();

        Assert.Equal(20, provider.GetServices<IProviderFactory>().Count());
        Assert.Equal(4, provider.GetServices<IEmbeddingProviderFactory>().Count());
        Assert.Equal(20, registry.Types.Count());
    }

    [Fact]
    public void AddTensorZeroGateway_FactoryRegisteredBefore_WinsOverTheBuiltIn()
    {
        var own = new ProviderRegistryTests.FakeFactory("anthropic");
        using var provider = Build(before: services => services.TryAddProviderFactory(own));

        var registry = provider.GetRequiredService<ProviderRegistry>();

        Assert.Same(own, registry.Find("anthropic"));
        Assert.Equal(20, registry.Types.Count());
    }

    [Fact]
    public void AddTensorZeroGateway_TwoGateways_HaveTheirOwnFactories()
    {
        using var first = Build();
        using var second = Build();

        // The dummy factory keeps per-gateway call counters, so gateways never share it.
        Assert.NotSame(
            first.GetRequiredService<ProviderRegistry>().Find("dummy"),
            second.GetRequiredService<ProviderRegistry>().Find("dummy"));
        Assert.IsType<DummyProviderFactory>(first.GetRequiredService<ProviderRegistry>().Find("dummy"));
    }
}
