using System.Net;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>
/// What OpenAI SDK code written for the 2025 gateway sends: <c>model = "tensorzero::my_function"</c>, and the
/// <c>episode_id</c>, <c>variant_name</c> and <c>dryrun</c> headers, which the <c>tensorzero::*</c> body fields replaced.
/// </summary>
public sealed class OpenAILegacyFormTests(OpenAIGateway gateway) : IClassFixture<OpenAIGateway>
{
    private const string Hello = "\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]";

    private readonly HttpClient _client = gateway.CreateClient();

    private async Task<(HttpStatusCode Status, JsonObject Body)> Post(string json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, OpenAIGateway.Path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task Chat_BareTensorZeroFunctionName_CallsThatFunctionWithAWarning()
    {
        var (status, body) = await Post($$"""{"model": "tensorzero::basic", {{Hello}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tensorzero::function_name::basic::variant_name::echo", body["model"]!.GetValue<string>());
        Assert.Equal("Hello", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Deprecation Warning: Please set the `model` parameter to `tensorzero::function_name::your_function`", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_LegacyHeaders_SetTheEpisodeAndTheVariant()
    {
        var (_, first) = await Post($$"""{"model": "tensorzero::function_name::basic", {{Hello}}}""");
        var episode = first["episode_id"]!.GetValue<string>();

        var (status, body) = await Post($$"""{"model": "tensorzero::function_name::basic", {{Hello}}}""",
            ("episode_id", episode), ("variant_name", "echo"), ("dryrun", "true"));
        var (pinnedStatus, pinned) = await Post($$"""{"model": "tensorzero::function_name::basic", {{Hello}}}""", ("variant_name", "nope"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(episode, body["episode_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, pinnedStatus);
        Assert.Equal("Unknown variant: nope", OpenAIClient.ErrorMessage(pinned));
        Assert.Contains(gateway.Logs.Lines, l => l.StartsWith("Deprecation Warning: Please use the `tensorzero::variant_name` field instead of the `variant_name` header.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_BodyFieldAndHeader_BodyFieldWins()
    {
        var (status, body) = await Post($$"""{"model": "tensorzero::function_name::basic", "tensorzero::variant_name": "echo", {{Hello}}}""", ("variant_name", "nope"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tensorzero::function_name::basic::variant_name::echo", body["model"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("tensorzero::", "episode_id", "0196a0e4-1d7c-7d2e-a6b2-7a0d0e6e6a01",
        "Invalid request to OpenAI-compatible endpoint: function_name (passed in model field after \"tensorzero::function_name::\") cannot be empty")]
    [InlineData("tensorzero::function_name::basic", "episode_id", "not-a-uuid", "Invalid Episode ID: episode_id header is not a valid UUID")]
    [InlineData("tensorzero::function_name::basic", "episode_id", "0192ced0-947e-64d0-9b5c-f1a2b3c4d5e6", "Invalid Episode ID: Version must be 7, got 6")]
    [InlineData("tensorzero::function_name::basic", "dryrun", "yes", "Invalid request to OpenAI-compatible endpoint: dryrun header is not a valid boolean")]
    public async Task Chat_InvalidLegacyForm_Returns400WithTensorZerosText(string model, string header, string value, string expected)
    {
        var (status, body) = await Post($$"""{"model": "{{model}}", {{Hello}}}""", (header, value));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, OpenAIClient.ErrorMessage(body));
    }
}
