namespace TensorZero.Gateway.Benchmarks;

/// <summary>The request the benchmarks share: a native inference body with a dynamic credential.</summary>
internal static class BenchmarkInputs
{
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
