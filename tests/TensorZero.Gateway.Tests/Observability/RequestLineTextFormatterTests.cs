using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class RequestLineTextFormatterTests
{
    private sealed class CountingFormatter(ITextFormatter inner) : ITextFormatter
    {
        public int Calls { get; private set; }

        public void Format(LogEvent logEvent, TextWriter output)
        {
            Calls++;
            inner.Format(logEvent, output);
        }
    }

    private static string Render(ITextFormatter formatter, LogEvent logEvent)
    {
        var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        formatter.Format(logEvent, output);
        return output.ToString();
    }

    /// <summary>Request lines as the gateway makes them: the request log's middleware, then the log-value sanitizer with a held key.</summary>
    private static async Task<IReadOnlyList<LogEvent>> RequestLinesAsync(
        IEnumerable<(string Method, string Path, int Status, double ElapsedMs, string? ApiKey, DateTimeOffset At)> requests)
    {
        var secrets = new SecretRegistry();
        secrets.Register(new Secret("sk-canary-9f8e7d6c5b4a39281706"));
        var logs = new LogCapture();
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().Enrich.With(new LogValueSanitizer(secrets)).WriteTo.Sink(logs).CreateLogger();
        foreach (var (method, path, status, elapsedMs, apiKey, at) in requests)
        {
            var time = new FakeTimeProvider(at);
            var app = new ApplicationBuilder(new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider());
            app.UseGatewayRequestLog(logger);
            app.Run(context =>
            {
                time.Advance(TimeSpan.FromTicks((long)(elapsedMs * TimeSpan.TicksPerMillisecond)));
                context.Response.StatusCode = status;
                if (apiKey is not null)
                {
                    context.Features.Set(new RequestLogApiKey(apiKey));
                }
                return Task.CompletedTask;
            });
            var context = new DefaultHttpContext { Request = { Method = method, Path = new PathString(path) }, TraceIdentifier = "0HNA1B2C3D4E5:0000000" + (status % 10) };
            await app.Build()(context);
        }
        return logs.Events;
    }

    [Fact]
    public async Task Format_RequestLines_AreTheGeneralFormattersLinesCharacterForCharacter()
    {
        var longPath = "/" + string.Concat(Enumerable.Repeat("segment-ü/", 800));
        var requests = new List<(string, string, int, double, string?, DateTimeOffset)>
        {
            ("POST", "/inference", 200, 1.23456, null, new DateTimeOffset(2026, 12, 3, 7, 5, 9, TimeSpan.Zero)),
            ("POST", "/openai/v1/chat/completions", 200, 0.00004, "pk_abc123", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5))),
            ("GET", "/status", 200, 0, null, new DateTimeOffset(2026, 6, 30, 23, 59, 59, TimeSpan.FromHours(9))),
            ("GET", "/nowhere\nforged [12:00:00 INF] HTTP GET / responded 200", 404, 3, null, DateTimeOffset.UnixEpoch),
            ("PURGE", "/a\"b\\c{d}e/%7B/\u0001\u2028\u007f", 405, 123456.78912, "key \"quoted\" \\ ü 😀", DateTimeOffset.UnixEpoch),
            ("POST", "/ünïcode/😀/日本語", 502, 99999999.5, null, DateTimeOffset.UnixEpoch.AddHours(13)),
            ("POST", "/inference/sk-canary-9f8e7d6c5b4a39281706", 401, 0.5, "sk-canary-9f8e7d6c5b4a39281706", DateTimeOffset.UnixEpoch),
            ("DELETE", longPath, 599, 1e-9, string.Empty, DateTimeOffset.UnixEpoch),
            ("POST", "/inference", 999, 7.77777, null, DateTimeOffset.UnixEpoch),
            ("OPTIONS", string.Empty, 204, double.Epsilon, null, DateTimeOffset.UnixEpoch),
        };
        var lines = await RequestLinesAsync(requests);
        Assert.Equal(requests.Count, lines.Count);
        var general = new CountingFormatter(GatewayLogging.GeneralTextFormatter());
        var fast = new RequestLineTextFormatter(general);

        foreach (var line in lines)
        {
            Assert.Equal(Render(GatewayLogging.GeneralTextFormatter(), line), Render(fast, line));
        }

        // Every one of them was written by the request line's own path, not handed on.
        Assert.Equal(0, general.Calls);
        Assert.Contains(lines, line => line.Level == LogEventLevel.Error);
        Assert.Contains(lines, line => line.Level == LogEventLevel.Debug);
        Assert.DoesNotContain(lines.Select(line => Render(fast, line)), text => text.Contains("sk-canary-9f8e7d6c5b4a39281706", StringComparison.Ordinal));
        Assert.DoesNotContain(lines.Select(line => Render(fast, line)), text => text.TrimEnd('\n', '\r').Contains('\n', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Format_RequestLineWithAnotherEnrichersStringProperty_ListsItLikeTheGeneralFormatter()
    {
        var line = Assert.Single(await RequestLinesAsync([("POST", "/inference", 200, 1, null, DateTimeOffset.UnixEpoch)]));
        line.AddPropertyIfAbsent(new LogEventProperty("Region", new ScalarValue("eu-west \"1\"")));
        // A name of the output template's own is left out of the listed properties, whatever its value.
        line.AddPropertyIfAbsent(new LogEventProperty("NewLine", new ScalarValue(7)));
        var general = new CountingFormatter(GatewayLogging.GeneralTextFormatter());

        var text = Render(new RequestLineTextFormatter(general), line);

        Assert.Equal(Render(GatewayLogging.GeneralTextFormatter(), line), text);
        Assert.EndsWith(",\"Region\":\"eu-west \\\"1\\\"\"}" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Equal(0, general.Calls);
    }

    public static TheoryData<string, LogEventPropertyValue> UnexpectedValues => new()
    {
        { "RequestPath", new ScalarValue(42) },
        { "StatusCode", new ScalarValue("200") },
        { "Elapsed", new ScalarValue(1.5m) },
        { "RequestMethod", new ScalarValue(null) },
        { "Region", new ScalarValue(7) },
        { "Tags", new SequenceValue([new ScalarValue("a")]) },
        { "Caller", new StructureValue([new LogEventProperty("Name", new ScalarValue("x"))]) },
    };

    [Theory]
    [MemberData(nameof(UnexpectedValues))]
    public async Task Format_RequestLineWithAValueOfAnotherShape_IsHandedToTheGeneralFormatter(string name, LogEventPropertyValue value)
    {
        var line = Assert.Single(await RequestLinesAsync([("POST", "/inference", 200, 1, null, DateTimeOffset.UnixEpoch)]));
        line.AddOrUpdateProperty(new LogEventProperty(name, value));
        var general = new CountingFormatter(GatewayLogging.GeneralTextFormatter());

        var text = Render(new RequestLineTextFormatter(general), line);

        Assert.Equal(1, general.Calls);
        Assert.Equal(Render(GatewayLogging.GeneralTextFormatter(), line), text);
    }

    [Fact]
    public async Task Format_RequestLineWithoutAMessageValue_IsHandedToTheGeneralFormatter()
    {
        var line = Assert.Single(await RequestLinesAsync([("POST", "/inference", 200, 1, null, DateTimeOffset.UnixEpoch)]));
        line.RemovePropertyIfPresent("Elapsed");
        var general = new CountingFormatter(GatewayLogging.GeneralTextFormatter());

        var text = Render(new RequestLineTextFormatter(general), line);

        Assert.Equal(1, general.Calls);
        Assert.Contains("in {Elapsed:0.0000} ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_OtherEvents_AreHandedToTheGeneralFormatter()
    {
        var logs = new LogCapture();
        var logger = new LoggerConfiguration().WriteTo.Sink(logs).CreateLogger();
        // The same words as the request line, from a template of its own: not the request line.
        logger.Information("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms", "POST", "/inference", 200, 1.5);
        logger.Warning("Provider {Provider} failed", "openai");
        var general = new CountingFormatter(GatewayLogging.GeneralTextFormatter());
        var fast = new RequestLineTextFormatter(general);

        foreach (var logEvent in logs.Events)
        {
            Assert.Equal(Render(GatewayLogging.GeneralTextFormatter(), logEvent), Render(fast, logEvent));
        }

        Assert.Equal(2, general.Calls);
    }
}
