using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// The per-request credential work allocates the request's map and nothing more: resolving a key from it allocates
/// nothing at all. Counted with the runtime's exact per-thread allocation counter, after the code has run enough to be
/// compiled, so the numbers don't depend on timing.
/// </summary>
public sealed class CredentialAllocationTests
{
    private const string Key = "customer_openai_api_key";

    private static long AllocatedBy(Action action)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TryResolve_DynamicKeyInTheMap_AllocatesNothing()
    {
        var registry = ProviderRegistry.CreateDefault();
        var factory = new CredentialResolverFactory(new FakeEnvironment(new Dictionary<string, string>()), ".", new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance);
        var resolver = factory.ForProvider(registry.Find("openai")!.Descriptor.Credentials,
            new CredentialSpec(new CredentialLocation.Dynamic(Key)), "p", [])!;
        var credentials = new RequestCredentials(new Dictionary<string, Secret>(StringComparer.Ordinal) { [Key] = new("sk-zq7Xv2Lp9Rt4Wm") });

        var bytes = AllocatedBy(() => Assert.True(resolver.TryResolve(credentials, out _, out _)));

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Constructor_TheParsersOwnMap_KeepsItWithoutACopy()
    {
        var map = new Dictionary<string, Secret>(StringComparer.Ordinal) { [Key] = new("sk-zq7Xv2Lp9Rt4Wm"), ["other"] = new("sk-Hb3Nc8Dd1Fg6") };

        // The wrapper object itself (a header and one reference) and no copy of the two entries.
        var bytes = AllocatedBy(() => GC.KeepAlive(new RequestCredentials(map)));

        Assert.InRange(bytes, 1, 32);
    }

    [Fact]
    public void ParseCredentials_TwoKeys_AllocatesTheMapItsValuesAndNoMore()
    {
        using var document = JsonDocument.Parse("""{"credentials":{"customer_openai_api_key":"sk-zq7Xv2Lp9Rt4Wm","other":"sk-Hb3Nc8Dd1Fg6"}}""");
        var root = document.RootElement;
        var parsed = AllocatedBy(() => GC.KeepAlive(InferenceRequestParser.ParseCredentials(root, "credentials")));
        var mapOnly = AllocatedBy(() =>
        {
            var map = new Dictionary<string, Secret>(StringComparer.Ordinal);
            foreach (var entry in root.GetProperty("credentials").EnumerateObject())
            {
                map[entry.Name] = new Secret(entry.Value.GetString()!);
            }
            GC.KeepAlive(map);
        });

        // What the parser adds over building the bare map (key names, values and Secret wrappers included) is the
        // small RequestCredentials object: no frozen copy, no per-entry work.
        Assert.InRange(parsed - mapOnly, 0, 32);
    }
}
