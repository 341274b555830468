using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class StartupTests
{
    private const string ConfigWithThreeMissingCredentials = """
        [models.a]
        routing = ["openai"]
        [models.a.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"

        [models.b]
        routing = ["other"]
        [models.b.providers.other]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_key_location = "env::MY_OTHER_OPENAI_API_KEY"

        [models.c]
        routing = ["file"]
        [models.c.providers.file]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_key_location = { default = "dynamic::k", fallback = "env::FALLBACK_KEY" }

        [models.d]
        routing = ["offline"]
        [models.d.providers.offline]
        type = "dummy"
        model_name = "good"
        """;

    [Fact]
    public void Build_MissingCredentials_ListsEveryOneWithItsPath()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(ConfigWithThreeMissingCredentials, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services));

        Assert.Equal(
        [
            "`models.a.providers.openai`: environment variable `OPENAI_API_KEY` is missing (the default credential of `openai` providers)",
            "`models.b.providers.other.api_key_location`: environment variable `MY_OTHER_OPENAI_API_KEY` is missing",
            "`models.c.providers.file.api_key_location`: environment variable `FALLBACK_KEY` is missing",
        ], error.Errors);
    }

    [Fact]
    public void Build_ShorthandInVariant_ResolvesItsDefaultAtStartup()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "openai::gpt-4o-mini"
            """, Path.GetTempPath());
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services));
        Assert.Equal(
            "`functions.f.variants.v.model`: environment variable `OPENAI_API_KEY` is missing (the default credential of `openai` providers)",
            Assert.Single(error.Errors));
    }

    [Fact]
    public async Task Gateway_StartedWithMissingVariables_ExitsNonZeroListingThem()
    {
        var directory = Directory.CreateTempSubdirectory("tz-startup-").FullName;
        try
        {
            var configPath = Path.Combine(directory, "tensorzero.toml");
            await File.WriteAllTextAsync(configPath, ConfigWithThreeMissingCredentials);
            var gatewayDll = typeof(Program).Assembly.Location;
            var start = new ProcessStartInfo("dotnet", [gatewayDll, "--config-file", configPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var name in new[] { "OPENAI_API_KEY", "MY_OTHER_OPENAI_API_KEY", "FALLBACK_KEY", "TENSORZERO_GATEWAY_BIND_ADDRESS" })
            {
                start.Environment.Remove(name);
            }
            start.Environment["TENSORZERO_GATEWAY_BIND_ADDRESS"] = "127.0.0.1:0";

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var all = await output + await errors;

            Assert.Equal(1, process.ExitCode);
            Assert.Contains("OPENAI_API_KEY", all, StringComparison.Ordinal);
            Assert.Contains("MY_OTHER_OPENAI_API_KEY", all, StringComparison.Ordinal);
            Assert.Contains("FALLBACK_KEY", all, StringComparison.Ordinal);
            Assert.Contains("models.b.providers.other.api_key_location", all, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
