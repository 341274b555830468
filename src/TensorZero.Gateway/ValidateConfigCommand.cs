using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway;

/// <summary>
/// <c>--validate-config --config-file F</c>: loads the config and builds everything the gateway builds at startup
/// (providers with their static credentials read and checked for presence and shape, models, functions, templates,
/// schemas), then exits without serving: 0 when the gateway would start, 1 with every problem on its own line, named by
/// its TOML path. Nothing is sent over the network and no database is touched or created.
/// </summary>
public static class ValidateConfigCommand
{
    public const string Flag = "--validate-config";

    public static int Run(string? configPath, TextWriter output, IEnvironmentVariables environment)
    {
        if (string.IsNullOrWhiteSpace(configPath))
        {
            output.WriteLine("error: no config file given: run with `--validate-config --config-file path/to/tensorzero.toml`");
            return 1;
        }
        GatewayConfig config;
        try
        {
            config = new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(configPath);
        }
        catch (ConfigException e)
        {
            return Report(output, e.Errors);
        }
        foreach (var warning in config.Warnings)
        {
            output.WriteLine($"warning: {warning}");
        }
        try
        {
            using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
            var runtime = GatewayRuntime.Build(
                config,
                ProviderRegistry.CreateDefault(),
                environment,
                new ProviderServices(services.GetRequiredService<IHttpClientFactory>(), NullLoggerFactory.Instance, TimeProvider.System));
            output.WriteLine(
                $"ok: {configPath}: {runtime.Config.Models.Count} models, {runtime.Config.EmbeddingModels.Count} embedding models, " +
                $"{runtime.Config.Functions.Count} functions");
            return 0;
        }
        catch (ConfigException e)
        {
            return Report(output, e.Errors);
        }
    }

    private static int Report(TextWriter output, IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            output.WriteLine($"error: {error}");
        }
        output.WriteLine($"{errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")} found; the gateway would not start");
        return 1;
    }
}
