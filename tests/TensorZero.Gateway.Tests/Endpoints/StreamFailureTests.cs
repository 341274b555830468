using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// A provider stream that breaks after its first chunk (reset, garbage, an error event echoing the key) ends with an
/// error event the client sees and then <c>data: [DONE]</c>, for every provider's wire and on both endpoints, and no
/// run of the keys in play reaches the stream or the logs.
/// </summary>
public sealed class StreamFailureTests
{
    private const string EnvKey = "sk-CANARY-STREAM-ENV-3f9a1c7e5b2d8046";
    private const string DynamicKey = "ya29.CANARY-STREAM-DYNAMIC-8e2c4a6f0b1d";

    public static TheoryData<string, StreamBreak, string> Cases()
    {
        var data = new TheoryData<string, StreamBreak, string>();
        foreach (var provider in new[] { "openai", "azure", "anthropic", "google_ai_studio_gemini", "gcp_vertex_gemini", "gcp_vertex_anthropic", "aws_bedrock" })
        {
            foreach (var streamBreak in Enum.GetValues<StreamBreak>())
            {
                data.Add(provider, streamBreak, "/inference");
                data.Add(provider, streamBreak, "/openai/v1/chat/completions");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Stream_ProviderBreaksMidStream_EndsWithErrorEventThenDone(string provider, StreamBreak streamBreak, string endpoint)
    {
        await using var server = await BrokenStreamServer.StartAsync();
        server.Break = streamBreak;
        using var gateway = new GatewayFactory($"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            {ProviderToml(provider, server.BaseUrl)}
            """, new Dictionary<string, string> { ["STREAM_KEY"] = EnvKey });
        var client = gateway.CreateClient();
        var credentials = new Dictionary<string, string> { ["gcp_token"] = DynamicKey };
        object body = endpoint == "/inference"
            ? new { model_name = "m", input = GatewayClient.UserMessage("x"), stream = true, credentials, @params = new { chat_completion = new { max_tokens = 100 } } }
            : new Dictionary<string, object>
            {
                ["model"] = "tensorzero::model_name::m",
                ["stream"] = true,
                ["max_tokens"] = 100,
                ["messages"] = new[] { new { role = "user", content = "x" } },
                ["tensorzero::credentials"] = credentials,
            };

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var raw = await ReadFirstEventThenRestAsync(response, server);
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : e).ToList();

        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        Assert.Contains("first", events[0], StringComparison.Ordinal);
        Assert.Equal("[DONE]", events[^1]);
        var error = JsonNode.Parse(events[^2])!["error"];
        var message = endpoint == "/inference" ? error!.GetValue<string>() : error!["message"]!.GetValue<string>();
        Assert.Contains(streamBreak == StreamBreak.ErrorEventEchoingKey ? "Incorrect API key provided" : "stream", message, StringComparison.Ordinal);
        SecretAssert.AssertNoSecretRun(raw, [EnvKey, DynamicKey], "the stream");
        SecretAssert.AssertNoSecretRun(gateway.Logs.Lines, [EnvKey, DynamicKey], "the logs");
    }

    // The server breaks the stream only once the first event has come through the gateway.
    private static async Task<string> ReadFirstEventThenRestAsync(HttpResponseMessage response, BrokenStreamServer server)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new StringBuilder();
        var buffer = new char[1024];
        while (!text.ToString().Contains("\n\n", StringComparison.Ordinal))
        {
            var read = await reader.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }
            text.Append(buffer, 0, read);
        }
        server.Proceed();
        text.Append(await reader.ReadToEndAsync());
        return text.ToString();
    }

    private static string ProviderToml(string provider, string baseUrl) => provider switch
    {
        "openai" => $"type = \"openai\"\nmodel_name = \"m\"\napi_base = \"{baseUrl}/v1/\"\napi_key_location = \"env::STREAM_KEY\"",
        "azure" => $"type = \"azure\"\ndeployment_id = \"d\"\nendpoint = \"{baseUrl}\"\napi_key_location = \"env::STREAM_KEY\"",
        "anthropic" => $"type = \"anthropic\"\nmodel_name = \"c\"\napi_base = \"{baseUrl}/v1/\"\napi_key_location = \"env::STREAM_KEY\"",
        "google_ai_studio_gemini" => $"type = \"google_ai_studio_gemini\"\nmodel_name = \"g\"\napi_base = \"{baseUrl}/v1beta/\"\napi_key_location = \"env::STREAM_KEY\"",
        "gcp_vertex_gemini" or "gcp_vertex_anthropic" =>
            $"type = \"{provider}\"\nmodel_id = \"g\"\nproject_id = \"p\"\nlocation = \"us-central1\"\napi_base = \"{baseUrl}/v1/\"\ncredential_location = \"dynamic::gcp_token\"",
        _ => $"type = \"aws_bedrock\"\nmodel_id = \"anthropic.claude-haiku\"\nregion = \"us-east-1\"\nendpoint_url = \"{baseUrl}\"\napi_key = \"env::STREAM_KEY\"",
    };
}
