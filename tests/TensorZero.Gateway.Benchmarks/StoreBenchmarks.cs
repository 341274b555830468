using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Benchmarks;

/// <summary>
/// The store's share of a request: turning a finished inference into rows, redacting them and inserting them into a
/// SQLite file in batches. Run with <c>dotnet run -c Release --project tests/TensorZero.Gateway.Benchmarks -- --filter '*Store*'</c>.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks : IDisposable
{
    // Inferences recorded per benchmark call: each makes two rows (the inference and its model inference), written
    // as one batch.
    private const int Inferences = 100;

    private const string RawRequest = """
        {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is the capital of Japan?"},{"role":"assistant","content":"Tokyo."},{"role":"user","content":"And of France?"}],"temperature":0.2,"max_completion_tokens":64,"stream":false}
        """;

    private const string RawResponse = """
        {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":36,"completion_tokens":2,"total_tokens":38,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}
        """;

    private string _directory = null!;
    private StoreWriter _writer = null!;
    private ManualTimeProvider _writerTime = null!;
    private InferenceRecorder _recorder = null!;
    private InferenceRequest _request = null!;
    private InferenceResult _result = null!;
    private SecretRegistry _secrets = null!;
    private SecretScope _scope = null!;
    private ModelInferenceRow _row = null!;
    private Secret _staticKey = null!;
    private long _written;

    [GlobalSetup]
    public void Setup()
    {
        var secrets = new SecretRegistry();
        _staticKey = secrets.Register(new Secret("sk-proj-benchmark-gateway-openai-key-0123456789abcdef"));
        secrets.Register(new Secret("sk-ant-api03-benchmark-gateway-anthropic-key-0123456789"));
        using var document = JsonDocument.Parse(BenchmarkInputs.InferenceBody);
        _request = InferenceRequestParser.Parse(document.RootElement, TimeProvider.System, new ProtectedHeaders(ProviderRegistry.CreateDefault()));
        var response = new ProviderResponse([new TextBlock("Paris.")], new Usage(36, 2), FinishReason.Stop, RawRequest, RawResponse);
        _result = new InferenceResult(Guid.CreateVersion7(), Guid.CreateVersion7(), "gpt", FunctionType.Chat,
            new ModelResult("gpt-4o-mini", "openai", response), ResponseSchemas.None);
        _secrets = secrets;
        _scope = secrets.Scope(_request.Credentials);
        _row = new ModelInferenceRow(Guid.CreateVersion7(), Guid.CreateVersion7(), RawRequest, RawResponse, "You are terse.",
            """[{"role":"user","content":[{"type":"text","text":"What is the capital of Japan?"}]},{"role":"assistant","content":[{"type":"text","text":"Tokyo."}]},{"role":"user","content":[{"type":"text","text":"And of France?"}]}]""",
            """[{"type":"text","text":"Paris."}]""", 36, 2, 420, "gpt-4o-mini", "openai", null, "stop", null, DateTimeOffset.UtcNow);

        _directory = Directory.CreateTempSubdirectory("tz-store-bench-").FullName;
        // The write loop waits on this clock for a batch to fill; the benchmark lets it go once every row is queued, so
        // each call writes exactly one batch.
        _writerTime = new ManualTimeProvider();
        var settings = ObservabilityConfig.Default(_directory) with { MaxRows = 2 * Inferences, FlushIntervalMs = 1_000 };
        _writer = new StoreWriter(StoreFactory.Sqlite(Path.Combine(_directory, "tensorzero.db")), settings, _writerTime, NullLogger<StoreWriter>.Instance);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _recorder = new InferenceRecorder(_writer, secrets, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        if (_writer is null)
        {
            return;
        }
        _writer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _writer = null!;
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>One inference recorded: its rows built, queued, redacted and inserted (in a batch of 100 inferences).</summary>
    [Benchmark(OperationsPerInvoke = Inferences)]
    public long RecordInference()
    {
        for (var i = 0; i < Inferences; i++)
        {
            _recorder.Record(_request, _result with { InferenceId = Guid.CreateVersion7() });
        }
        _written += 2 * Inferences;
        while (_writer.WrittenRows < _written)
        {
            _writerTime.Fire();
            Thread.Yield();
        }
        return _writer.WrittenRows;
    }

    /// <summary>A typical model inference row through the redaction every stored row gets.</summary>
    [Benchmark]
    public StoredRow RedactRow() => RowRedaction.Redact(_row, _scope);

    /// <summary>
    /// The same row redacted in a request's own scope, as every request's rows are: the patterns of the request's
    /// dynamic key are found for each request.
    /// </summary>
    [Benchmark]
    public StoredRow RedactRowInANewRequest() => RowRedaction.Redact(_row, _secrets.Scope(_request.Credentials));

    /// <summary>
    /// The same row redacted in the scope of a call that used a key of the gateway's own (<c>env::</c>), the common
    /// case: the registry's patterns already hold that key.
    /// </summary>
    [Benchmark]
    public StoredRow RedactRowWithAStaticKey() => RowRedaction.Redact(_row, _secrets.Scope(RequestCredentials.Empty, _staticKey));

    /// <summary>A clock whose timers fire only when told to.</summary>
    private sealed class ManualTimeProvider : TimeProvider
    {
        private Timer? _pending;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Timer(this, callback, state);
            Volatile.Write(ref _pending, timer);
            return timer;
        }

        public void Fire()
        {
            if (Interlocked.Exchange(ref _pending, null) is { } timer)
            {
                timer.Callback(timer.State);
            }
        }

        private sealed class Timer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
        {
            public TimerCallback Callback => callback;

            public object? State => state;

            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose() => Interlocked.CompareExchange(ref owner._pending, null, this);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
