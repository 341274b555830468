using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>OpenAI's embeddings request and response bodies.</summary>
public static class OpenAIEmbeddingWire
{
    public static JsonObject BuildRequest(string modelName, EmbeddingRequest request)
    {
        var body = new JsonObject
        {
            ["model"] = modelName,
            ["input"] = request.Input.IsBatch
                ? new JsonArray(request.Input.Texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray())
                : JsonValue.Create(request.Input.Texts[0]),
        };
        if (request.Dimensions is { } dimensions)
        {
            body["dimensions"] = dimensions;
        }
        if (request.EncodingFormat is { } format)
        {
            body["encoding_format"] = format == EmbeddingEncoding.Base64 ? "base64" : "float";
        }
        return body;
    }

    /// <summary>
    /// Reads <c>data[].embedding</c> (numbers, or base64 when that was asked for) in <c>index</c> order and
    /// <c>usage.prompt_tokens</c>; anything else is a malformed response.
    /// </summary>
    public static EmbeddingProviderResponse ParseResponse(string rawRequest, string rawResponse, int inputCount, string displayName)
    {
        // A pooled document, not a node tree: a vector of 1,536 numbers would otherwise be 1,536 node objects.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        if (JsonRead.Property(root, "data"u8) is not { ValueKind: JsonValueKind.Array } data)
        {
            throw ProviderHttp.MalformedResponse(displayName, "`data` is missing or not an array");
        }
        var count = data.GetArrayLength();
        if (count != inputCount)
        {
            throw ProviderHttp.MalformedResponse(displayName, $"expected {inputCount} embeddings, got {count}");
        }
        var embeddings = new float[]?[inputCount];
        var i = 0;
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw ProviderHttp.MalformedResponse(displayName, $"`data[{i}]` is not an object");
            }
            var index = JsonRead.Property(item, "index"u8) is { ValueKind: JsonValueKind.Number } indexValue && indexValue.TryGetInt32(out var position) ? position : i;
            if (index < 0 || index >= inputCount || embeddings[index] is not null)
            {
                throw ProviderHttp.MalformedResponse(displayName, $"`data[{i}].index` is out of range or repeated");
            }
            embeddings[index] = ReadVector(JsonRead.Property(item, "embedding"u8), i, displayName);
            i++;
        }
        var inputTokens = JsonRead.Long(JsonRead.Property(JsonRead.Property(root, "usage"u8), "prompt_tokens"u8));
        return new EmbeddingProviderResponse(embeddings!, inputTokens, rawRequest, rawResponse);
    }

    private static float[] ReadVector(JsonElement embedding, int position, string displayName)
    {
        switch (embedding.ValueKind)
        {
            case JsonValueKind.Array:
                var vector = new float[embedding.GetArrayLength()];
                var j = 0;
                foreach (var value in embedding.EnumerateArray())
                {
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
                    {
                        throw ProviderHttp.MalformedResponse(displayName, $"`data[{position}].embedding[{j}]` is not a number");
                    }
                    vector[j++] = (float)number;
                }
                return vector;
            case JsonValueKind.String:
                return DecodeBase64(embedding.GetString()!)
                    ?? throw ProviderHttp.MalformedResponse(displayName, $"`data[{position}].embedding` is not base64 of float32 values");
            default:
                throw ProviderHttp.MalformedResponse(displayName, $"`data[{position}].embedding` is missing");
        }
    }

    /// <summary>Decodes base64 of little-endian float32 values, or null when the text is not that.</summary>
    public static float[]? DecodeBase64(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length % sizeof(float) != 0)
        {
            return null;
        }
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }
        return vector;
    }

    /// <summary>Base64 of the vector as little-endian float32 values, as OpenAI's <c>encoding_format: "base64"</c>.</summary>
    public static byte[] LittleEndianBytes(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }
        return bytes;
    }
}
