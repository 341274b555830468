using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>Reads a server-sent-event response the way a client would: each <c>data:</c> payload in order.</summary>
public static class SseClient
{
    public static async Task<(HttpStatusCode Status, string? ContentType, List<string> Events, string Raw)> PostStreamAsync(this HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var raw = await response.Content.ReadAsStringAsync();
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => e["data: ".Length..])
            .ToList();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, events, raw);
    }

    public static List<JsonObject> Json(this IEnumerable<string> events) =>
        events.Where(e => e != "[DONE]").Select(e => JsonNode.Parse(e)!.AsObject()).ToList();
}
