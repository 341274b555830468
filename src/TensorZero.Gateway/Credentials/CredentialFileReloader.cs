using System.Runtime.InteropServices;

namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Re-reads every credentials file (<c>path::</c>, <c>path_from_env::</c>, GCP service-account files) when it changes
/// and on <c>SIGHUP</c>, so keys rotate without a restart. It watches each file's directory rather than the file,
/// since a Kubernetes secret volume swaps its <c>..data</c> symlink atomically and the file itself never changes;
/// events are debounced, and a failed reload keeps the old value. One per gateway.
/// </summary>
public sealed class CredentialFileReloader : IHostedService, IDisposable
{
    /// <summary>How long the directory must stay quiet after a change before the files are re-read.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(200);

    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly Lock _gate = new();
    private readonly Lock _reloadGate = new();
    private readonly List<ReloadableFileCredential> _files = [];
    private readonly Dictionary<string, FileSystemWatcher?> _watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pendingDirectories = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private PosixSignalRegistration? _sighup;
    private bool _started;
    private bool _disposed;
    private long _succeeded;
    private long _failed;

    public CredentialFileReloader(ILogger<CredentialFileReloader> logger, TimeProvider time)
        : this(logger, time, DefaultDebounce)
    {
    }

    internal CredentialFileReloader(ILogger logger, TimeProvider time, TimeSpan debounce)
    {
        _logger = logger;
        _debounce = debounce;
        _timer = time.CreateTimer(_ => ReloadPending(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Reloads that replaced a credential with a new value, since startup (for <c>/metrics</c>).</summary>
    public long ReloadsSucceeded => Interlocked.Read(ref _succeeded);

    /// <summary>Reloads that failed and kept the old value, since startup (for <c>/metrics</c>).</summary>
    public long ReloadsFailed => Interlocked.Read(ref _failed);

    /// <summary>Adds a file to re-read; its directory is watched from now on if watching has started.</summary>
    public void Add(ReloadableFileCredential file)
    {
        lock (_gate)
        {
            _files.Add(file);
            if (_started)
            {
                Watch(DirectoryOf(file));
            }
        }
    }

    /// <summary>Starts watching the files' directories and listening for <c>SIGHUP</c>.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_started || _disposed)
            {
                return Task.CompletedTask;
            }
            _started = true;
            foreach (var file in _files)
            {
                Watch(DirectoryOf(file));
            }
        }
        try
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSighup);
        }
        catch (PlatformNotSupportedException)
        {
            _logger.LogWarning("Credentials files: SIGHUP is not available on this platform; files are still re-read when they change");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Re-reads every file now, as on <c>SIGHUP</c>.</summary>
    public void ReloadAll(string reason)
    {
        List<ReloadableFileCredential> files;
        lock (_gate)
        {
            files = [.. _files];
        }
        Reload(files, reason);
    }

    /// <summary>What <c>SIGHUP</c> does: keeps the process running (the default would end it) and re-reads every file.</summary>
    internal void OnSighup(PosixSignalContext context)
    {
        context.Cancel = true;
        ReloadAll("SIGHUP");
    }

    /// <summary>Records a change in a watched directory; its files are re-read once it has been quiet for the debounce delay.</summary>
    internal void OnDirectoryChanged(string directory)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _pendingDirectories.Add(directory);
            _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var watcher in _watchers.Values)
            {
                watcher?.Dispose();
            }
            _watchers.Clear();
        }
        _timer.Dispose();
        _sighup?.Dispose();
    }

    private void ReloadPending()
    {
        List<ReloadableFileCredential> files;
        lock (_gate)
        {
            files = _files.Where(f => _pendingDirectories.Contains(DirectoryOf(f))).ToList();
            _pendingDirectories.Clear();
        }
        Reload(files, "the file changed");
    }

    private void Reload(List<ReloadableFileCredential> files, string reason)
    {
        // One reload at a time: a change event and a SIGHUP may arrive together.
        lock (_reloadGate)
        {
            foreach (var file in files)
            {
                switch (file.Reload(out var problem))
                {
                    case FileReloadOutcome.Replaced:
                        var succeeded = Interlocked.Increment(ref _succeeded);
                        _logger.LogInformation(
                            "Credentials file reloaded for {Field:l} ({Reason:l}); reloads succeeded: {Succeeded}, failed: {Failed}",
                            file.Field, reason, succeeded, ReloadsFailed);
                        break;
                    case FileReloadOutcome.Failed:
                        var failed = Interlocked.Increment(ref _failed);
                        _logger.LogWarning(
                            "Credentials file reload failed for {Field:l} ({Reason:l}), the previous credential stays in use: {Problem:l}; reloads succeeded: {Succeeded}, failed: {Failed}",
                            file.Field, reason, problem, ReloadsSucceeded, failed);
                        break;
                }
            }
        }
    }

    // Called under _gate. A directory that can't be watched (missing, or no inotify instance left) still reloads on SIGHUP.
    private void Watch(string directory)
    {
        if (_watchers.ContainsKey(directory))
        {
            return;
        }
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => OnDirectoryChanged(directory);
            watcher.Created += (_, _) => OnDirectoryChanged(directory);
            watcher.Deleted += (_, _) => OnDirectoryChanged(directory);
            watcher.Renamed += (_, _) => OnDirectoryChanged(directory);
            // A lost event (overflowing buffer) may hide a change: re-read to be sure.
            watcher.Error += (_, _) => OnDirectoryChanged(directory);
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is ArgumentException or IOException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            watcher = null;
            _logger.LogWarning(
                "Credentials files: the directory `{Directory:l}` can't be watched ({Error:l}); its files are re-read on SIGHUP only",
                directory, e.GetType().Name);
        }
        _watchers[directory] = watcher;
    }

    private static string DirectoryOf(ReloadableFileCredential file) => Path.GetDirectoryName(file.FullPath) ?? file.FullPath;
}
