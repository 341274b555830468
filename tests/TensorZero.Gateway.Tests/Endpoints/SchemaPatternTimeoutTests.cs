using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// A client's JSON Schema may carry a <c>pattern</c> with catastrophic backtracking, matched against text the client
/// steers. The gateway process bounds every regular expression match, so such a request costs about a second, not
/// hours of a core. (A real process: the bound is a process-wide runtime setting made at startup.)
/// </summary>
public sealed class SchemaPatternTimeoutTests
{
    [Fact]
    public async Task Inference_CatastrophicPatternInOutputSchema_AnswersWithinSeconds()
    {
        await using var gateway = await GatewayProcess.StartAsync("""
            [functions.extract]
            type = "json"
            [functions.extract.variants.echo]
            type = "chat_completion"
            model = "dummy::echo"
            json_mode = "on"
            """);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // `^(a+)+$` against 40 a's and a `!` takes about 2^40 steps to fail.
        var json = $$$"""
            {"function_name":"extract","input":{"messages":[{"role":"user","content":"\"{{{new string('a', 40)}}}!\""}]},
             "output_schema":{"type":"string","pattern":"^(a+)+$"}}
            """;

        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync("/inference", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(body["output"]!["parsed"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}
