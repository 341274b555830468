using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>Raw HTTP helpers for calling a gateway under test, as any client would.</summary>
public static class GatewayClient
{
    public static Task<(HttpStatusCode Status, JsonObject Body, string Raw)> PostInferenceAsync(this HttpClient client, object body) =>
        client.PostInferenceAsyncAt("/inference", body);

    public static async Task<(HttpStatusCode Status, JsonObject Body, string Raw)> PostInferenceAsyncAt(this HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, (JsonNode.Parse(raw) as JsonObject)!, raw);
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body, string Raw)> PostRawAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, (JsonNode.Parse(raw) as JsonObject)!, raw);
    }

    public static object UserMessage(string text) => new { messages = new[] { new { role = "user", content = text } } };
}
