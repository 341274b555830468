using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Providers;

/// <summary>Tolerant reads of provider JSON: a value of another type counts as absent.</summary>
public static class JsonRead
{
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? Long(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    /// <summary>
    /// The named property of an object; an undefined element (<c>default</c>) when it is absent or
    /// <paramref name="element"/> is not an object, so reads can be chained like <c>node?["a"]?["b"]</c>.
    /// </summary>
    /// <remarks>
    /// The name is UTF-8 (a <c>u8</c> literal): a <see cref="string"/> name would be transcoded to UTF-8 on every lookup,
    /// for every field of every answer and stream chunk.
    /// </remarks>
    public static JsonElement Property(JsonElement element, ReadOnlySpan<byte> utf8Name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(utf8Name, out var value) ? value : default;

    /// <summary>Whether an element carries a value: it is there and not JSON <c>null</c> (what a <see cref="JsonNode"/> read gives as null).</summary>
    public static bool HasValue(JsonElement element) => element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    public static string? String(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    /// <summary>Whether the element is a string equal to <paramref name="utf8Text"/>, compared without making a string of it.</summary>
    public static bool IsString(JsonElement element, ReadOnlySpan<byte> utf8Text) =>
        element.ValueKind == JsonValueKind.String && element.ValueEquals(utf8Text);

    public static long? Long(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number) ? number : null;

    /// <summary>
    /// The element as compact JSON text, exactly as <see cref="JsonNode.ToJsonString"/> writes the same value
    /// (default escaping, so not always the text as received).
    /// </summary>
    public static string CompactText(JsonElement element) => Written(writer => element.WriteTo(writer));

    /// <summary>The JSON text <paramref name="write"/> writes, with <paramref name="options"/> (default escaping unless given).</summary>
    public static string Written(Action<Utf8JsonWriter> write, JsonWriterOptions options = default)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
