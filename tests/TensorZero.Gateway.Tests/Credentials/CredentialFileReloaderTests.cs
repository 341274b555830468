using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Fakes.Gcp;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Credentials;

public sealed class CredentialFileReloaderTests : IDisposable
{
    private const string Field = "`models.m.providers.p.api_key_location`";
    private const string OldKey = "sk-canary-old-4f1c9a7e2b";
    private const string NewKey = "sk-canary-new-8d3e6b1f0c";

    private readonly string _directory = Directory.CreateTempSubdirectory("tz-reload-test-").FullName;
    private readonly RecordingLogger _logs = new();
    private readonly FakeTimeProvider _time = new();
    private readonly SecretRegistry _secrets = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string KeyPath => Path.Combine(_directory, "openai.key");

    private CredentialFileReloader Reloader() => new(_logs, _time, CredentialFileReloader.DefaultDebounce);

    private CredentialResolver OpenAIResolver(CredentialFileReloader reloader, string location = "path::openai.key")
    {
        Assert.True(CredentialLocation.TryParse(location, out var parsed, out _));
        var factory = new CredentialResolverFactory(new FakeEnvironment(new Dictionary<string, string> { ["KEY_FILE"] = KeyPath }), _directory, new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance)
        {
            Secrets = _secrets,
            Reloader = reloader,
        };
        var errors = new List<string>();
        var resolver = factory.ForProvider(Rules("openai"), new CredentialSpec(parsed!), "models.m.providers.p", errors);
        Assert.Empty(errors);
        return resolver!;
    }

    private static CredentialRules Rules(string type) => ProviderRegistry.CreateDefault().Find(type)!.Descriptor.Credentials;

    private static string Current(CredentialResolver resolver)
    {
        Assert.True(resolver.TryResolve(RequestCredentials.Empty, out var credential, out _));
        Assert.Equal(CredentialKind.File, credential.Kind);
        return credential.Secret!.Reveal();
    }

    // Writes the file beside the key and renames it over the key: what a secret volume update amounts to.
    private void Swap(string contents)
    {
        var temporary = KeyPath + ".tmp";
        File.WriteAllText(temporary, contents);
        File.Move(temporary, KeyPath, overwrite: true);
    }

    [Theory]
    [InlineData("path::openai.key")]
    [InlineData("path_from_env::KEY_FILE")]
    public void ReloadAll_FileReplaced_NewKeyInUseAndBothRedacted(string location)
    {
        File.WriteAllText(KeyPath, OldKey + "\n");
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader, location);
        Assert.Equal(OldKey, Current(resolver));

        Swap($"  {NewKey}\r\n");
        reloader.ReloadAll("test");

        Assert.Equal(NewKey, Current(resolver));
        Assert.Equal(1, reloader.ReloadsSucceeded);
        Assert.Equal(0, reloader.ReloadsFailed);
        // A response still in flight may carry the old key: it stays redacted.
        var redacted = _secrets.Scope(RequestCredentials.Empty).Redact($"old {OldKey} new {NewKey}");
        Assert.Equal("old [REDACTED] new [REDACTED]", redacted);
        Assert.Contains(_logs.Lines, l => l.Contains("Credentials file reloaded for " + Field, StringComparison.Ordinal));
    }

    [Fact]
    public void ReloadAll_SameContents_CountsNothing()
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);

        Swap(OldKey + "\n");
        reloader.ReloadAll("test");

        Assert.Equal(OldKey, Current(resolver));
        Assert.Equal(0, reloader.ReloadsSucceeded + reloader.ReloadsFailed);
    }

    [Theory]
    [InlineData(null, "is missing (no such file)")]
    [InlineData("", "is empty")]
    [InlineData(" \n\t\n", "is empty")]
    [InlineData("sk-canary-new 8d3e6b1f0c", "contains characters that can't be sent in an HTTP header")]
    public void ReloadAll_BadFile_KeepsOldKeyAndLogsWhy(string? contents, string problem)
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);

        if (contents is null)
        {
            File.Delete(KeyPath);
        }
        else
        {
            Swap(contents);
        }
        reloader.ReloadAll("test");

        Assert.Equal(OldKey, Current(resolver));
        Assert.Equal(0, reloader.ReloadsSucceeded);
        Assert.Equal(1, reloader.ReloadsFailed);
        var line = Assert.Single(_logs.Lines);
        Assert.Contains($"Credentials file reload failed for {Field}", line, StringComparison.Ordinal);
        Assert.Contains($"credentials file `openai.key` {problem}", line, StringComparison.Ordinal);
        Assert.Contains("the previous credential stays in use", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ReloadAll_FailedThenFixed_RecoversOnNextReload()
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);

        Swap(string.Empty);
        reloader.ReloadAll("test");
        Swap(NewKey);
        reloader.ReloadAll("test");

        Assert.Equal(NewKey, Current(resolver));
        Assert.Equal(1, reloader.ReloadsSucceeded);
        Assert.Equal(1, reloader.ReloadsFailed);
    }

    [Fact]
    public void ReloadAll_InvalidServiceAccountJson_KeepsOldFile()
    {
        using var account = FakeServiceAccount.Create();
        File.WriteAllText(KeyPath, account.Json);
        using var reloader = Reloader();
        var factory = new CredentialResolverFactory(new FakeEnvironment(new Dictionary<string, string>()), _directory, new Dictionary<string, CredentialSpec>(), NullLoggerFactory.Instance)
        {
            Secrets = _secrets,
            Reloader = reloader,
        };
        var errors = new List<string>();
        var resolver = factory.ForProvider(Rules("gcp_vertex_gemini"), new CredentialSpec(new CredentialLocation.FilePath("openai.key")), "models.m.providers.v", errors)!;

        Swap("{\"type\": \"service_account\", \"client_email\": \"x@y\"}");
        reloader.ReloadAll("test");

        Assert.Equal(account.Json, Current(resolver));
        Assert.Equal(1, reloader.ReloadsFailed);
        Assert.Contains("the service-account file has no `private_key_id`", Assert.Single(_logs.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(account.PrivateKeyPem[40..80], _logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public void OnSighup_FileChanged_ReloadsAndKeepsTheProcessRunning()
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);
        Swap(NewKey);

        var signal = new PosixSignalContext(PosixSignal.SIGHUP);
        reloader.OnSighup(signal);

        Assert.True(signal.Cancel);
        Assert.Equal(NewKey, Current(resolver));
        Assert.Contains(_logs.Lines, l => l.Contains("(SIGHUP)", StringComparison.Ordinal));
    }

    [Fact]
    public void OnDirectoryChanged_EventsInABurst_ReloadOnceAfterTheDirectoryIsQuiet()
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);
        Swap(NewKey);

        reloader.OnDirectoryChanged(_directory);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        reloader.OnDirectoryChanged(_directory);
        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(OldKey, Current(resolver));

        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(NewKey, Current(resolver));
        Assert.Equal(1, reloader.ReloadsSucceeded);

        // Later bursts touch only the directories they happened in.
        reloader.OnDirectoryChanged(Path.Combine(_directory, "elsewhere"));
        Swap(OldKey);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(NewKey, Current(resolver));
    }

    [Fact]
    public async Task StartAsync_KubernetesSymlinkSwap_ReloadsFromTheWatcher()
    {
        // A secret volume: `key -> ..data/key`, `..data -> ..v1`; an update writes `..v2` and renames a new `..data` over the old.
        Directory.CreateDirectory(Path.Combine(_directory, "..v1"));
        File.WriteAllText(Path.Combine(_directory, "..v1", "openai.key"), OldKey);
        Directory.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..v1");
        File.CreateSymbolicLink(KeyPath, Path.Combine("..data", "openai.key"));
        using var reloader = new CredentialFileReloader(_logs, TimeProvider.System, TimeSpan.FromMilliseconds(50));
        var resolver = OpenAIResolver(reloader);
        await reloader.StartAsync(CancellationToken.None);

        Directory.CreateDirectory(Path.Combine(_directory, "..v2"));
        File.WriteAllText(Path.Combine(_directory, "..v2", "openai.key"), NewKey);
        Directory.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), "..v2");
        Assert.Equal(0, Rename(Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data")));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (reloader.ReloadsSucceeded == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(NewKey, Current(resolver));
        Assert.Equal(1, reloader.ReloadsSucceeded);
    }

    [Fact]
    public void Reload_CanaryKeys_NeverInALogLine()
    {
        File.WriteAllText(KeyPath, OldKey);
        using var reloader = Reloader();
        var resolver = OpenAIResolver(reloader);

        Swap(NewKey);
        reloader.ReloadAll("test");
        Swap(NewKey + " trailing-canary-9f8e7d");
        reloader.ReloadAll("test");
        Swap(string.Empty);
        reloader.ReloadAll("test");

        Assert.Equal(NewKey, Current(resolver));
        Assert.Equal(3, _logs.Lines.Count);
        foreach (var canary in new[] { OldKey, NewKey, "trailing-canary-9f8e7d", "canary" })
        {
            Assert.DoesNotContain(canary, _logs.All, StringComparison.Ordinal);
        }
    }

    // rename(2): what Kubernetes' atomic writer does with `..data_tmp`; .NET has no call that renames a symlink over another.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);

    /// <summary>Records each log line with every structured value, to check what a reload tells and hides.</summary>
    private sealed class RecordingLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public string All => string.Join('\n', _lines);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            _lines.Enqueue($"{formatter(state, exception)} {values} {exception}");
        }
    }
}
