using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Request-time <c>extra_body</c> and <c>extra_headers</c>. Header values can't carry line breaks (no header injection),
/// and headers that carry credentials or framing (<see cref="ProtectedHeaders"/>) can't be set from a request.
/// </summary>
public static class RequestExtras
{
    /// <param name="field">The body field holding the items (<c>extra_body</c>, or an extension field of another API).</param>
    public static IReadOnlyList<TargetedExtra<ExtraBodyItem>> ParseBody(JsonElement root, string field = "extra_body") =>
        !Present(root, field) ? [] : Items(root, field, static (item, path) =>
        {
            var pointer = JsonFields.OptionalString(item, "pointer"u8, path) ?? throw Invalid($"`{path}.pointer`: is required");
            if (!pointer.StartsWith('/'))
            {
                throw Invalid($"`{path}.pointer`: must be a JSON pointer starting with `/`");
            }
            var delete = Delete(item, path);
            var hasValue = item.TryGetProperty("value"u8, out var value);
            if (delete == hasValue)
            {
                throw Invalid($"`{path}`: needs exactly one of `value` or `\"delete\": true`");
            }
            return new ExtraBodyItem(pointer, hasValue ? JsonNode.Parse(value.GetRawText()) : null, delete);
        }, BodyKeys);

    private static readonly string[] BodyKeys = ["pointer", "value", "delete", "model_provider_name"];
    private static readonly string[] HeaderKeys = ["name", "value", "delete"];

    /// <param name="protectedHeaders">Names the items can't set.</param>
    /// <param name="field">The body field holding the items (<c>extra_headers</c>, or an extension field of another API).</param>
    public static IReadOnlyList<TargetedExtra<ExtraHeaderItem>> ParseHeaders(JsonElement root, ProtectedHeaders protectedHeaders, string field = "extra_headers") =>
        !Present(root, field) ? [] : Items(root, field, (item, path) =>
        {
            var name = JsonFields.OptionalString(item, "name"u8, path) ?? throw Invalid($"`{path}.name`: is required");
            if (protectedHeaders.Contains(name))
            {
                throw Invalid($"`{path}.name`: `{name}` can't be set from a request (it carries credentials or framing)");
            }
            if (ExtraHeaderRules.NameProblem(name) is { } nameProblem)
            {
                throw Invalid($"`{path}.name`: {nameProblem}");
            }
            var delete = Delete(item, path);
            var value = JsonFields.OptionalString(item, "value"u8, path);
            if (delete == (value is not null))
            {
                throw Invalid($"`{path}`: needs exactly one of `value` or `\"delete\": true`");
            }
            if (value is not null && ExtraHeaderRules.ValueProblem(value) is { } valueProblem)
            {
                throw Invalid($"`{path}.value`: {valueProblem}");
            }
            return new ExtraHeaderItem(name, value, delete);
        }, HeaderKeys);

    // Most requests carry neither field: they get the shared empty list, and no parser delegate is made for them.
    private static bool Present(JsonElement root, string field) =>
        root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    private static List<TargetedExtra<T>> Items<T>(JsonElement root, string field, Func<JsonElement, string, T> parse, string[] keys)
    {
        var items = new List<TargetedExtra<T>>();
        var array = root.GetProperty(field);
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"`{field}`: must be an array");
        }
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object");
            }
            foreach (var property in item.EnumerateObject())
            {
                if (!keys.Contains(property.Name) && property.Name is not ("variant_name" or "model_name" or "provider_name"))
                {
                    throw Invalid($"`{path}.{property.Name}`: unknown field");
                }
            }
            var variant = JsonFields.OptionalString(item, "variant_name"u8, path);
            var model = JsonFields.OptionalString(item, "model_name"u8, path);
            var provider = JsonFields.OptionalString(item, "provider_name"u8, path);
            if (variant is not null && model is not null)
            {
                throw Invalid($"`{path}`: use either `variant_name` or `model_name`, not both");
            }
            if (provider is not null && model is null)
            {
                throw Invalid($"`{path}.provider_name`: needs `model_name`");
            }
            // 2025 clients name the provider with one string; it targets that model's provider, as it did then.
            if (keys.Contains("model_provider_name") && JsonFields.OptionalString(item, "model_provider_name"u8, path) is { } legacy)
            {
                if (variant is not null || model is not null)
                {
                    throw LegacyModelProviderName.Conflict(path);
                }
                (model, provider) = LegacyModelProviderName.Parse(legacy, path);
            }
            items.Add(new TargetedExtra<T>(parse(item, path), variant, model, provider));
        }
        return items;
    }

    private static bool Delete(JsonElement item, string path) =>
        item.TryGetProperty("delete"u8, out var delete) && delete.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw Invalid($"`{path}.delete`: must be a boolean"),
        };


    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
