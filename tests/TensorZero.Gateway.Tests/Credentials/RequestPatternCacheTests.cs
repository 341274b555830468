using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// A request's keys find the patterns built for an earlier request with the same keys; any other set of keys gets its
/// own, so every scope still masks exactly its own keys.
/// </summary>
public sealed class RequestPatternCacheTests
{
    private static RequestCredentials Credentials(params string[] values) =>
        new(values.Select((v, i) => (Name: $"key_{i}", Value: new Secret(v))).ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));

    [Fact]
    public void Redact_SameDynamicKeyInTwoRequests_BuildsItsPatternsOnceAndMasksItInBoth()
    {
        var registry = new SecretRegistry();
        const string key = "sk-dynamic-canary-7f3e2a9b41c0";

        var first = registry.Scope(Credentials(key)).Redact($"echo {key}");
        var second = registry.Scope(Credentials(key)).Redact($"again {key}");

        Assert.DoesNotContain("canary", first, StringComparison.Ordinal);
        Assert.DoesNotContain("canary", second, StringComparison.Ordinal);
        Assert.Equal(1, registry.CachedRequestPatterns);
    }

    [Fact]
    public void Redact_RequestsWithDifferentKeys_EachMasksItsOwnKey()
    {
        var registry = new SecretRegistry();
        const string a = "sk-tenant-a-canary-0001aaaa", b = "sk-tenant-b-canary-0002bbbb";

        Assert.Equal("a: [REDACTED]", registry.Scope(Credentials(a)).Redact($"a: {a}"));
        Assert.Equal("b: [REDACTED]", registry.Scope(Credentials(b)).Redact($"b: {b}"));
        Assert.Equal(2, registry.CachedRequestPatterns);
    }

    [Fact]
    public void Redact_KeySetWhoseTextIsAlsoASingleKey_GetsThePatternsOfItsOwnKeys()
    {
        var registry = new SecretRegistry();
        // Short keys are masked as whole words: the lookalike's runs cover neither.
        const string first = "abcde", second = "fghij";
        var lookalike = $"{first.Length}:{first}{second.Length}:{second}";

        registry.Scope(Credentials(lookalike)).Redact("warm the single key's entry");
        var redacted = registry.Scope(Credentials(first, second)).Redact($"x {first} y {second}");

        Assert.DoesNotContain(first, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain(second, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_UsedKeyBesideRequestKeys_MasksBoth()
    {
        var registry = new SecretRegistry();
        const string dynamic = "sk-dynamic-canary-5555eeee", used = "sk-used-canary-6666ffff";

        var redacted = registry.Scope(Credentials(dynamic), new Secret(used)).Redact($"{dynamic} / {used}");

        Assert.DoesNotContain("canary", redacted, StringComparison.Ordinal);
        // The key alone is another set of secrets.
        Assert.DoesNotContain("canary", registry.Scope(Credentials(dynamic)).Redact(dynamic), StringComparison.Ordinal);
        Assert.Equal(2, registry.CachedRequestPatterns);
    }

    [Fact]
    public void Redact_ManyDistinctKeys_CacheStaysBoundedAndEveryKeyIsMasked()
    {
        var registry = new SecretRegistry();

        for (var i = 0; i < 1_000; i++)
        {
            var key = $"sk-churn-canary-{i:D8}";
            Assert.DoesNotContain("canary", registry.Scope(Credentials(key)).Redact($"echo {key}"), StringComparison.Ordinal);
            Assert.InRange(registry.CachedRequestPatterns, 1, 256);
        }
    }

    [Fact]
    public void Redact_UsedKeyTheRegistryHolds_NeedsNoPatternsOfItsOwnAndIsMasked()
    {
        var registry = new SecretRegistry();
        var registered = registry.Register(new Secret("sk-static-canary-1234abcd5678"));
        var unregistered = new Secret("sk-other-canary-8765dcba4321");

        Assert.Same(SecretPatterns.Empty, registry.RequestPatterns(RequestCredentials.Empty, registered));
        Assert.NotSame(SecretPatterns.Empty, registry.RequestPatterns(RequestCredentials.Empty, unregistered));
        Assert.NotSame(SecretPatterns.Empty, registry.RequestPatterns(Credentials("sk-dynamic-canary-0000aaaa"), registered));
        Assert.Equal("key: [REDACTED]", registry.Scope(RequestCredentials.Empty, registered).Redact($"key: {registered.Reveal()}"));
    }

    [Fact]
    public void Redact_NoRequestKeys_CachesNothing()
    {
        var registry = new SecretRegistry();

        Assert.Equal("plain", registry.Scope(RequestCredentials.Empty).Redact("plain"));
        Assert.Equal(0, registry.CachedRequestPatterns);
    }
}
