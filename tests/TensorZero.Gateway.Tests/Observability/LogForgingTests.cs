using System.Text;
using TensorZero.Gateway.Observability;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Observability;

/// <summary>A client can't forge log lines: control characters in logged values are escaped in the rendered text output.</summary>
public sealed class LogForgingTests
{
    private const string Forged = "[00:00:00 ERR] forged";

    private static List<string> RenderedText(GatewayFactory gateway)
    {
        var formatter = GatewayLogging.TextFormatter();
        return gateway.Logs.Events.Select(e =>
        {
            var writer = new StringWriter(new StringBuilder());
            formatter.Format(e, writer);
            return writer.ToString();
        }).ToList();
    }

    // The request line is written as the response completes, which may be just after the client has it.
    private static async Task WaitForAsync(GatewayFactory gateway, string text)
    {
        for (var i = 0; i < 100 && !gateway.Logs.Lines.Any(l => l.Contains(text, StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50);
        }
    }

    private static void AssertOneLineEach(List<string> rendered)
    {
        Assert.NotEmpty(rendered);
        foreach (var line in rendered)
        {
            Assert.Equal(line.Length - Environment.NewLine.Length, line.IndexOfAny(['\n', '\r', '\u2028', '\u2029', '\u0085']));
        }
        Assert.DoesNotContain(string.Concat(rendered).Split('\n'), l => l.StartsWith(Forged, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestLog_PathWithEncodedLineBreaks_StaysOneLine()
    {
        using var gateway = new GatewayFactory(string.Empty);
        var client = gateway.CreateClient();

        await client.GetAsync("/nowhere%0A%5B00:00:00%20ERR%5D%20forged%0D%0A%1B%5B31mred");
        await WaitForAsync(gateway, "responded");

        var rendered = RenderedText(gateway);
        AssertOneLineEach(rendered);
        Assert.Contains(rendered, l => l.Contains("/nowhere\\n[00:00:00 ERR] forged\\r\\n\\u001b[31mred", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenAIUnknownFieldWarning_FieldNameWithLineBreak_StaysOneLine()
    {
        using var gateway = new GatewayFactory(string.Empty);
        var client = gateway.CreateClient();

        await client.PostRawAsync("/openai/v1/chat/completions",
            """{"model": "tensorzero::model_name::dummy::good", "messages": [{"role": "user", "content": "x"}], "evil\n[00:00:00 ERR] forged": 1}""");
        await WaitForAsync(gateway, "responded");

        var rendered = RenderedText(gateway);
        AssertOneLineEach(rendered);
        Assert.Contains(rendered, l => l.Contains("Ignoring unknown fields", StringComparison.Ordinal) && l.Contains("evil\\n[00:00:00 ERR] forged", StringComparison.Ordinal));
    }
}
