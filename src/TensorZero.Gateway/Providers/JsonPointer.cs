using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers;

/// <summary>Applies <c>extra_body</c> items (RFC 6901 pointers; a final <c>-</c> appends to an array) to a request body.</summary>
public static class JsonPointer
{
    public static void Apply(JsonObject body, IEnumerable<ExtraBodyItem> items)
    {
        foreach (var item in items)
        {
            var tokens = item.Pointer.Split('/').Skip(1).Select(Unescape).ToArray();
            if (tokens.Length == 0)
            {
                continue;
            }
            JsonNode parent = body;
            for (var i = 0; i < tokens.Length - 1; i++)
            {
                var child = Get(parent, tokens[i]);
                if (child is null)
                {
                    if (item.Delete)
                    {
                        goto next;
                    }
                    child = new JsonObject();
                    Set(parent, tokens[i], child);
                }
                parent = child;
            }
            var last = tokens[^1];
            if (item.Delete)
            {
                Remove(parent, last);
            }
            else
            {
                Set(parent, last, item.Value?.DeepClone());
            }
        next:;
        }
    }

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    private static JsonNode? Get(JsonNode parent, string token) => parent switch
    {
        JsonObject obj => obj[token],
        JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count => array[index],
        _ => null,
    };

    private static void Set(JsonNode parent, string token, JsonNode? value)
    {
        switch (parent)
        {
            case JsonObject obj:
                obj[token] = value;
                break;
            case JsonArray array when token == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count:
                array[index] = value;
                break;
        }
    }

    private static void Remove(JsonNode parent, string token)
    {
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(token);
                break;
            case JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count:
                array.RemoveAt(index);
                break;
        }
    }
}

/// <summary>The provider config's and the request's <c>extra_body</c>, applied in priority order (request last).</summary>
public static class ProviderExtras
{
    public static void Apply(System.Text.Json.Nodes.JsonObject body, Abstractions.ModelRequest request, ProviderConfig config)
    {
        JsonPointer.Apply(body, config.ExtraBody);
        JsonPointer.Apply(body, request.InferenceExtraBody);
    }
}
