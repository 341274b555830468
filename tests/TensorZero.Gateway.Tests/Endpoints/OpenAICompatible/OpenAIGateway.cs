using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>An offline gateway for the OpenAI-compatible endpoint's tests: dummy models only.</summary>
public sealed class OpenAIGateway() : GatewayFactory("""
    [tools.get_temperature]
    description = "Get the current temperature in a given location"
    parameters = "schemas/get_temperature.json"
    strict = true

    [models.keyed]
    routing = ["dummy"]
    [models.keyed.providers.dummy]
    type = "dummy"
    model_name = "test_key"
    api_key_location = "dynamic::dummy_key"

    [functions.basic]
    type = "chat"
    [functions.basic.variants.echo]
    type = "chat_completion"
    model = "dummy::echo"

    [functions.weather]
    type = "chat"
    tools = ["get_temperature"]
    [functions.weather.variants.tool]
    type = "chat_completion"
    model = "dummy::tool"

    [functions.thinker]
    type = "chat"
    [functions.thinker.variants.reasoner]
    type = "chat_completion"
    model = "dummy::reasoner_with_signature"

    [functions.extract]
    type = "json"
    output_schema = "schemas/answer.json"
    [functions.extract.variants.json]
    type = "chat_completion"
    model = "dummy::json"
    json_mode = "strict"

    [functions.broken]
    type = "chat"
    [functions.broken.variants.error]
    type = "chat_completion"
    model = "dummy::error"
    """,
    files: new Dictionary<string, string>
    {
        ["schemas/get_temperature.json"] = InferenceToolTests.TemperatureSchema,
        ["schemas/answer.json"] = InferenceToolTests.AnswerSchema,
    })
{
    public const string Path = "/openai/v1/chat/completions";
}

/// <summary>Calls to the OpenAI-compatible endpoint with raw JSON bodies (its field names, like <c>tensorzero::credentials</c>, aren't C# names).</summary>
public static class OpenAIClient
{
    public static Task<(HttpStatusCode Status, JsonObject Body, string Raw)> PostChatAsync(this HttpClient client, string json) =>
        client.PostRawAsync(OpenAIGateway.Path, json);

    public static Task<(HttpStatusCode Status, string? ContentType, List<string> Events, string Raw)> StreamChatAsync(this HttpClient client, string json) =>
        client.PostStreamAsync(OpenAIGateway.Path, JsonNode.Parse(json)!);

    /// <summary>
    /// Checks the per-response values (a UUIDv7 <c>id</c> and <c>episode_id</c>, a current <c>created</c>) and replaces
    /// them with placeholders, so the rest can be compared exactly.
    /// </summary>
    public static string Normalized(JsonObject body)
    {
        var copy = body.DeepClone().AsObject();
        Assert.Equal(7, Guid.Parse(copy["id"]!.GetValue<string>()).Version);
        Assert.Equal(7, Guid.Parse(copy["episode_id"]!.GetValue<string>()).Version);
        Assert.InRange(copy["created"]!.GetValue<long>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        copy["id"] = "ID";
        copy["episode_id"] = "EPISODE";
        copy["created"] = 0;
        return Json(copy);
    }

    /// <summary>Compact JSON with quotes written as <c>\"</c>, so expected bodies read like the wire.</summary>
    public static string Json(JsonNode? node) => node!.ToJsonString(Relaxed);

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ErrorMessage(JsonObject body) => body["error"]!["message"]!.GetValue<string>();
}
