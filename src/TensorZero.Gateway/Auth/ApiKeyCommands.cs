using System.Globalization;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Store;

namespace TensorZero.Gateway.Auth;

/// <summary>
/// <c>--create-api-key [--description TEXT]</c>, <c>--disable-api-key PUBLIC_ID</c> and <c>--list-api-keys</c>, each
/// with <c>--config-file F</c>: manage gateway API keys in the store that config points at (its SQLite file, or
/// PostgreSQL with <c>TENSORZERO_POSTGRES_URL</c>), migrating it first as the gateway would. The full key is printed
/// once, at creation, alone on standard output; nothing else ever shows more than its public id. Exit 0, or 1 with the
/// problem on standard error.
/// </summary>
public static class ApiKeyCommands
{
    public const string CreateFlag = "--create-api-key";
    public const string DisableFlag = "--disable-api-key";
    public const string ListFlag = "--list-api-keys";

    /// <summary>Whether <paramref name="args"/> ask for a key command.</summary>
    public static bool Handles(string[] args) => args.Any(a => a is CreateFlag or DisableFlag or ListFlag);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IEnvironmentVariables environment, TimeProvider time)
    {
        if (!TryParse(args, out var command, out var configPath, out var argument, out var description, out var problem))
        {
            error.WriteLine($"error: {problem}");
            return 1;
        }
        try
        {
            await using var store = OpenStore(configPath!, environment);
            await store.Store.PrepareAsync(migrate: !store.Settings.DisableAutomaticMigrations, CancellationToken.None);
            var keys = (IApiKeyStore)store.Store;
            switch (command)
            {
                case CreateFlag:
                    var (key, parsed) = GatewayApiKey.Generate();
                    await keys.InsertApiKeyAsync(parsed, description, time.GetUtcNow(), CancellationToken.None);
                    output.WriteLine(key);
                    error.WriteLine($"Created API key `{parsed.PublicId}` in the {store.Store.Name} store. The key above is shown only this once.");
                    return 0;
                case DisableFlag:
                    if (!GatewayApiKey.IsPublicId(argument!))
                    {
                        error.WriteLine($"error: `{DisableFlag}` takes a key's public id: the 12 letters and digits after `sk-t0-`");
                        return 1;
                    }
                    if (await keys.DisableApiKeyAsync(argument!, time.GetUtcNow(), CancellationToken.None) is not { } disabledAt)
                    {
                        error.WriteLine($"error: no API key with public id `{argument}`");
                        return 1;
                    }
                    output.WriteLine($"Disabled API key `{argument}` at {Format(disabledAt)}");
                    return 0;
                default:
                    output.WriteLine("PUBLIC_ID\tCREATED_AT\tDISABLED_AT\tDESCRIPTION");
                    foreach (var info in await keys.ListApiKeysAsync(CancellationToken.None))
                    {
                        output.WriteLine($"{info.PublicId}\t{Format(info.CreatedAt)}\t{(info.DisabledAt is { } at ? Format(at) : "-")}\t{info.Description}");
                    }
                    return 0;
            }
        }
        catch (ConfigException e)
        {
            foreach (var line in e.Errors)
            {
                error.WriteLine($"error: {line}");
            }
            return 1;
        }
        catch (StoreSchemaException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (System.Data.Common.DbException e)
        {
            // The type, not the message: a driver's message may quote the connection string.
            error.WriteLine($"error: the store could not be used ({e.GetType().Name})");
            return 1;
        }
    }

    private static bool TryParse(string[] args, out string? command, out string? configPath, out string? argument, out string? description, out string? problem)
    {
        command = configPath = argument = description = problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string? Next() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            switch (flag)
            {
                case CreateFlag or ListFlag or DisableFlag:
                    if (command is not null)
                    {
                        problem = $"give one of `{CreateFlag}`, `{DisableFlag}`, `{ListFlag}`";
                        return false;
                    }
                    command = flag;
                    if (flag == DisableFlag && (argument = Next()) is null)
                    {
                        problem = $"`{DisableFlag}` needs the key's public id";
                        return false;
                    }
                    break;
                case "--config-file":
                    configPath = Next();
                    break;
                case "--description" when command == CreateFlag:
                    description = Next();
                    break;
                default:
                    problem = $"unexpected argument `{flag}` (usage: `{CreateFlag} [--description TEXT] | {DisableFlag} PUBLIC_ID | {ListFlag}`, with `--config-file F`)";
                    return false;
            }
        }
        if (string.IsNullOrWhiteSpace(configPath))
        {
            problem = $"no config file given: run with `{command} --config-file path/to/tensorzero.toml`; the config says where the store is";
            return false;
        }
        return true;
    }

    private static OpenedStore OpenStore(string configPath, IEnvironmentVariables environment)
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(configPath);
        var settings = config.Gateway.Observability ?? ObservabilityConfig.Default(config.BaseDirectory);
        var store = StoreFactory.Create(settings, environment)
            ?? throw new ConfigException(["`gateway.observability.enabled`: API keys are kept in the gateway's store, which this config turns off"]);
        return new OpenedStore(store, settings);
    }

    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record OpenedStore(IInferenceStore Store, ObservabilityConfig Settings) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Store.DisposeAsync();
    }
}
