using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Store;

namespace TensorZero.Gateway.Tests.Auth;

/// <summary><c>--create-api-key</c>, <c>--list-api-keys</c> and <c>--disable-api-key</c> through the real binary, on both engines.</summary>
public sealed class ApiKeyCommandsTests : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("tz-keys-cli-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Engines => new() { "sqlite", "postgres" };

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(TestDatabase database, string config, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, .. args, "--config-file", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in database.Environment())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private string WriteConfig(TestDatabase database, string extra = "")
    {
        var path = Path.Combine(_directory, "tensorzero.toml");
        File.WriteAllText(path, database.ObservabilityToml + "[gateway.auth]\nenabled = true\n[gateway.auth.cache]\nttl_ms = 0\n" + extra);
        return path;
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Commands_CreateListDisable_KeyWorksUntilDisabledAndIsShownOnlyOnce(string engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var config = WriteConfig(database);

        var created = await RunAsync(database, config, "--create-api-key", "--description", "team a");
        var key = created.Output.Trim();
        var publicId = key.Length > 18 ? key[6..18] : "?";
        var listed = await RunAsync(database, config, "--list-api-keys");
        using (var gateway = new GatewayFactory(File.ReadAllText(config), database.Environment()))
        {
            var client = gateway.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/inferences/{Guid.NewGuid()}")).StatusCode);

            var disabled = await RunAsync(database, config, "--disable-api-key", publicId);

            Assert.Equal(0, disabled.ExitCode);
            Assert.StartsWith($"Disabled API key `{publicId}` at ", disabled.Output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/inferences/{Guid.NewGuid()}")).StatusCode);
        }
        var listedAfter = await RunAsync(database, config, "--list-api-keys");

        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^sk-t0-[A-Za-z0-9]{12}-[A-Za-z0-9]{48}$", key);
        Assert.Contains($"Created API key `{publicId}`", created.Error, StringComparison.Ordinal);
        Assert.Equal(0, listed.ExitCode);
        var row = Assert.Single(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)).Split('\t');
        Assert.Equal(publicId, row[0]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row[1]);
        Assert.Equal("-", row[2]);
        Assert.Equal("team a", row[3].TrimEnd());
        var rowAfter = Assert.Single(listedAfter.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)).Split('\t');
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", rowAfter[2]);
        foreach (var text in new[] { listed.Output, listed.Error, listedAfter.Output, created.Error })
        {
            Assert.DoesNotContain(key[19..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DisableApiKey_UnknownOrMalformedId_ExitsOneSayingWhy()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var config = WriteConfig(database);

        var unknown = await RunAsync(database, config, "--disable-api-key", "AAAAAAAAAAAA");
        var malformed = await RunAsync(database, config, "--disable-api-key", "sk-t0-AAAAAAAAAAAA");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("error: no API key with public id `AAAAAAAAAAAA`", unknown.Error.Trim());
        Assert.Equal(1, malformed.ExitCode);
        Assert.Contains("takes a key's public id", malformed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_AuthOnStorageOff_ExitsOneNamingBoth()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var config = WriteConfig(database).Replace("tensorzero.toml", "off.toml", StringComparison.Ordinal);
        File.WriteAllText(config, "[gateway.auth]\nenabled = true\n[gateway.observability]\nenabled = false\n");

        var serve = await RunAsync(database, config);
        var create = await RunAsync(database, config, "--create-api-key");

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("`gateway.auth.enabled`: API keys are kept in the gateway's store", serve.Output, StringComparison.Ordinal);
        Assert.Equal(1, create.ExitCode);
        Assert.Empty(create.Output);
        Assert.Contains("`gateway.auth.enabled`", create.Error, StringComparison.Ordinal);
    }
}
