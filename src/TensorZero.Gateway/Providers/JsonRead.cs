using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Providers;

/// <summary>Tolerant reads of provider JSON: a value of another type counts as absent.</summary>
public static class JsonRead
{
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? Long(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}
