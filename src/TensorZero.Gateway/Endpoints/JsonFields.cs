using System.Text.Json;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>Typed reads of request fields for the native API: a wrong type is a 400 naming <c>{path}.{name}</c>, never quoting the value.</summary>
internal static class JsonFields
{
    public static string RequiredString(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw GatewayError.InvalidRequest($"`{path}.{Name(name)}`: must be a string");

    /// <summary>
    /// TensorZero's text for an absent required field, <c>{path}: missing field `{name}`</c> (just <c>missing field
    /// `{name}`</c> at the top level), which clients match on.
    /// </summary>
    public static string MissingField(string? parentPath, string name) =>
        string.IsNullOrEmpty(parentPath) ? $"missing field `{name}`" : $"{parentPath}: missing field `{name}`";

    public static string? OptionalString(JsonElement parent, ReadOnlySpan<byte> name, string path) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw GatewayError.InvalidRequest($"`{path}.{Name(name)}`: must be a string");

    /// <summary>A field's UTF-8 name as text, for an error message.</summary>
    public static string Name(ReadOnlySpan<byte> utf8Name) => System.Text.Encoding.UTF8.GetString(utf8Name);
}
