using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>
/// A configuration in the shape of TensorZero's own end-to-end one (several files, every provider type, templates that
/// include files under a filesystem base, evaluations, metrics, provider-type tables) loads unchanged.
/// </summary>
public sealed class TensorZeroShapeConfigTests
{
    private static readonly string Glob = Path.Combine(AppContext.BaseDirectory, "Configuration", "TensorZeroShape", "config", "*.toml");

    private static readonly Dictionary<string, string> ProviderKeys = new[]
    {
        "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY", "GOOGLE_API_KEY", "DEEPSEEK_API_KEY", "FIREWORKS_API_KEY",
        "HYPERBOLIC_API_KEY", "MISTRAL_API_KEY", "OPENROUTER_API_KEY", "TOGETHER_API_KEY", "XAI_API_KEY", "GROQ_API_KEY",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    }.ToDictionary(name => name, name => $"test-{name.ToLowerInvariant()}-value");

    [Fact]
    public void Load_WholeDirectory_BuildsEveryModelFunctionAndVariant()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(Glob);
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var runtime = GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(ProviderKeys), services);

        Assert.Equal(25, config.Models.Count);
        Assert.Equal(3, config.EmbeddingModels.Count);
        Assert.Equal("azure", runtime.EmbeddingModels.Get("azure-text-embedding-3-small").Providers[0].Provider.Type);
        Assert.Equal("aws_sagemaker", runtime.Models.Get("gemma-3-1b-aws-sagemaker-tgi").Providers[0].Provider.Type);
        Assert.Equal(["answer", "assistant", "extract", "forced_tool"], config.Functions.Keys.Order(StringComparer.Ordinal));
        Assert.True(runtime.Functions.TryGet("answer", out var answer));
        Assert.Equal(8, answer.Variants.Count);
        Assert.Contains("system", answer.Variants["dummy"].Templates.Keys);
        Assert.NotNull(answer.Variants["best_of_two"].Strategy);
        Assert.NotNull(answer.Variants["fused"].Strategy);
        Assert.True(runtime.Functions.TryGet("extract", out var extract));
        Assert.Same(runtime.Models.Get("gpt-mini"), extract.Variants["thinking"].Model);
        Assert.NotNull(extract.Variants["thinking"].Strategy);
        Assert.Contains(config.Warnings, w => w.StartsWith("`functions.answer.variants.openai.extra_headers[0].name` is skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inference_TemplateIncludingAFileUnderTheBase_RendersThroughTheGateway()
    {
        using var gateway = new GatewayFactory(string.Empty, ProviderKeys) { ConfigFileArgument = Glob };

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "answer",
            variant_name = "dummy",
            input = new { system = new { assistant_name = "Ada" }, messages = new[] { new { role = "user", content = "hello" } } },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        var echoed = System.Text.Json.Nodes.JsonNode.Parse(body["content"]![0]!["text"]!.GetValue<string>())!;
        Assert.Equal("You are a calm, precise assistant, and your name is Ada.", echoed["system"]!.GetValue<string>());
        Assert.NotNull(gateway.Services.GetRequiredService<GatewayRuntime>());
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP while loading");
    }
}
