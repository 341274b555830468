using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Benchmarks;

/// <summary>What the benchmarks share: a native inference body with a dynamic credential, and a one-model config.</summary>
internal static class BenchmarkInputs
{
    /// <summary>A config with one model, <c>bench</c>, on one keyless OpenAI provider.</summary>
    public const string OneModelConfig = """
        [models.bench]
        routing = ["openai"]

        [models.bench.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_key_location = "none"
        """;

    /// <summary>Loads <paramref name="toml"/> as the gateway loads its config file.</summary>
    public static GatewayConfig LoadConfig(ProviderRegistry registry, string toml)
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"tensorzero-bench-{Guid.NewGuid():N}.toml");
        File.WriteAllText(configFile, toml);
        try
        {
            return new ConfigLoader(registry).LoadFile(configFile);
        }
        finally
        {
            File.Delete(configFile);
        }
    }

    public const string CredentialName = "customer_openai_api_key";

    public const string CustomerKey = "sk-benchmark-customer-key-0123456789";

    public const string InferenceBody = """
        {"function_name":"my_function","episode_id":null,
         "input":{"system":"You are terse.","messages":[{"role":"user","content":"What is the capital of Japan?"},
           {"role":"assistant","content":"Tokyo."},{"role":"user","content":[{"type":"text","text":"And of France?"}]}]},
         "params":{"chat_completion":{"temperature":0.2,"max_tokens":64}},
         "tags":{"user_id":"42"},"credentials":{"customer_openai_api_key":"sk-benchmark-customer-key-0123456789"}}
        """;
}
