using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference;

/// <summary>A request's tools when neither the function nor the request offers any: the parallel setting and the schema still carry.</summary>
public sealed class RequestToolsTests : IDisposable
{
    private readonly GatewayFactory _gateway = new("""
        [functions.plain]
        type = "chat"
        [functions.plain.variants.v]
        type = "chat_completion"
        model = "dummy::good"

        [functions.parallel]
        type = "chat"
        parallel_tool_calls = true
        [functions.parallel.variants.v]
        type = "chat_completion"
        model = "dummy::good"
        """);

    public void Dispose() => _gateway.Dispose();

    [Theory]
    [InlineData("plain", null, null)]
    [InlineData("plain", true, true)]
    [InlineData("plain", false, false)]
    [InlineData("parallel", null, true)]
    [InlineData("parallel", false, false)]
    public void Build_NoToolsOffered_KeepsTheParallelSetting(string function, bool? requested, bool? expected)
    {
        var tools = Build(function, requested is { } flag ? $$""", "parallel_tool_calls": {{(flag ? "true" : "false")}}""" : "");

        Assert.Empty(tools.Definitions);
        Assert.Null(tools.ToolChoice);
        Assert.Equal(expected, tools.ParallelToolCalls);
        Assert.Null(tools.OutputSchema);
    }

    [Fact]
    public void Build_NoToolsButAnOutputSchema_KeepsTheSchema()
    {
        var tools = Build("plain", """, "output_schema": {"type": "object"}""");

        Assert.NotNull(tools.OutputSchema);
        Assert.Null(tools.ParallelToolCalls);
    }

    private RequestTools Build(string function, string extra)
    {
        _ = _gateway.CreateClient();
        var config = _gateway.Services.GetRequiredService<GatewayConfig>();
        using var body = JsonDocument.Parse($$"""{"function_name": "{{function}}", "input": {"messages": [{"role": "user", "content": "hi"}]}{{extra}}}""");
        var request = InferenceRequestParser.Parse(body.RootElement, TimeProvider.System, _gateway.Services.GetRequiredService<ProtectedHeaders>());
        return RequestTools.Build(config, config.Functions[function], request);
    }
}
