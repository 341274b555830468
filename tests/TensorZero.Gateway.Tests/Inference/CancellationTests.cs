using System.Net;
using System.Net.Http.Json;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>A timeout or a client that goes away releases the upstream request instead of leaving it open.</summary>
public sealed class CancellationTests
{
    private static GatewayFactory Gateway(HangingServer server, string timeouts) => new($$"""
        [models.hanging]
        routing = ["openai"]
        [models.hanging.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_base = "{{server.BaseUrl}}"
        api_key_location = "none"
        timeouts = {{timeouts}}
        """);

    [Fact]
    public async Task ProviderTimeout_AbortsTheUpstreamRequest()
    {
        await using var server = await HangingServer.StartAsync();
        using var gateway = Gateway(server, "{ non_streaming = { total_ms = 300 } }");

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new { model_name = "hanging", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("timed out due to configured `non_streaming.total_ms` timeout (300 ms)", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(await Completes(server.Aborted.Task), "the upstream connection was not released after the timeout");
    }

    [Fact]
    public async Task ClientDisconnectDuringStream_AbortsTheUpstreamRequest()
    {
        await using var server = await HangingServer.StartAsync();
        using var gateway = Gateway(server, "{ streaming = { total_ms = 600000 } }");
        var client = gateway.CreateClient();
        using var disconnect = new CancellationTokenSource();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/inference")
        {
            Content = JsonContent.Create(new { model_name = "hanging", stream = true, input = GatewayClient.UserMessage("x") }),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, disconnect.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync(disconnect.Token);
        var buffer = new byte[256];
        Assert.True(await stream.ReadAsync(buffer, disconnect.Token) > 0);

        await disconnect.CancelAsync();
        response.Dispose();

        Assert.True(await Completes(server.Aborted.Task), "the upstream connection was not released after the client left");
    }

    private static async Task<bool> Completes(Task task) =>
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10))) == task;
}
