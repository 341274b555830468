using System.Text.Json.Nodes;
using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary>
/// Converts TOML values to JSON values (for <c>extra_body</c> and nested provider settings). Plain dictionaries and lists
/// convert like TOML tables and arrays, for settings built in code.
/// </summary>
internal static class TomlJson
{
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long integer => JsonValue.Create(integer),
        double number => JsonValue.Create(number),
        TomlTable table => new JsonObject(table.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        TomlArray array => new JsonArray(array.Select(ToJson).ToArray()),
        TomlTableArray tables => new JsonArray(tables.Select(t => ToJson(t)).ToArray()),
        IEnumerable<KeyValuePair<string, object?>> table => new JsonObject(table.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))),
        IEnumerable<object?> items => new JsonArray(items.Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
