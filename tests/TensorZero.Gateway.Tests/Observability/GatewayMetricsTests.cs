using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Store;
using TensorZero.Gateway.Tests.Store;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class GatewayMetricsTests
{
    private static readonly GatewayConfig Config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"
        """, "/configs");

    private static MetricLabels Labels() => new(Config, ProviderRegistry.CreateDefault().Types);

    private static async Task<string> RenderAsync(GatewayMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Scrape_WriteQueueOverflows_ShowsDroppedRowsAndQueueDepth()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var settings = ObservabilityConfig.Default(".") with { QueueCapacity = 2 };
        // Not started: nothing drains the queue, so exactly the bound is held and the rest is dropped.
        await using var writer = new StoreWriter(database.OpenStore(), settings, TimeProvider.System, NullLogger<StoreWriter>.Instance);
        var metrics = new GatewayMetrics(Labels(), () => writer);
        for (var i = 0; i < 5; i++)
        {
            writer.Enqueue(SecretScope.None, StoreRows.Inference(Guid.CreateVersion7(), Guid.CreateVersion7()));
        }

        var text = await RenderAsync(metrics);

        Assert.Contains("\ntensorzero_store_dropped_rows_total 3\n", text, StringComparison.Ordinal);
        Assert.Contains("\ntensorzero_store_queue_depth 2\n", text, StringComparison.Ordinal);
        Assert.Contains("\ntensorzero_store_written_rows_total 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderWait_OverlappingCalls_CountsTheirUnionOnce()
    {
        var time = new FakeTimeProvider();
        var request = new RequestMetrics(time);

        var first = request.WaitOnProvider();
        time.Advance(TimeSpan.FromMilliseconds(100));
        var second = request.WaitOnProvider(); // a parallel candidate
        time.Advance(TimeSpan.FromMilliseconds(50));
        first.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(30));
        second.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(500)); // the gateway's own work
        using (request.WaitOnProvider())
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(200), request.ProviderWait);
    }

    [Theory]
    [InlineData("chat", "main", "gpt", "openai", "chat", "main", "gpt", "openai")]
    [InlineData(null, "openai::gpt-x-attacker", "openai::gpt-x-attacker", "openai", "tensorzero::default", MetricLabels.Shorthand, MetricLabels.Shorthand, "openai")]
    [InlineData("chat", "injected", "gpt", "injected", "chat", MetricLabels.Other, "gpt", MetricLabels.Other)]
    [InlineData("unknown", "v", "unknown::m", "not-a-type", MetricLabels.Other, MetricLabels.Other, MetricLabels.Shorthand, MetricLabels.Other)]
    public void Labels_RunTimeNames_MapToConfigNamesOnly(
        string? function, string variant, string model, string provider,
        string functionLabel, string variantLabel, string modelLabel, string providerLabel)
    {
        var labels = Labels();

        Assert.Equal(functionLabel, labels.Function(function));
        Assert.Equal(variantLabel, labels.Variant(function, variant));
        Assert.Equal(modelLabel, labels.Model(model));
        Assert.Equal(providerLabel, labels.Provider(model, provider));
    }

    [Fact]
    public async Task ProviderErrors_EachKind_IsItsOwnSnakeCaseSeries()
    {
        var metrics = new GatewayMetrics(Labels(), () => null);
        var series = metrics.ForProvider("gpt", "openai");

        series.Count(ErrorKind.RateLimited);
        series.Count(ErrorKind.RateLimited);
        series.Count(ErrorKind.ProviderClient);
        var text = await RenderAsync(metrics);

        Assert.Contains("""tensorzero_provider_errors_total{model_name="gpt",provider_name="openai",kind="rate_limited"} 2""", text, StringComparison.Ordinal);
        Assert.Contains("""tensorzero_provider_errors_total{model_name="gpt",provider_name="openai",kind="provider_client"} 1""", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverheadHistogram_NoBuckets_IsOff()
    {
        var metrics = new GatewayMetrics(Labels(), () => null, []);

        metrics.ObserveOverhead("chat", "main", TimeSpan.FromMilliseconds(3));

        Assert.DoesNotContain("tensorzero_inference_latency_overhead_seconds", await RenderAsync(metrics), StringComparison.Ordinal);
    }
}
