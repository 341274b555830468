using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// A request's <c>provider_tools</c> (<c>tensorzero::provider_tools</c> on <c>/openai/v1</c>): server-side tools of the
/// provider (e.g. Anthropic's or OpenAI's web search), each <c>{"tool": {...}}</c> sent as written, optionally scoped to
/// one model (<c>"scope": {"model_name": ..., "provider_name": ...}</c>), as TensorZero reads them.
/// </summary>
public static class ProviderToolParser
{
    /// <summary>The most tools one request may carry.</summary>
    public const int MaxTools = 64;

    public static IReadOnlyList<TargetedExtra<JsonObject>> Parse(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"`{field}`: must be an array of `{{\"tool\": {{...}}, \"scope\": {{...}}}}` objects");
        }
        if (value.GetArrayLength() > MaxTools)
        {
            throw Invalid($"`{field}`: at most {MaxTools} provider tools");
        }
        var tools = new List<TargetedExtra<JsonObject>>();
        var index = 0;
        foreach (var entry in value.EnumerateArray())
        {
            var path = $"{field}[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object with a `tool`");
            }
            foreach (var property in entry.EnumerateObject())
            {
                if (property.Name is not ("tool" or "scope"))
                {
                    throw Invalid($"`{path}.{property.Name}`: unknown field (valid: tool, scope)");
                }
            }
            if (!entry.TryGetProperty("tool"u8, out var tool))
            {
                throw Invalid($"`{path}.tool`: missing field");
            }
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}.tool`: must be an object (the provider's tool, sent as written)");
            }
            var (model, provider) = Scope(entry, path);
            tools.Add(new TargetedExtra<JsonObject>(JsonNode.Parse(tool.GetRawText())!.AsObject(), ModelName: model, ProviderName: provider));
        }
        return tools;
    }

    // No scope (or null): every provider. A scope names a model and optionally one of its providers
    // (`model_provider_name` is the older spelling of `provider_name`).
    private static (string? Model, string? Provider) Scope(JsonElement entry, string path)
    {
        if (!entry.TryGetProperty("scope"u8, out var scope) || scope.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }
        if (scope.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.scope`: must be an object with `model_name` and optionally `provider_name`");
        }
        string? model = null;
        string? provider = null;
        foreach (var property in scope.EnumerateObject())
        {
            switch (property.Name)
            {
                case "model_name":
                    model = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw Invalid($"`{path}.scope.model_name`: must be a string");
                    break;
                case "provider_name" or "model_provider_name":
                    provider = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw Invalid($"`{path}.scope.{property.Name}`: must be a string"),
                    };
                    break;
                default:
                    throw Invalid($"`{path}.scope.{property.Name}`: unknown field (valid: model_name, provider_name)");
            }
        }
        return model is null ? throw Invalid($"`{path}.scope.model_name`: missing field") : (model, provider);
    }

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
