using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

/// <summary>How a fake authenticates requests.</summary>
public enum FakeAuth
{
    /// <summary><c>Authorization: Bearer {key}</c>.</summary>
    Bearer,

    /// <summary>Azure's <c>api-key: {key}</c>; a Bearer header is not a key to Azure.</summary>
    ApiKey,
}

/// <summary>
/// What one server of the OpenAI chat-completions family does differently on the wire, as its real API does: auth
/// header, error bodies (providers.md §3.4), and response quirks.
/// </summary>
/// <param name="Type">The provider type this fake stands in for.</param>
/// <param name="ArgumentsAsObject">TGI: tool arguments are a JSON object, and stream <c>tool_calls</c> is a single object.</param>
/// <param name="WholeToolCalls">Mistral: stream tool calls arrive whole, without <c>index</c>.</param>
/// <param name="ReasoningTokens">xAI: usage carries <c>completion_tokens_details.reasoning_tokens</c>.</param>
public sealed record FakeWire(
    string Type,
    FakeAuth Auth = FakeAuth.Bearer,
    bool ArgumentsAsObject = false,
    bool WholeToolCalls = false,
    bool ReasoningTokens = false)
{
    public static readonly FakeWire OpenAI = new("openai");

    public static FakeWire For(string type) => type switch
    {
        "azure" => new(type, FakeAuth.ApiKey),
        "tgi" => new(type, ArgumentsAsObject: true),
        "mistral" => new(type, WholeToolCalls: true),
        "xai" => new(type, ReasoningTokens: true),
        _ => new(type),
    };

    /// <summary>The provider's error body for <paramref name="status"/>; <paramref name="shownKey"/> is the key as the API echoes it (null: none sent).</summary>
    public JsonNode ErrorBody(int status, string? shownKey, bool keyPresented)
    {
        var message = Message(status, shownKey, keyPresented);
        return Type switch
        {
            "azure" => new JsonObject { ["error"] = new JsonObject { ["code"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message"] = message } },
            "vllm" or "sglang" or "hyperbolic" => new JsonObject
            {
                ["object"] = "error",
                ["message"] = message,
                ["type"] = status == 401 ? "Unauthorized" : "BadRequestError",
                ["param"] = null,
                ["code"] = status,
            },
            "mistral" => new JsonObject { ["object"] = "error", ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = null },
            "tgi" => new JsonObject { ["error"] = message, ["error_type"] = status == 401 ? "authentication" : "validation" },
            "openrouter" => new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["metadata"] = new JsonObject() } },
            "xai" => new JsonObject { ["code"] = "Client specified an invalid argument", ["error"] = message },
            _ => new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = message,
                    ["type"] = status switch { 401 => "invalid_request_error", 429 => "requests", _ => "server_error" },
                    ["param"] = null,
                    ["code"] = status switch { 401 when keyPresented => "invalid_api_key", 429 => "rate_limit_exceeded", _ => null },
                },
            },
        };
    }

    /// <summary>An error event in the middle of a stream, in the provider's shape.</summary>
    public JsonNode StreamErrorEvent() => Type switch
    {
        "tgi" => new JsonObject { ["error"] = "Request failed during generation: Server error: CUDA out of memory", ["error_type"] = "generation" },
        "vllm" or "sglang" or "mistral" => new JsonObject { ["object"] = "error", ["message"] = "Internal server error", ["type"] = "InternalServerError", ["code"] = 500 },
        _ => new JsonObject { ["error"] = new JsonObject { ["message"] = "The server had an error while processing your request.", ["type"] = "server_error" } },
    };

    private string Message(int status, string? shownKey, bool keyPresented) => (status, Type) switch
    {
        (401, "openai") when keyPresented => $"Incorrect API key provided: {shownKey}. You can find your API key at https://platform.openai.com/account/api-keys.",
        (401, "openai") => "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        (401, "deepseek") when keyPresented => $"Authentication Fails, Your api key: {shownKey} is invalid",
        (401 or 400, "xai") when keyPresented => $"Incorrect API key provided: {shownKey}. You can obtain an API key from https://console.x.ai.",
        (401, "azure") => "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
        (401, "groq") => "Invalid API Key",
        (401, "together") => "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.",
        (401, "openrouter") => keyPresented ? "User not found." : "No auth credentials found",
        (401, _) => "Unauthorized",
        (403, _) => "You are not allowed to use this model.",
        (429, _) => "Rate limit reached for requests. Please try again later.",
        (404, _) => "The model does not exist or you do not have access to it.",
        _ => "The server had an error while processing your request.",
    };

    /// <summary>How the real API echoes a wrong key: OpenAI and xAI mask the middle, DeepSeek shows only the end, others not at all.</summary>
    public string? ShownKey(string key, bool echoFullKey)
    {
        if (echoFullKey)
        {
            return key;
        }
        return Type switch
        {
            "openai" or "xai" => key.Length <= 8 ? new string('*', key.Length) : key[..3] + new string('*', key.Length - 7) + key[^4..],
            "deepseek" => "****" + key[^4..],
            _ => null,
        };
    }
}
