using System.Net;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>
/// <c>tool_choice = { specific = "t" }</c> on a function without <c>tools</c> loads, since the tool may come with the
/// request (<c>additional_tools</c>); whether it is offered is checked per request.
/// </summary>
public sealed class FunctionToolChoiceTests : IDisposable
{
    private readonly GatewayFactory _gateway = new("""
        [functions.specific_tool]
        type = "chat"
        tool_choice = { specific = "get_temperature" }
        [functions.specific_tool.variants.v]
        type = "chat_completion"
        model = "dummy::good"
        """);

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task Inference_ToolArrivesWithTheRequest_Succeeds()
    {
        var (status, _, raw) = await _gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "specific_tool",
            input = GatewayClient.UserMessage("weather?"),
            additional_tools = new[]
            {
                new { name = "get_temperature", description = "temperature", parameters = new { type = "object", properties = new { } } },
            },
        });

        Assert.True(status == HttpStatusCode.OK, raw);
    }

    [Fact]
    public async Task Inference_ToolNotOffered_Is400NamingTheTool()
    {
        var (status, body, _) = await _gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "specific_tool",
            input = GatewayClient.UserMessage("weather?"),
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("`tool_choice`: tool `get_temperature` is not offered in this request", body["error"]!.GetValue<string>());
    }
}
