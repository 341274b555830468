using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference.Routing;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Benchmarks;

/// <summary>
/// What a routed provider's wrappers (failure translation, failure logging, metrics) cost a stream: the load run's six
/// chunks read through <see cref="RoutedProvider.Pipeline"/> against the same chunks read from the provider itself. The
/// provider hands its chunks over at once, as a provider does when its answer is already buffered, so only the wrappers'
/// own work is measured.
/// </summary>
[MemoryDiagnoser]
public class StreamPipelineBenchmarks
{
    private static readonly ModelRequest Request = new(null, [], InferenceParams.Empty, [], []);

    private ReadyProvider _provider = null!;
    private IModelProvider _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        var chunks = new List<ProviderStreamChunk>();
        for (var i = 0; i < 5; i++)
        {
            chunks.Add(new ProviderStreamChunk([new TextDelta("0", "Hello")], null, null, "{}"));
        }
        chunks.Add(new ProviderStreamChunk([], new Usage(14, 12), FinishReason.Stop, "{}"));
        _provider = new ReadyProvider(chunks);
        var registry = ProviderRegistry.CreateDefault();
        var config = BenchmarkInputs.LoadConfig(registry, BenchmarkInputs.OneModelConfig);
        var metrics = new GatewayMetrics(new MetricLabels(config, registry.Types), () => null);
        var services = new ProviderServices(null!, NullLoggerFactory.Instance, TimeProvider.System) { Metrics = metrics };
        _pipeline = new RoutedProvider("openai", _provider, null, "bench", services).Pipeline;
    }

    [Benchmark(Baseline = true)]
    public Task<int> ReadFromTheProvider() => ReadAll(_provider);

    [Benchmark]
    public Task<int> ReadThroughTheRoutedPipeline() => ReadAll(_pipeline);

    private static async Task<int> ReadAll(IModelProvider provider)
    {
        var count = 0;
        await foreach (var chunk in provider.StreamAsync(Request, RequestCredentials.Empty, CancellationToken.None).ConfigureAwait(false))
        {
            count += chunk.Content.Count;
        }
        return count;
    }

    /// <summary>A provider whose stream is already in hand.</summary>
    private sealed class ReadyProvider(IReadOnlyList<ProviderStreamChunk> chunks) : IModelProvider
    {
        public string Type => "openai";

        public InferenceParamSupport ParamSupport { get; } = InferenceParamSupport.All("Bench");

        public Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
            ModelRequest request, RequestCredentials credentials, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            for (var i = 0; i < chunks.Count; i++)
            {
                yield return chunks[i];
            }
        }
    }
}
