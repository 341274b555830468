using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>Environment variables for a gateway under test, without touching the test process's environment.</summary>
public sealed class FakeEnvironment(IReadOnlyDictionary<string, string> values) : IEnvironmentVariables
{
    public string? Get(string name) => values.GetValueOrDefault(name);
}

/// <summary>
/// Starts the whole gateway (<see cref="Program"/>) in memory with a config written to a temporary folder, its own
/// environment variables and a log capture.
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    private readonly string _directory;
    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <param name="files">Extra files (schemas, key files) written beside the config, by relative path.</param>
    public GatewayFactory(string configToml, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyDictionary<string, string>? files = null)
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("tz-gateway-test-").FullName;
        ConfigPath = Path.Combine(_directory, "tensorzero.toml");
        File.WriteAllText(ConfigPath, configToml);
        foreach (var (relative, contents) in files ?? new Dictionary<string, string>())
        {
            var path = Path.Combine(_directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, contents);
        }
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string ConfigPath { get; }

    /// <summary>A <c>--config-file</c> value (a path or a glob) to start from instead of the written config.</summary>
    public string? ConfigFileArgument { get; init; }

    public string Directory => _directory;

    public LogCapture Logs { get; } = new();

    /// <summary>Changes to the gateway's services after its own registrations (a provider factory with test hooks).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>
    /// Serves the gateway with Kestrel, for tests that need a real socket; its address. The config must say
    /// <c>bind_address = "127.0.0.1:0"</c>: the gateway's own binding then takes a free loopback port. (Handing the
    /// port to the factory instead makes it rewrite the server's addresses while the gateway's host may already be
    /// binding them, which fails now and then.)
    /// </summary>
    public Uri StartOnLoopback()
    {
        UseKestrel();
        StartServer();
        var address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (!address.IsLoopback)
        {
            throw new InvalidOperationException($"the test's config must bind 127.0.0.1:0, the gateway listens on {address}");
        }
        return address;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("config-file", ConfigFileArgument ?? ConfigPath);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEnvironmentVariables>(new FakeEnvironment(_environment));
            services.AddSingleton<ILogEventSink>(Logs);
            ConfigureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
