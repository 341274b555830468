using System.Text;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>One request of the fuzz test.</summary>
public sealed record FuzzCase(string Path, byte[] Body);

/// <summary>
/// Request bodies for fuzzing the JSON routes: valid requests with a few mutations each (values of the wrong type,
/// huge or non-finite numbers, lone surrogates, deep nesting, missing and unknown fields, truncation, stray bytes), and
/// now and then pure noise. Only offline models appear, and no URL a file block would fetch.
/// </summary>
public static class FuzzBodies
{
    private const string Inference = "/inference";
    private const string Chat = "/openai/v1/chat/completions";
    private const string Embeddings = "/openai/v1/embeddings";

    private static readonly (string Path, string Json)[] Seeds =
    [
        (Inference, """{"function_name":"basic","input":{"messages":[{"role":"user","content":"hello"}]}}"""),
        (Inference, """{"function_name":"basic","stream":true,"input":{"messages":[{"role":"user","content":"hello"}]}}"""),
        (Inference, """{"model_name":"echo","episode_id":null,"dryrun":false,"input":{"system":"be nice","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]},{"role":"assistant","content":"ok"},{"role":"user","content":"again"}]},"params":{"chat_completion":{"temperature":0.5,"max_tokens":100,"seed":1,"top_p":0.9,"presence_penalty":0.1,"frequency_penalty":0.1,"stop_sequences":["x"]}},"tags":{"a":"b"}}"""),
        (Inference, """{"function_name":"weather","input":{"messages":[{"role":"user","content":"weather?"}]},"tool_choice":"auto","parallel_tool_calls":true,"allowed_tools":["get_temperature"],"additional_tools":[{"name":"other","description":"d","parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":false}]}"""),
        (Inference, """{"function_name":"weather","stream":true,"input":{"messages":[{"role":"user","content":"weather?"}]},"tool_choice":{"specific":"get_temperature"}}"""),
        (Inference, """{"function_name":"extract","input":{"messages":[{"role":"user","content":"x"}]},"output_schema":{"type":"object","properties":{"answer":{"type":"string"}}},"params":{"chat_completion":{"json_mode":"strict"}}}"""),
        (Inference, """{"function_name":"extract","stream":true,"input":{"messages":[{"role":"user","content":"x"}]}}"""),
        (Inference, """{"function_name":"templated","input":{"system":{"name":"bob","extra":["a",1]},"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"raw_text","value":"raw"}]},{"role":"assistant","content":[{"type":"thought","text":"hmm","signature":"s"},{"type":"tool_call","id":"1","name":"get_temperature","arguments":{"location":"x"}}]},{"role":"user","content":[{"type":"tool_result","id":"1","name":"get_temperature","result":"20"}]}]}}"""),
        (Inference, """{"model_name":"dummy::echo","input":{"messages":[{"role":"user","content":[{"type":"file","file_type":"base64","data":"aGVsbG8=","mime_type":"text/plain","filename":"a.txt"},{"type":"text","text":"what is it?"}]}]},"credentials":{"k":"v"},"extra_headers":[{"name":"X-A","value":"1"}],"extra_body":[{"pointer":"/a","value":1}],"include_original_response":true}"""),
        (Inference, """{"model_name":"dummy::echo","stream":true,"input":{"messages":[{"role":"user","content":"hi"}]},"extra_body":[{"model_name":"dummy::echo","pointer":"/b","delete":true}],"extra_headers":[{"variant_name":"v","name":"X-B","delete":true}]}"""),
        (Chat, """{"model":"tensorzero::function_name::basic","messages":[{"role":"user","content":"hi"}]}"""),
        (Chat, """{"model":"tensorzero::function_name::basic","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""),
        (Chat, """{"model":"tensorzero::model_name::echo","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_temperature","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"20"}],"temperature":0.2,"max_tokens":10,"max_completion_tokens":10,"top_p":1,"seed":3,"stop":["x"],"presence_penalty":0,"frequency_penalty":0,"n":1,"tensorzero::tags":{"a":"b"},"tensorzero::credentials":{"k":"v"},"tensorzero::episode_id":null}"""),
        (Chat, """{"model":"tensorzero::function_name::weather","messages":[{"role":"user","content":"weather?"}],"tools":[{"type":"function","function":{"name":"other","description":"d","parameters":{"type":"object"},"strict":false}}],"tool_choice":"auto","parallel_tool_calls":false}"""),
        (Chat, """{"model":"tensorzero::function_name::weather","stream":true,"messages":[{"role":"user","content":"weather?"}],"tool_choice":{"type":"function","function":{"name":"get_temperature"}}}"""),
        (Chat, """{"model":"tensorzero::function_name::extract","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"},"strict":true}}}"""),
        (Chat, """{"model":"tensorzero::function_name::templated","messages":[{"role":"system","content":[{"type":"text","tensorzero::arguments":{"name":"bob"}}]},{"role":"user","content":[{"type":"tensorzero::raw_text","value":"hi"}]}],"tensorzero::extra_headers":[{"name":"X-A","value":"1"}],"tensorzero::params":{"chat_completion":{"temperature":1}}}"""),
        (Embeddings, """{"model":"tensorzero::embedding_model_name::offline","input":"hello"}"""),
        (Embeddings, """{"model":"tensorzero::embedding_model_name::offline","input":["a","b"],"encoding_format":"base64","tensorzero::credentials":{"k":"v"}}"""),
    ];

    private static readonly string[] Words =
    [
        "", " ", "user", "assistant", "system", "tool", "developer", "text", "raw_text", "template", "tool_call", "tool_result",
        "thought", "file", "image", "unknown", "image_url", "function", "auto", "none", "required", "on", "off", "strict",
        "json_schema", "json_object", "float", "base64", "low", "high", "echo", "basic", "weather", "extract", "templated",
        "get_temperature", "dummy::echo", "dummy::json", "tensorzero::function_name::basic", "tensorzero::model_name::echo",
        "tensorzero::embedding_model_name::offline", "tensorzero::function_name::", "tensorzero::model_name::", "dummy::",
        "text/plain", "image/png", "application/pdf", "data:image/png;base64,", "data:", "=", "aGk=", "/", "/a/b", "/0", "~1",
        "Content-Type", "X-Header", "#/$defs/missing", "([", "(a+)+$", "http://json-schema.org/draft-07/schema#", "Bad Name:", "Expires", "Content-Encoding", "0196c7a4-3b88-7c71-a2f8-5d4e9f1b2c3d",
        "00000000-0000-0000-0000-000000000000", "{{ name }}", "{% for x in y %}", "\u00e9\u4e2d\ud83d\ude00", "a\u0000b", "a\r\nb",
        new string('x', 300), new string('k', 9000),
    ];

    private static readonly string[] FieldNames =
    [
        "stream", "params", "tags", "credentials", "tool_choice", "additional_tools", "allowed_tools", "output_schema",
        "extra_body", "extra_headers", "variant_name", "episode_id", "dryrun", "internal", "cache_options", "function_name",
        "model_name", "input", "messages", "content", "role", "type", "text", "arguments", "name", "id", "value", "data",
        "mime_type", "system", "chat_completion", "json_mode", "temperature", "max_tokens", "stream_options", "include_usage",
        "response_format", "tools", "tool_calls", "tool_call_id", "tensorzero::arguments", "tensorzero::params",
        "tensorzero::deny_unknown_fields", "tensorzero::cache_options", "tensorzero::variant_name", "encoding_format",
        "dimensions", "n", "logprobs", "provider_tools", "namespace", "include_raw_usage", "surprise", "\ud83d\ude00",
        "$ref", "$defs", "$schema", "pattern", "required", "properties", "items", "enum", "additionalProperties", "minimum",
    ];

    /// <summary>Raw JSON for values a JsonNode can't hold, spliced in after serialization.</summary>
    private static readonly string[] RawValues =
    [
        "\"\\ud800\"", "\"\\udc00x\"", "\"a\\uD83D\"", "\"\\ud83d\\ude00\"", "1e400", "-1e400", "1e-400", "-0", "0.0",
        "123456789012345678901234567890", "9223372036854775808", "-2147483649", "2147483648", "4294967296", "1.5", "-1",
        "0", "1E2", "[]", "{}", "\"\"", "null", "true", "false", "\"\\u0000\"", new string('[', 70) + new string(']', 70),
        new string('[', 60) + new string(']', 60), string.Concat(Enumerable.Repeat("{\"a\":", 63)) + "1" + new string('}', 63),
        "[" + string.Join(",", Enumerable.Repeat("{}", 500)) + "]", "\"" + new string('y', 20000) + "\"",
    ];

    public static FuzzCase Next(Random random)
    {
        var roll = random.Next(100);
        if (roll < 4)
        {
            return Noise(random);
        }
        var (path, json) = Seeds[random.Next(Seeds.Length)];
        var root = JsonNode.Parse(json)!;
        var raw = new List<string>();
        var mutations = roll < 10 ? 0 : 1 + random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            root = Mutate(root, random, raw);
        }
        var text = root.ToJsonString();
        for (var i = 0; i < raw.Count; i++)
        {
            text = text.Replace($"\"@RAW{i}@\"", raw[i], StringComparison.Ordinal);
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (random.Next(100) < 8)
        {
            bytes = MutateBytes(bytes, random);
        }
        return new FuzzCase(path, bytes);
    }

    private static FuzzCase Noise(Random random)
    {
        var path = new[] { Inference, Chat, Embeddings }[random.Next(3)];
        return random.Next(3) switch
        {
            0 => new FuzzCase(path, Bytes(random, random.Next(0, 200))),
            1 => new FuzzCase(path, Encoding.UTF8.GetBytes(RawValues[random.Next(RawValues.Length)])),
            _ => new FuzzCase(path, Encoding.UTF8.GetBytes(RandomValue(random, 4)?.ToJsonString() ?? "null")),
        };
    }

    private static JsonNode Mutate(JsonNode root, Random random, List<string> raw)
    {
        var slots = new List<(JsonNode? Parent, string? Key, int Index, JsonNode? Node)>();
        Collect(root, null, null, -1, slots);
        var (parent, key, index, node) = slots[random.Next(slots.Count)];
        var replacement = random.Next(10) switch
        {
            < 3 => RandomValue(random, 2),
            < 5 => RawPlaceholder(random, raw),
            5 => node is JsonValue value && value.TryGetValue<string>(out var text) ? MutateString(text, random) : RandomValue(random, 1),
            6 => new JsonArray(node?.DeepClone()),
            7 => new JsonObject { [FieldNames[random.Next(FieldNames.Length)]] = node?.DeepClone() },
            _ => node?.DeepClone(),
        };
        switch (parent)
        {
            case null:
                return replacement ?? JsonValue.Create(0)!;
            case JsonObject obj when random.Next(4) == 0:
                obj.Remove(key!);
                break;
            case JsonObject obj when random.Next(3) == 0:
                obj[FieldNames[random.Next(FieldNames.Length)]] = RandomValue(random, 2);
                break;
            case JsonObject obj:
                obj[key!] = replacement;
                break;
            case JsonArray array when random.Next(4) == 0:
                array.RemoveAt(index);
                break;
            case JsonArray array:
                array[index] = replacement;
                break;
        }
        return root;
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, List<(JsonNode?, string?, int, JsonNode?)> slots)
    {
        slots.Add((parent, key, index, node));
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    Collect(child, obj, name, -1, slots);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], array, null, i, slots);
                }
                break;
        }
    }

    private static JsonNode RawPlaceholder(Random random, List<string> raw)
    {
        raw.Add(RawValues[random.Next(RawValues.Length)]);
        return JsonValue.Create($"@RAW{raw.Count - 1}@");
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(new[] { 0, 1, -1, 2, 100, int.MaxValue, int.MinValue }[random.Next(7)]),
        3 => JsonValue.Create(new[] { 0.5, -0.5, 1e300, -1e300, 3.14, 1e-300 }[random.Next(6)]),
        4 => JsonValue.Create(Words[random.Next(Words.Length)]),
        5 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth - 1)).ToArray()),
        _ => RandomObject(random, depth - 1),
    };

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        for (var i = random.Next(4); i > 0; i--)
        {
            obj[FieldNames[random.Next(FieldNames.Length)]] = RandomValue(random, depth);
        }
        return obj;
    }

    private static JsonNode MutateString(string text, Random random) => JsonValue.Create(random.Next(5) switch
    {
        0 => text + Words[random.Next(Words.Length)],
        1 => text.Length > 0 ? text[..random.Next(text.Length)] : "x",
        2 => text.ToUpperInvariant(),
        3 => new string(text.Reverse().ToArray()),
        _ => Words[random.Next(Words.Length)] + text,
    })!;

    private static byte[] MutateBytes(byte[] bytes, Random random)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }
        var at = random.Next(bytes.Length);
        return random.Next(3) switch
        {
            0 => bytes[..at],
            1 => [.. bytes[..at], (byte)random.Next(256), .. bytes[(at + 1)..]],
            _ => [.. bytes[..at], .. Bytes(random, 1 + random.Next(4)), .. bytes[at..]],
        };
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
