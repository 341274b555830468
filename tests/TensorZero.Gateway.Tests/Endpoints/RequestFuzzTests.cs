using System.Collections.Concurrent;
using System.Text;
using TensorZero.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Random and mutated bodies on every JSON route, against offline <c>dummy</c> models, streaming included: each gets
/// an answer below 500, in time. The seed is fixed so CI is repeatable; set <c>TZ_FUZZ_SEED</c> to explore others.
/// A failure prints the seed and the bodies that failed.
/// </summary>
public sealed class RequestFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 3000;
    private const int Workers = 4;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(15);

    private const string Config = """
        [gateway]
        max_request_body_bytes = 262144

        [tools.get_temperature]
        description = "Get the current temperature in a given location"
        parameters = "schemas/get_temperature.json"
        strict = true

        [models.echo]
        routing = ["dummy"]
        [models.echo.providers.dummy]
        type = "dummy"
        model_name = "echo"

        [functions.basic]
        type = "chat"
        [functions.basic.variants.echo]
        type = "chat_completion"
        model = "echo"

        [functions.weather]
        type = "chat"
        tools = ["get_temperature"]
        [functions.weather.variants.tool]
        type = "chat_completion"
        model = "dummy::tool"

        [functions.extract]
        type = "json"
        output_schema = "schemas/answer.json"
        [functions.extract.variants.json]
        type = "chat_completion"
        model = "dummy::json"
        json_mode = "strict"

        [functions.templated]
        type = "chat"
        system_schema = "schemas/system.json"
        [functions.templated.variants.v]
        type = "chat_completion"
        model = "echo"
        system_template = "templates/system.minijinja"

        [embedding_models.offline]
        routing = ["dummy"]
        [embedding_models.offline.providers.dummy]
        type = "dummy"
        model_name = "good"
        """;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["schemas/get_temperature.json"] = InferenceToolTests.TemperatureSchema,
        ["schemas/answer.json"] = InferenceToolTests.AnswerSchema,
        ["schemas/system.json"] = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""",
        ["templates/system.minijinja"] = "You are {{ name | title }}.",
    };

    [Fact]
    public async Task JsonRoutes_RandomAndMutatedBodies_NeverA5xxNorAHang()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TZ_FUZZ_SEED"), out var chosen) ? chosen : 20261130;
        var random = new Random(seed);
        var cases = Enumerable.Range(0, Cases).Select(_ => FuzzBodies.Next(random)).ToList();
        using var gateway = new GatewayFactory(Config, files: Files);
        var client = gateway.CreateClient();
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (fuzzCase, _) =>
        {
            using var timeout = new CancellationTokenSource(PerRequest);
            using var content = new ByteArrayContent(fuzzCase.Body);
            content.Headers.ContentType = new("application/json");
            try
            {
                using var response = await client.PostAsync(fuzzCase.Path, content, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if ((int)response.StatusCode >= 500 || text.Contains("Internal error in the gateway", StringComparison.Ordinal))
                {
                    failures.Enqueue($"{(int)response.StatusCode} {fuzzCase.Path} {Show(fuzzCase.Body)} -> {text[..Math.Min(text.Length, 300)]}");
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failures.Enqueue($"no answer within {PerRequest.TotalSeconds} s: {fuzzCase.Path} {Show(fuzzCase.Body)}");
            }
        });

        output.WriteLine($"seed {seed}: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(failures.IsEmpty, $"seed {seed} (rerun with TZ_FUZZ_SEED={seed}): {failures.Count} failures, first ones:\n"
            + string.Join("\n", failures.Take(10)));
        Assert.True(statuses.GetValueOrDefault(200) > Cases / 10, "too few valid requests: the mutations no longer exercise the routes");
    }

    private static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 600 ? text : $"{text[..600]}... ({body.Length} bytes)";
    }
}
