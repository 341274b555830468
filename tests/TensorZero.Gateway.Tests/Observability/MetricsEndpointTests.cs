using System.Net;
using System.Text.RegularExpressions;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> on the whole gateway against a fake OpenAI server: what moves after a success, a provider error
/// and a stream, that client-chosen names never become label values, and that no key reaches the output.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string Canary = "sk-canary-metrics-4b8d2e6f1a3c";
    private const string EnvCanary = "sk-canary-metrics-env-7c1e5a9d3b2f";

    private FakeOpenAIServer _openai = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _openai.ValidKeys.Add(Canary);
        _openai.ValidKeys.Add(EnvCanary);
    }

    public async Task DisposeAsync() => await _openai.DisposeAsync();

    private GatewayFactory Gateway() => new($$"""
        [gateway]
        observability.enabled = false

        [models.gpt]
        routing = ["openai"]

        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "dynamic::customer_key"

        [models.gpt_env]
        routing = ["openai_env"]

        [models.gpt_env.providers.openai_env]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{_openai.BaseUrl}}"
        api_key_location = "env::METRICS_TEST_KEY"

        [functions.chat]
        type = "chat"

        [functions.chat.variants.main]
        type = "chat_completion"
        model = "gpt"
        """, new Dictionary<string, string> { ["METRICS_TEST_KEY"] = EnvCanary });

    private static object Chat(string key, bool stream = false) => new
    {
        function_name = "chat",
        input = GatewayClient.UserMessage("hello"),
        credentials = new Dictionary<string, string> { ["customer_key"] = key },
        stream,
    };

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of the series written exactly as <paramref name="series"/> (name and labels); null when absent.</summary>
    private static double? Value(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Series(string metrics) => metrics.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));

    [Fact]
    public async Task Inference_Success_CountsRequestInferenceTokensAndOverhead()
    {
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        var (status, _, raw) = await client.PostInferenceAsync(Chat(Canary));
        Assert.True(status == HttpStatusCode.OK, raw);
        var openai = await client.PostInferenceAsyncAt("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::function_name::chat",
            ["messages"] = new[] { new { role = "user", content = "hello" } },
            ["tensorzero::credentials"] = new Dictionary<string, string> { ["customer_key"] = Canary },
        });
        var metrics = await ScrapeAsync(client);

        Assert.True(openai.Status == HttpStatusCode.OK, openai.Raw);
        Assert.Equal(1, Value(metrics, """tensorzero_requests_total{endpoint="/inference",status="200"}"""));
        Assert.Equal(1, Value(metrics, """tensorzero_requests_total{endpoint="/openai/v1/chat/completions",status="200"}"""));
        const int answered = 2;
        Assert.Equal(answered, Value(metrics, """tensorzero_inferences_total{function_name="chat",variant_name="main",model_name="gpt",provider_name="openai"}"""));
        Assert.Equal(answered * FakeAnswer.InputTokens, Value(metrics, "tensorzero_input_tokens_total"));
        Assert.Equal(answered * FakeAnswer.OutputTokens, Value(metrics, "tensorzero_output_tokens_total"));
        Assert.Equal(answered, Value(metrics, """tensorzero_inference_latency_overhead_seconds_count{function_name="chat",variant_name="main"}"""));
        Assert.NotNull(Value(metrics, """tensorzero_inference_latency_overhead_seconds_bucket{function_name="chat",variant_name="main",le="0.001"}"""));
        Assert.DoesNotContain("provider_errors_total{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_ProviderFails_CountsTheErrorByKindAndNoInference()
    {
        _openai.FailWithStatus = 500;
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        var (status, _, _) = await client.PostInferenceAsync(Chat(Canary));
        var metrics = await ScrapeAsync(client);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal(1, Value(metrics, """tensorzero_requests_total{endpoint="/inference",status="502"}"""));
        Assert.Equal(1, Value(metrics, """tensorzero_provider_errors_total{model_name="gpt",provider_name="openai",kind="provider_server"}"""));
        Assert.DoesNotContain("tensorzero_inferences_total{", metrics, StringComparison.Ordinal);
        Assert.Equal(0, Value(metrics, "tensorzero_input_tokens_total"));
    }

    [Fact]
    public async Task Inference_Streamed_CountsInferenceAndTokensWhenTheStreamEnds()
    {
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        var (status, _, raw) = await StreamAsync(client, Chat(Canary, stream: true));
        var metrics = await ScrapeAsync(client);

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Contains("[DONE]", raw, StringComparison.Ordinal);
        Assert.Equal(1, Value(metrics, """tensorzero_inferences_total{function_name="chat",variant_name="main",model_name="gpt",provider_name="openai"}"""));
        Assert.Equal(FakeAnswer.InputTokens, Value(metrics, "tensorzero_input_tokens_total"));
        Assert.Equal(FakeAnswer.OutputTokens, Value(metrics, "tensorzero_output_tokens_total"));
        Assert.Equal(1, Value(metrics, """tensorzero_inference_latency_overhead_seconds_count{function_name="chat",variant_name="main"}"""));
    }

    [Fact]
    public async Task Inference_StreamFailsMidway_CountsTheProviderError()
    {
        _openai.StreamErrorAfterChunks = 1;
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        await StreamAsync(client, Chat(Canary, stream: true));
        var metrics = await ScrapeAsync(client);

        Assert.Single(Series(metrics), l => l.StartsWith("tensorzero_provider_errors_total{model_name=\"gpt\",provider_name=\"openai\",", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_ClientChosenNames_CreateNoNewSeries()
    {
        using var gateway = Gateway();
        var client = gateway.CreateClient();
        await client.PostInferenceAsync(new { model_name = "dummy::warmup", input = GatewayClient.UserMessage("hi") });
        var before = Series(await ScrapeAsync(client)).Select(l => l[..l.LastIndexOf(' ')]).ToHashSet();

        for (var i = 0; i < 25; i++)
        {
            // Shorthand models with names of the client's choosing, unknown functions, variants and models, raw paths.
            await client.PostInferenceAsync(new { model_name = $"dummy::attack-model-{i}", input = GatewayClient.UserMessage("hi") });
            await client.PostInferenceAsync(new { function_name = $"attack-function-{i}", input = GatewayClient.UserMessage("hi") });
            await client.PostInferenceAsync(new { function_name = "chat", variant_name = $"attack-variant-{i}", input = GatewayClient.UserMessage("hi") });
            await client.PostInferenceAsync(new { model_name = $"attack-unknown-model-{i}", input = GatewayClient.UserMessage("hi") });
            await client.GetAsync($"/attack-path-{i}");
            await client.GetAsync($"/inferences/attack-id-{i}");
        }
        var metrics = await ScrapeAsync(client);
        var after = Series(metrics).Select(l => l[..l.LastIndexOf(' ')]).ToHashSet();

        Assert.DoesNotContain("attack", metrics, StringComparison.Ordinal);
        Assert.Equal(26, Value(metrics, """tensorzero_inferences_total{function_name="tensorzero::default",variant_name="tensorzero::shorthand",model_name="tensorzero::shorthand",provider_name="dummy"}"""));
        // Only the new status codes and routes of those requests, whatever the number of distinct names sent.
        var added = after.Except(before).ToList();
        Assert.All(added, s => Assert.StartsWith("tensorzero_requests_total{", s, StringComparison.Ordinal));
        Assert.True(added.Count <= 4, string.Join("\n", added));
    }

    [Fact]
    public async Task Metrics_KeysInRequestsEnvironmentAndProviderAnswers_NeverAppear()
    {
        _openai.EchoFullKeyOnAuthError = true;
        _openai.Reply = _ => $"echo: your key is {Canary}";
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        await client.PostInferenceAsync(Chat(Canary));
        await client.PostInferenceAsync(Chat("sk-wrong-" + Canary));
        await client.PostInferenceAsync(new { model_name = "gpt_env", input = GatewayClient.UserMessage(EnvCanary) });
        await StreamAsync(client, Chat(Canary, stream: true));
        var metrics = await ScrapeAsync(client);

        Assert.Contains("tensorzero_provider_errors_total{", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(EnvCanary, metrics, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("sk-[A-Za-z0-9-]{8,}"), metrics);
    }

    [Fact]
    public async Task Requests_ProbesAndScrapes_AreNotCounted()
    {
        using var gateway = Gateway();
        var client = gateway.CreateClient();

        await client.GetAsync("/health");
        await client.GetAsync("/status");
        await ScrapeAsync(client);
        var metrics = await ScrapeAsync(client);

        Assert.DoesNotContain("tensorzero_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Equal(0, Value(metrics, "tensorzero_store_dropped_rows_total"));
    }

    [Fact]
    public async Task OverheadHistogram_CustomBuckets_AreTheConfiguredOnes()
    {
        using var gateway = new GatewayFactory("""
            [gateway]
            observability.enabled = false
            metrics.tensorzero_inference_latency_overhead_seconds_buckets = [0.0001, 1.0, 10]
            """);
        var client = gateway.CreateClient();

        await client.PostInferenceAsync(new { model_name = "dummy::good", input = GatewayClient.UserMessage("hi") });
        var metrics = await ScrapeAsync(client);

        var buckets = Series(metrics).Where(l => l.StartsWith("tensorzero_inference_latency_overhead_seconds_bucket{", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, "le=\"([^\"]+)\"").Groups[1].Value).ToList();
        Assert.Equal(["0.0001", "1", "10", "+Inf"], buckets);
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Raw)> StreamAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsync("/inference", System.Net.Http.Json.JsonContent.Create(body));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
