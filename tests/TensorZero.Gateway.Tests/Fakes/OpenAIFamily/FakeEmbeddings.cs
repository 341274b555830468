using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.OpenAIFamily;

/// <summary>
/// OpenAI's <c>POST /v1/embeddings</c> answer: for input <c>i</c>, a vector of <c>dimensions</c> (default 3) values
/// <c>len(text) + j / 4</c>, as numbers or as base64 of little-endian float32s when <c>encoding_format</c> is
/// <c>base64</c>; <c>prompt_tokens</c> is the total length of the inputs.
/// </summary>
public static class FakeEmbeddings
{
    public const int DefaultDimensions = 3;

    public static float[] Vector(string text, int dimensions) =>
        Enumerable.Range(0, dimensions).Select(j => text.Length + j / 4f).ToArray();

    public static JsonObject Response(JsonObject body)
    {
        var texts = body["input"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            var single => [single!.GetValue<string>()],
        };
        var dimensions = body["dimensions"]?.GetValue<int>() ?? DefaultDimensions;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < texts.Count; i++)
        {
            var vector = Vector(texts[i], dimensions);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? Base64(vector) : new JsonArray(vector.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            });
        }
        var tokens = texts.Sum(t => t.Length);
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]?.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
    }

    public static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }
        return Convert.ToBase64String(bytes);
    }
}
