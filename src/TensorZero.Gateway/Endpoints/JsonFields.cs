using System.Text.Json;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Endpoints;

/// <summary>Typed reads of request fields for the native API: a wrong type is a 400 naming <c>{path}.{name}</c>, never quoting the value.</summary>
internal static class JsonFields
{
    public static string RequiredString(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw GatewayError.InvalidRequest($"`{path}.{name}`: must be a string");

    /// <summary>
    /// TensorZero's text for an absent required field, <c>{path}: missing field `{name}`</c> (just <c>missing field
    /// `{name}`</c> at the top level), which clients match on.
    /// </summary>
    public static string MissingField(string? parentPath, string name) =>
        string.IsNullOrEmpty(parentPath) ? $"missing field `{name}`" : $"{parentPath}: missing field `{name}`";

    public static string? OptionalString(JsonElement parent, string name, string path) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw GatewayError.InvalidRequest($"`{path}.{name}`: must be a string");
}
