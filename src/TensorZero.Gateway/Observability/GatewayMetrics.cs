using System.Collections.Concurrent;
using Prometheus;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// The gateway's Prometheus series, in a registry of its own (no process-wide state), served at <c>GET /metrics</c>.
/// Names follow TensorZero's where it has them. Every label value comes from the code (route templates, error kinds)
/// or the config (<see cref="MetricLabels"/>), so the number of series is bounded whatever clients send; series are
/// bound once per label set and reused, so counting is a dictionary read and an atomic add.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>TensorZero's default buckets for <c>tensorzero_inference_latency_overhead_seconds</c>.</summary>
    public static readonly IReadOnlyList<double> DefaultOverheadBuckets = [0.001, 0.01, 0.1];

    /// <summary>The <c>endpoint</c> label of a request that matched no route.</summary>
    public const string UnmatchedEndpoint = "unmatched";

    // Probes and scrapes would drown the traffic they watch (TensorZero doesn't count them either).
    private static readonly HashSet<string> UncountedRoutes = new(StringComparer.Ordinal) { "/status", "/health", "/metrics" };

    private static readonly string[] KindNames = Enum.GetValues<ErrorKind>().Select(SnakeCase).ToArray();

    private readonly Counter _requests;
    private readonly Counter _inferences;
    private readonly Counter _inputTokens;
    private readonly Counter _outputTokens;
    private readonly Counter _providerErrors;
    private readonly Histogram? _overhead;
    private readonly ConcurrentDictionary<(string Endpoint, int Status), Counter.Child> _requestSeries = new();
    private readonly ConcurrentDictionary<(string Function, string Variant, string Model, string Provider), Counter.Child> _inferenceSeries = new();
    private readonly ConcurrentDictionary<(string Function, string Variant), Histogram.Child> _overheadSeries = new();

    /// <param name="storeWriter">The store's writer (null with storage off), read at scrape time.</param>
    /// <param name="credentialFiles">The credentials-file reloader, read at scrape time; null where there is none.</param>
    public GatewayMetrics(
        MetricLabels labels, Func<StoreWriter?> storeWriter, IReadOnlyList<double>? overheadBuckets = null,
        Func<Credentials.CredentialFileReloader?>? credentialFiles = null)
    {
        Labels = labels;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("tensorzero_requests_total", "Requests handled by TensorZero, by route template and HTTP status",
            "endpoint", "status");
        _inferences = factory.CreateCounter("tensorzero_inferences_total", "Inferences performed by TensorZero (dryrun excluded), by the function, variant, model and provider that answered",
            "function_name", "variant_name", "model_name", "provider_name");
        _inputTokens = factory.CreateCounter("tensorzero_input_tokens_total", "Input tokens consumed by TensorZero inferences");
        _outputTokens = factory.CreateCounter("tensorzero_output_tokens_total", "Output tokens consumed by TensorZero inferences");
        _providerErrors = factory.CreateCounter("tensorzero_provider_errors_total", "Failed model provider calls, by model, provider and error kind",
            "model_name", "provider_name", "kind");
        var buckets = overheadBuckets ?? DefaultOverheadBuckets;
        // TensorZero's rule: an empty bucket list turns the histogram off.
        _overhead = buckets.Count == 0 ? null : factory.CreateHistogram("tensorzero_inference_latency_overhead_seconds",
            "Overhead of TensorZero on inference requests: the request's time minus the time spent waiting on model providers",
            new HistogramConfiguration { LabelNames = ["function_name", "variant_name"], Buckets = [.. buckets] });
        var queueDepth = factory.CreateGauge("tensorzero_store_queue_depth", "Rows waiting in the store's write queue");
        var dropped = factory.CreateCounter("tensorzero_store_dropped_rows_total", "Rows the store dropped (write queue full, or refused by the database)");
        var written = factory.CreateCounter("tensorzero_store_written_rows_total", "Rows the store has written to its database");
        var reloads = factory.CreateCounter("tensorzero_credential_file_reloads_total",
            "Re-reads of `path::` / `path_from_env::` credentials files that changed a key (success) or kept the old one (failure)", "result");
        // Read from the writer and the reloader at scrape time: nothing on the inference path.
        Registry.AddBeforeCollectCallback(() =>
        {
            if (credentialFiles?.Invoke() is { } files)
            {
                reloads.WithLabels("success").IncTo(files.ReloadsSucceeded);
                reloads.WithLabels("failure").IncTo(files.ReloadsFailed);
            }
            if (storeWriter() is { } writer)
            {
                queueDepth.Set(writer.QueueDepth);
                dropped.IncTo(writer.DroppedRows);
                written.IncTo(writer.WrittenRows);
            }
        });
    }

    /// <summary>The registry <c>GET /metrics</c> renders.</summary>
    public CollectorRegistry Registry { get; }

    public MetricLabels Labels { get; }

    /// <summary>Counts a finished request under its route template (never its path); probes and scrapes aren't counted.</summary>
    public void CountRequest(string? routeTemplate, int status)
    {
        var endpoint = routeTemplate ?? UnmatchedEndpoint;
        if (UncountedRoutes.Contains(endpoint))
        {
            return;
        }
        _requestSeries.GetOrAdd((endpoint, status), static (key, counter) =>
            counter.WithLabels(key.Endpoint, key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)), _requests).Inc();
    }

    /// <summary>Counts an answered inference; the names are mapped to config names first.</summary>
    public void CountInference(string? function, string variant, string model, string provider)
    {
        var key = (Labels.Function(function), Labels.Variant(function, variant), Labels.Model(model), Labels.Provider(model, provider));
        _inferenceSeries.GetOrAdd(key, static (k, counter) => counter.WithLabels(k.Function, k.Variant, k.Model, k.Provider), _inferences).Inc();
    }

    public void ObserveOverhead(string? function, string variant, TimeSpan overhead)
    {
        if (_overhead is null)
        {
            return;
        }
        var key = (Labels.Function(function), Labels.Variant(function, variant));
        _overheadSeries.GetOrAdd(key, static (k, histogram) => histogram.WithLabels(k.Function, k.Variant), _overhead)
            .Observe(Math.Max(0, overhead.TotalSeconds));
    }

    public void CountTokens(long? input, long? output)
    {
        if (input is > 0)
        {
            _inputTokens.Inc(input.Value);
        }
        if (output is > 0)
        {
            _outputTokens.Inc(output.Value);
        }
    }

    /// <summary>The error series of one routed provider, bound per error kind on first use.</summary>
    public ProviderErrorSeries ForProvider(string model, string provider) =>
        new(_providerErrors, Labels.Model(model), Labels.Provider(model, provider));

    /// <summary>Counts one provider's failures by <see cref="ErrorKind"/>.</summary>
    public sealed class ProviderErrorSeries(Counter counter, string model, string provider)
    {
        private readonly Counter.Child?[] _byKind = new Counter.Child?[KindNames.Length];

        public void Count(ErrorKind kind)
        {
            var index = (int)kind;
            // A benign race: two threads may bind the same child; prometheus-net hands both the same series.
            (_byKind[index] ??= counter.WithLabels(model, provider, KindNames[index])).Inc();
        }
    }

    private static string SnakeCase(ErrorKind kind) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
