using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using TensorZero.Gateway.Observability;

namespace TensorZero.Gateway.Benchmarks;

/// <summary>
/// Formatting one request line for the console, as its background loop does for every request: Serilog's
/// output-template formatter against the request line's own. The line is the load run's, made by the request log's
/// middleware and cleaned by the log-value sanitizer, as the gateway makes it.
/// </summary>
[MemoryDiagnoser]
public class RequestLineBenchmarks : IDisposable
{
    private readonly StringWriter _output = new(System.Globalization.CultureInfo.InvariantCulture);
    private readonly ITextFormatter _general = GatewayLogging.GeneralTextFormatter();
    private readonly ITextFormatter _requestLine = GatewayLogging.TextFormatter();
    private LogEvent _line = null!;

    private sealed class LastEvent : ILogEventSink
    {
        public LogEvent? Event { get; private set; }

        public void Emit(LogEvent logEvent) => Event = logEvent;
    }

    [GlobalSetup]
    public void Setup()
    {
        var sink = new LastEvent();
        var logger = new LoggerConfiguration().Enrich.With(new LogValueSanitizer()).WriteTo.Sink(sink).CreateLogger();
        var app = new ApplicationBuilder(new ServiceCollection().AddSingleton(TimeProvider.System).BuildServiceProvider());
        app.UseGatewayRequestLog(logger);
        app.Run(context => Task.CompletedTask);
        var context = new DefaultHttpContext
        {
            Request = { Method = "POST", Path = "/openai/v1/chat/completions" },
            TraceIdentifier = "0HNQH1H6UBV8O:00000001",
        };
        app.Build()(context).GetAwaiter().GetResult();
        _line = sink.Event ?? throw new InvalidOperationException("the request log wrote no line");
    }

    [Benchmark(Baseline = true)]
    public int GeneralFormatter() => Format(_general);

    [Benchmark]
    public int RequestLineFormatter() => Format(_requestLine);

    public void Dispose()
    {
        _output.Dispose();
        GC.SuppressFinalize(this);
    }

    private int Format(ITextFormatter formatter)
    {
        var text = _output.GetStringBuilder().Clear();
        formatter.Format(_line, _output);
        return text.Length;
    }
}
