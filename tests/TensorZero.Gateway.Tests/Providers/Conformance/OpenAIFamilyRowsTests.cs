using System.Net;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Conformance;

/// <summary>
/// Each OpenAI-family row's credential scenarios once, end to end through the gateway: the fake must see the expected
/// identity, the answer must carry usage, and no canary may reach a response or a log line.
/// </summary>
public sealed class OpenAIFamilyRowsTests
{
    public static TheoryData<string> RowNames => new(OpenAIFamilyRows.All.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Inference_EveryCredentialScenario_ReachesFakeWithExpectedIdentity(string rowName)
    {
        var row = OpenAIFamilyRows.All.Single(r => r.Name == rowName);
        await using var fake = await row.StartFakeAsync();
        var (withDynamic, withoutDynamic) = fake.Fallback();
        var scenarios = new (string Name, ConformanceSetup Setup)[]
        {
            ("default", fake.DefaultCredential()),
            ("env", fake.EnvOverride()),
            ("dynamic", fake.Dynamic()),
            ("fallback with dynamic", withDynamic),
            ("fallback without dynamic", withoutDynamic),
        };
        foreach (var (name, setup) in scenarios)
        {
            var (status, raw, logs) = await RunAsync(setup);
            Assert.True(status == HttpStatusCode.OK, $"{rowName} / {name}: {status} {raw}");
            Assert.Equal(setup.ExpectedIdentity, fake.Authenticated[^1]);
            Assert.Contains("\"input_tokens\":57", raw, StringComparison.Ordinal);
            AssertNoCanary(fake, raw + logs);
        }

        var rejected = fake.Rejected(401);
        var (rejectedStatus, rejectedRaw, rejectedLogs) = await RunAsync(rejected);
        Assert.Equal(HttpStatusCode.BadGateway, rejectedStatus);
        Assert.Contains("401", rejectedRaw, StringComparison.Ordinal);
        Assert.Equal(rejected.ExpectedIdentity, fake.Authenticated[^1]);
        AssertNoCanary(fake, rejectedRaw + rejectedLogs);
    }

    private static async Task<(HttpStatusCode Status, string Raw, string Logs)> RunAsync(ConformanceSetup setup)
    {
        var config = $"""
            [models.m]
            routing = ["p"]

            [models.m.providers.p]
            {setup.ProviderToml}
            """;
        using var gateway = new GatewayFactory(config, setup.Environment);
        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "m",
            input = GatewayClient.UserMessage("Hello"),
            credentials = setup.Credentials,
        });
        return (status, raw, gateway.Logs.All);
    }

    private static void AssertNoCanary(IConformanceFake fake, string text)
    {
        foreach (var canary in fake.Canaries)
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
        }
    }
}
