using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Providers.Gemini;

/// <summary>JSON Schemas as Gemini accepts them: it rejects <c>additionalProperties</c> and <c>$schema</c>, which TensorZero strips.</summary>
public static class GeminiSchema
{
    private static readonly HashSet<string> PropertyMaps = new(StringComparer.Ordinal) { "properties", "$defs", "definitions", "patternProperties" };

    /// <summary>A copy of <paramref name="schema"/> without the keywords Gemini rejects, at any depth; property names are kept whatever they are.</summary>
    public static JsonObject Clean(JsonObject schema) => CleanSchema(schema);

    private static JsonObject CleanSchema(JsonObject schema)
    {
        var clean = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (key is "additionalProperties" or "$schema")
            {
                continue;
            }
            clean[key] = PropertyMaps.Contains(key) && value is JsonObject map ? CleanMap(map) : CleanNode(value);
        }
        return clean;
    }

    private static JsonObject CleanMap(JsonObject map)
    {
        var clean = new JsonObject();
        foreach (var (name, value) in map)
        {
            clean[name] = CleanNode(value);
        }
        return clean;
    }

    private static JsonNode? CleanNode(JsonNode? node) => node switch
    {
        JsonObject schema => CleanSchema(schema),
        JsonArray array => new JsonArray(array.Select(CleanNode).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
