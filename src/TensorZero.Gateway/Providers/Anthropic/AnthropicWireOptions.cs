using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Providers.Anthropic;

/// <summary>
/// What differs between Anthropic's own Messages API and hosts that serve the same body (Vertex AI's
/// <c>rawPredict</c>): the model field, a body-level API version, strict tools and the JSON-mode features.
/// </summary>
/// <param name="ModelName">The model, used for the default <c>max_tokens</c> (and sent as <c>model</c> when <see cref="SendModel"/>).</param>
/// <param name="SendModel">Anthropic names the model in the body; Vertex names it in the URL.</param>
/// <param name="AnthropicVersion">A body-level <c>anthropic_version</c> (Vertex: <c>vertex-2023-10-16</c>); Anthropic uses a header instead.</param>
/// <param name="StrictTools">Whether tools carry <c>strict</c>.</param>
/// <param name="NativeJsonMode">Whether JSON mode uses an assistant prefill and <c>output_config.format</c>; without it only <c>tool</c> mode asks for JSON.</param>
/// <param name="ProviderTools">Server tools from the provider config (e.g. web search), sent as written after the function tools.</param>
/// <param name="HostName">The host as errors name it: <c>Anthropic</c> or <c>GCP Vertex Anthropic</c>.</param>
/// <param name="SendsServiceTier">Whether <c>service_tier</c> is sent (Anthropic's API; Vertex has none).</param>
public sealed record AnthropicWireOptions(
    string ModelName,
    bool SendModel = true,
    string? AnthropicVersion = null,
    bool StrictTools = true,
    bool NativeJsonMode = true,
    JsonArray? ProviderTools = null,
    string HostName = "Anthropic",
    bool SendsServiceTier = true);

/// <summary>The <c>max_tokens</c> Anthropic requires on every request, by model, for callers that set none.</summary>
public static class AnthropicMaxTokens
{
    // Most specific prefixes first. A Vertex model id (`claude-haiku-4-5@20251001`) is looked up without its `@` suffix.
    private static readonly (string Prefix, int MaxTokens)[] Defaults =
    [
        ("claude-3-haiku", 4_096),
        ("claude-3-opus", 4_096),
        ("claude-3-5-", 8_192),
        ("claude-3-7-sonnet", 64_000),
        ("claude-sonnet-4", 64_000),
        ("claude-haiku-4-5", 64_000),
        ("claude-opus-4-6", 128_000),
        ("claude-opus-4-5", 64_000),
        ("claude-opus-4-1", 32_000),
        ("claude-opus-4-0", 32_000),
        ("claude-opus-4-20", 32_000),
    ];

    /// <summary>The <c>max_tokens</c> Anthropic requires when the caller sets none, from the model's name.</summary>
    public static int DefaultFor(string modelName)
    {
        var at = modelName.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? modelName : modelName[..at];
        // Vertex names the first Opus 4 `claude-opus-4@20250514`.
        if (name == "claude-opus-4")
        {
            return 32_000;
        }
        foreach (var (prefix, maxTokens) in Defaults)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return maxTokens;
            }
        }
        throw GatewayError.InvalidRequest(
            $"The gateway doesn't know the output token limit for `{modelName}` and Anthropic requires a `max_tokens` value. " +
            "Set `max_tokens` in the variant or in the inference request's `params`.");
    }
}
