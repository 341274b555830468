using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog;
using Serilog.Events;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Observability;

public sealed class RequestLogTests
{
    private static (RequestDelegate Pipeline, LogCapture Logs) Pipeline(RequestDelegate handler, FakeTimeProvider time, LogEventLevel minimum = LogEventLevel.Verbose)
    {
        var logs = new LogCapture();
        var logger = new LoggerConfiguration().MinimumLevel.Is(minimum).WriteTo.Sink(logs).CreateLogger();
        var app = new ApplicationBuilder(new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider());
        app.UseGatewayRequestLog(logger);
        app.Run(handler);
        return (app.Build(), logs);
    }

    private static DefaultHttpContext Request(string method, string path) => new() { Request = { Method = method, Path = path } };

    [Fact]
    public async Task UseGatewayRequestLog_AnsweredRequest_WritesOneLineWithMethodPathStatusAndElapsed()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(context =>
        {
            time.Advance(TimeSpan.FromMilliseconds(12.5));
            context.Response.StatusCode = 201;
            return Task.CompletedTask;
        }, time);

        await pipeline(Request("POST", "/inference"));

        var line = Assert.Single(logs.Events);
        Assert.Equal(LogEventLevel.Information, line.Level);
        Assert.Equal("HTTP \"POST\" \"/inference\" responded 201 in 12.5000 ms", line.RenderMessage());
        Assert.Equal("\"" + RequestLog.SourceContext + "\"", line.Properties["SourceContext"].ToString());
        Assert.Null(line.Exception);
        Assert.False(line.Properties.ContainsKey(RequestLog.ApiKeyProperty));
    }

    [Fact]
    public async Task UseGatewayRequestLog_PresentedApiKey_AddsItsPublicId()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(context =>
        {
            context.Features.Set(new RequestLogApiKey("abc123"));
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        }, time);

        await pipeline(Request("POST", "/inference"));

        var line = Assert.Single(logs.Events);
        Assert.Equal("\"abc123\"", line.Properties[RequestLog.ApiKeyProperty].ToString());
        Assert.Equal("401", line.Properties["StatusCode"].ToString());
    }

    [Theory]
    [InlineData("/health", 200, LogEventLevel.Debug)]
    [InlineData("/status", 200, LogEventLevel.Debug)]
    [InlineData("/inference", 404, LogEventLevel.Information)]
    [InlineData("/inference", 502, LogEventLevel.Error)]
    public async Task UseGatewayRequestLog_StatusAndRoute_PickTheLevel(string path, int status, LogEventLevel expected)
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }, time);

        await pipeline(Request("GET", path));

        Assert.Equal(expected, Assert.Single(logs.Events).Level);
    }

    [Fact]
    public async Task UseGatewayRequestLog_LevelBelowTheMinimum_WritesNothing()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(_ => Task.CompletedTask, time, LogEventLevel.Information);

        await pipeline(Request("GET", "/health"));

        Assert.Empty(logs.Events);
    }

    [Fact]
    public async Task UseGatewayRequestLog_ExceptionPastTheHandler_LogsA500WithoutItsMessageAndRethrows()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(context =>
        {
            context.Response.StatusCode = 200; // the response had started, as in a stream
            throw new InvalidOperationException("upstream said sk-canary-secret");
        }, time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline(Request("POST", "/openai/v1/chat/completions")));

        var line = Assert.Single(logs.Events);
        Assert.Equal(LogEventLevel.Error, line.Level);
        Assert.Equal("500", line.Properties["StatusCode"].ToString());
        Assert.Null(line.Exception);
        Assert.DoesNotContain("sk-canary-secret", logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseGatewayRequestLog_Traceparent_PutsTheCallersTraceIdOnTheLine()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(_ => Task.CompletedTask, time);
        var request = Request("POST", "/inference");
        request.Request.Headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        request.TraceIdentifier = "0HNABC:00000002";

        await pipeline(request);

        var line = Assert.Single(logs.Events);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", line.TraceId?.ToHexString());
        Assert.Null(line.SpanId);
        Assert.Equal("\"0HNABC:00000002\"", line.Properties[RequestLog.RequestIdProperty].ToString());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\nforged")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // upper case is not W3C
    [InlineData("")]
    public async Task UseGatewayRequestLog_MalformedTraceparent_IsNoTrace(string traceparent)
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(_ => Task.CompletedTask, time);
        var request = Request("POST", "/inference");
        request.Request.Headers["traceparent"] = traceparent;

        await pipeline(request);

        Assert.Null(Assert.Single(logs.Events).TraceId);
    }

    [Fact]
    public async Task UseGatewayRequestLog_TwoTraceparents_IsNoTrace()
    {
        var time = new FakeTimeProvider();
        var (pipeline, logs) = Pipeline(_ => Task.CompletedTask, time);
        var request = Request("POST", "/inference");
        request.Request.Headers["traceparent"] = new Microsoft.Extensions.Primitives.StringValues(
            ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]);

        await pipeline(request);

        Assert.Null(Assert.Single(logs.Events).TraceId);
    }

    [Fact]
    public void HostingDiagnostics_IsOff_SoNoRequestStartsAnActivityOrAScope()
    {
        // ASP.NET Core starts a per-request Activity and logging scope exactly when this logger takes Critical lines.
        using var gateway = new GatewayFactory(string.Empty);
        var loggers = gateway.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();

        Assert.False(loggers.CreateLogger(GatewayLogging.HostingDiagnostics).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Critical));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    [Fact]
    public async Task RequestLine_ThroughTheGateway_CarriesTheRequestIdAndTraceAndIsEscaped()
    {
        using var gateway = new GatewayFactory(string.Empty);
        var client = gateway.CreateClient();

        using var get = new HttpRequestMessage(HttpMethod.Get, "/nowhere%0Aforged");
        get.Headers.TryAddWithoutValidation("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        var response = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await gateway.Logs.WaitForAsync("responded", TimeSpan.FromSeconds(10));

        var line = Assert.Single(gateway.Logs.Events, e => e.Properties.TryGetValue("SourceContext", out var s) && s.ToString() == "\"" + RequestLog.SourceContext + "\"");
        Assert.Equal("\"/nowhere\\nforged\"", line.Properties["RequestPath"].ToString());
        Assert.Equal("404", line.Properties["StatusCode"].ToString());
        Assert.Matches("^\"[0-9A-Za-z:]+\"$", line.Properties[RequestLog.RequestIdProperty].ToString());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", line.TraceId?.ToHexString());
    }

    [Fact]
    public async Task RequestLine_UnderKestrelsConnectionScope_CarriesNoConnectionIdWhileFrameworkLinesKeepTheirScope()
    {
        using var gateway = new GatewayFactory(string.Empty);
        gateway.Server.PreserveExecutionContext = true;
        var client = gateway.CreateClient();
        var loggers = gateway.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
        var kestrel = loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel");

        // Kestrel opens such a scope around each connection; the request runs inside it.
        using (kestrel.BeginScope(new Dictionary<string, object> { ["ConnectionId"] = "0HNCONNSCOPE1" }))
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(kestrel, "connection {Note}", "framework line");
            var response = await client.GetAsync("/nowhere-scoped");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await gateway.Logs.WaitForAsync("responded", TimeSpan.FromSeconds(10));

        var line = Assert.Single(gateway.Logs.Events, e => e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == "\"/nowhere-scoped\"");
        Assert.False(line.Properties.ContainsKey("ConnectionId"));
        var framework = Assert.Single(gateway.Logs.Events, e => e.MessageTemplate.Text == "connection {Note}");
        Assert.Equal("\"0HNCONNSCOPE1\"", framework.Properties["ConnectionId"].ToString());
    }

    [Fact]
    public async Task LinesLoggedInsideARequest_CarryThatRequestsId_AndLinesOutsideNone()
    {
        // Its `broken_then_good` model fails on its first provider and answers from its second.
        using var gateway = new Endpoints.InferenceEndpointTests.DummyGateway();
        var client = gateway.CreateClient();
        const string Body = """{"model_name": "broken_then_good", "input": {"messages": [{"role": "user", "content": "hi"}]}}""";

        // Several at once, so each failure line must name its own request and not a neighbour's.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            client.PostAsync("/inference", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"))));
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var loggers = gateway.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(loggers.CreateLogger("Outside"), "outside {Note}", "any request");
        await gateway.Logs.WaitForAsync("outside", TimeSpan.FromSeconds(10));

        var events = gateway.Logs.Events;
        var requestIds = events
            .Where(e => e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == "\"/inference\"")
            .Select(e => e.Properties[RequestLog.RequestIdProperty].ToString())
            .ToList();
        var failureIds = events
            .Where(e => e.MessageTemplate.Text.StartsWith("Model provider {Provider} of model {Model} failed", StringComparison.Ordinal))
            .Select(e => e.Properties.TryGetValue(RequestLog.RequestIdProperty, out var id) ? id.ToString() : "(none)")
            .ToList();
        Assert.Equal(4, requestIds.Distinct().Count());
        Assert.Equal(requestIds.Order(), failureIds.Order());
        Assert.False(Assert.Single(events, e => e.MessageTemplate.Text == "outside {Note}").Properties.ContainsKey(RequestLog.RequestIdProperty));
    }

    [Fact]
    public async Task UseGatewayRequestLog_AfterTheRequest_TheCallersFlowCarriesNoRequestId()
    {
        var time = new FakeTimeProvider();
        var logs = new LogCapture();
        var logger = new LoggerConfiguration().Enrich.With(new RequestIdEnricher()).WriteTo.Sink(logs).CreateLogger();
        var app = new ApplicationBuilder(new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider());
        app.UseGatewayRequestLog(logger);
        app.Run(_ =>
        {
            logger.Warning("inside");
            return Task.CompletedTask;
        });
        var pipeline = app.Build();

        var request = Request("POST", "/inference");
        request.TraceIdentifier = "0HNTEST:00000001";
        await pipeline(request);
        logger.Warning("after");

        Assert.Equal("\"0HNTEST:00000001\"", Assert.Single(logs.Events, e => e.MessageTemplate.Text == "inside").Properties[RequestLog.RequestIdProperty].ToString());
        Assert.False(Assert.Single(logs.Events, e => e.MessageTemplate.Text == "after").Properties.ContainsKey(RequestLog.RequestIdProperty));
    }
}
