using System.Text.Json;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>Typed reads of OpenAI request fields; a wrong type is a 400 naming the field's path, never quoting its value.</summary>
internal static class OpenAIJson
{
    /// <summary>TensorZero's prefix for errors that are specific to the OpenAI-compatible API.</summary>
    public const string InvalidRequestPrefix = "Invalid request to OpenAI-compatible endpoint: ";

    /// <summary>An error TensorZero reports as <c>InvalidOpenAICompatibleRequest</c>.</summary>
    public static GatewayError InvalidOpenAIRequest(string message) => GatewayError.InvalidRequest(InvalidRequestPrefix + message);

    public static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);

    /// <summary>
    /// The property, or false when it is absent or <c>null</c> (OpenAI clients send <c>null</c> for "not set"). Names are
    /// UTF-8 (<c>u8</c> literals) where they are known: a string name is transcoded on every lookup.
    /// </summary>
    public static bool TryGet(JsonElement parent, ReadOnlySpan<byte> name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <inheritdoc cref="TryGet(JsonElement, ReadOnlySpan{byte}, out JsonElement)"/>
    public static bool TryGet(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string? OptionalString(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"`{path}`: must be a string");

    /// <summary>A string field that must be there; absent (or null) is TensorZero's <c>missing field</c> error.</summary>
    public static string RequiredString(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        OptionalString(parent, name, path) ?? throw MissingField(path);

    /// <summary>
    /// TensorZero's error for an absent required field, <c>{parent}: missing field `{name}`</c>, from the field's full
    /// path (<c>messages[0].role</c>); a top-level field is just <c>missing field `model`</c>.
    /// </summary>
    public static GatewayError MissingField(string path)
    {
        var dot = path.LastIndexOf('.');
        return Invalid(JsonFields.MissingField(dot < 0 ? null : path[..dot], dot < 0 ? path : path[(dot + 1)..]));
    }

    public static bool? OptionalBool(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"`{path}`: must be a boolean"),
        };

    public static double? OptionalNumber(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble()
        : throw Invalid($"`{path}`: must be a {(value.ValueKind == JsonValueKind.Number ? "finite number" : "number")}");

    public static int? OptionalInt(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        !TryGet(parent, name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw Invalid($"`{path}`: must be an integer");

    public static int? OptionalNonNegativeInt(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        OptionalInt(parent, name, path) is { } number
            ? number >= 0 ? number : throw Invalid($"`{path}`: must not be negative")
            : null;

    /// <summary>A string or an array of strings (OpenAI's <c>stop</c>).</summary>
    public static IReadOnlyList<string>? OptionalStringOrList(JsonElement parent, ReadOnlySpan<byte> name, string path)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
                => value.EnumerateArray().Select(v => v.GetString()!).ToList(),
            _ => throw Invalid($"`{path}`: must be a string or an array of strings"),
        };
    }
}
