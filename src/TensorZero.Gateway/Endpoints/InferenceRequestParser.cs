using System.Text.Json;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Validates a <c>POST /inference</c> body. Every rejection is a 400 whose message names the field; values of
/// <c>credentials</c> never appear in a message.
/// </summary>
public static partial class InferenceRequestParser
{
    private static readonly FieldNameSet Supported = new(
    [
        "function_name", "model_name", "episode_id", "input", "stream", "params", "variant_name", "dryrun", "tags", "internal",
        "credentials", "include_original_response", "include_raw_response", "include_raw_usage", "cache_options",
        "allowed_tools", "additional_tools", "tool_choice", "parallel_tool_calls", "output_schema", "extra_body", "extra_headers",
        "provider_tools",
    ]);

    // Accepted by TensorZero; rejected here with a clear message until this gateway implements them.
    private static readonly HashSet<string> NotYetSupported =
    [
        "namespace", "include_aggregated_response", "internal_dynamic_variant_config",
    ];

    private static readonly HashSet<string> ParamKeys =
    [
        "temperature", "max_tokens", "seed", "top_p", "presence_penalty", "frequency_penalty", "json_mode", "stop_sequences",
        "reasoning_effort", "service_tier", "thinking_budget_tokens", "verbosity",
    ];

    /// <param name="protectedHeaders">Headers <c>extra_headers</c> can't set.</param>
    public static InferenceRequest Parse(JsonElement root, TimeProvider time, ProtectedHeaders protectedHeaders)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the request body must be a JSON object");
        }
        foreach (var property in root.EnumerateObject())
        {
            // Known names are looked up without a string of their own; the rest are read once.
            if (Supported.Contains(property))
            {
                continue;
            }
            var name = property.Name;
            if (NotYetSupported.Contains(name))
            {
                if (property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False) && !IsEmpty(property.Value))
                {
                    throw Invalid($"`{name}`: is not supported by this gateway yet");
                }
            }
            else
            {
                throw Invalid($"`{name}`: unknown field");
            }
        }

        var episodeText = OptionalString(root, "episode_id"u8);
        var internalRequest = OptionalBool(root, "internal"u8);
        return new InferenceRequest(
            OptionalString(root, "function_name"u8),
            OptionalString(root, "model_name"u8),
            episodeText is null ? null : EpisodeIds.Validate(episodeText, time),
            ParseInput(root),
            OptionalString(root, "variant_name"u8),
            ParseParams(root),
            ParseTags(root, internalRequest),
            ParseCredentials(root, "credentials"),
            OptionalBool(root, "dryrun"u8),
            OptionalBool(root, "include_original_response"u8),
            OptionalBool(root, "stream"u8))
        {
            AllowedTools = OptionalStringList(root, "allowed_tools"),
            AdditionalTools = ParseAdditionalTools(root),
            CustomTools = ParseCustomTools(root),
            ToolChoice = ParseToolChoice(root),
            ParallelToolCalls = root.TryGetProperty("parallel_tool_calls"u8, out var parallel) && parallel.ValueKind != JsonValueKind.Null
                ? OptionalBool(root, "parallel_tool_calls"u8)
                : null,
            OutputSchema = ParseOutputSchema(root),
            JsonMode = ParseJsonMode(root),
            ExtraBody = RequestExtras.ParseBody(root),
            ProviderTools = ProviderToolParser.Parse(root, "provider_tools"),
            ExtraHeaders = RequestExtras.ParseHeaders(root, protectedHeaders),
            IncludeRawResponse = OptionalBool(root, "include_raw_response"u8),
            IncludeRawUsage = OptionalBool(root, "include_raw_usage"u8),
            Cache = Store.Cache.CacheOptions.Parse(root, "cache_options"),
        };
    }

    /// <summary>
    /// The longest credential value accepted, in characters. Real keys and tokens are far shorter (a GCP service-account
    /// JSON is about 2.5 KB); a longer value is a mistake or an attempt to make the gateway forward huge headers.
    /// </summary>
    public const int MaxCredentialChars = 8 * 1024;

    /// <summary>The <c>credentials</c> map: string values only, each at most <see cref="MaxCredentialChars"/> characters.</summary>
    public static RequestCredentials ParseCredentials(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return RequestCredentials.Empty;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{field}`: must be an object mapping credential names to strings");
        }
        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"`{field}.{entry.Name}`: must be a string");
            }
            var text = entry.Value.GetString()!;
            if (text.Length > MaxCredentialChars)
            {
                throw Invalid($"`{field}.{entry.Name}`: is longer than {MaxCredentialChars} characters, the limit for a credential value");
            }
            if (HasControlCharacter(text))
            {
                throw Invalid($"`{field}.{entry.Name}`: must not contain control characters");
            }
            secrets[entry.Name] = new Secret(text);
        }
        // The map is handed over as it is: the request owns it, and nothing else holds it.
        return secrets.Count == 0 ? RequestCredentials.Empty : new RequestCredentials(secrets);
    }

    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };

    private static string? OptionalString(JsonElement root, ReadOnlySpan<byte> name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"`{JsonFields.Name(name)}`: must be a string");

    private static bool OptionalBool(JsonElement root, ReadOnlySpan<byte> name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid($"`{JsonFields.Name(name)}`: must be a boolean"),
        };

    private static double? OptionalNumber(JsonElement parent, ReadOnlySpan<byte> name, string prefix) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble()
        : throw Invalid($"`{prefix}.{JsonFields.Name(name)}`: must be a {(value.ValueKind == JsonValueKind.Number ? "finite number" : "number")}");

    private static int? OptionalInt(JsonElement parent, ReadOnlySpan<byte> name, string prefix) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw Invalid($"`{prefix}.{JsonFields.Name(name)}`: must be an integer");

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
