using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Hosting;

/// <summary>The runtime settings the gateway's process starts with (its <c>runtimeconfig.json</c>).</summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    // Idle thread-pool workers sleep at once instead of spinning for work (a third of the CPU at a steady 1,000 req/s).
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0")]
    // No W3C trace headers, so no Activity, on provider calls.
    [InlineData("System.Net.Http.EnableActivityPropagation", "false")]
    [InlineData("System.GC.Server", "false")]
    [InlineData("System.GC.ConserveMemory", "5")]
    public void GatewayRuntimeConfig_SetsTheOption(string name, string expected)
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "TensorZero.Gateway.runtimeconfig.json");
        var options = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;

        Assert.Equal(expected, options[name]?.ToJsonString());
    }
}
