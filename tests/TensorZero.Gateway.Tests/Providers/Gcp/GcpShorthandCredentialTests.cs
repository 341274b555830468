using System.Net;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Providers.Gcp;

/// <summary>A broken server-side key file reached only through a shorthand model is reported as a credential problem.</summary>
public sealed class GcpShorthandCredentialTests
{
    [Fact]
    public async Task ShorthandWithBrokenKeyFile_ReportsTheCredentialNotTheModelName()
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keyFile, "-----BEGIN PRIVATE KEY----- not json");
            using var gateway = new GatewayFactory(string.Empty, new Dictionary<string, string> { ["GCP_VERTEX_CREDENTIALS_PATH"] = keyFile });

            var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
            {
                model_name = "gcp_vertex_gemini::projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash",
                input = GatewayClient.UserMessage("x"),
            });

            Assert.Equal(HttpStatusCode.BadGateway, status);
            var message = body["error"]!.GetValue<string>();
            Assert.Contains("API key missing for provider GCP Vertex Gemini", message, StringComparison.Ordinal);
            Assert.Contains("the service-account file is not valid JSON", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Invalid inference target", message, StringComparison.Ordinal);
            Assert.DoesNotContain("not json", raw, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
