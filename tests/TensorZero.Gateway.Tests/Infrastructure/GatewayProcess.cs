using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway as a real process (<c>dotnet TensorZero.Gateway.dll --config-file ...</c>) on a free loopback port, with
/// its own runtime settings (GC mode included), for tests that measure the process itself, such as its memory.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    public int Id => _process.Id;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the gateway with <paramref name="configToml"/> and waits until it listens (at most 60 s).</summary>
    /// <param name="environment">Variables added to the process's environment (e.g. <c>TENSORZERO_POSTGRES_URL</c>).</param>
    public static async Task<GatewayProcess> StartAsync(string configToml, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("tz-process-").FullName;
        var configPath = Path.Combine(directory, "tensorzero.toml");
        await File.WriteAllTextAsync(configPath, configToml);
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "--config-file", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Port 0: the OS picks a free port, which Kestrel reports in its "Now listening on" line.
        start.Environment["TENSORZERO_GATEWAY_BIND_ADDRESS"] = "127.0.0.1:0";
        start.Environment.Remove("TENSORZERO_LOG_FORMAT");
        start.Environment.Remove("DOTNET_gcServer");
        start.Environment.Remove("DOTNET_GCgen0size");
        // A gateway started in this process (WebApplicationFactory) set it here; each process decides for itself.
        start.Environment.Remove(TensorZero.Gateway.Hosting.SocketCompletions.Variable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var gateway = new GatewayProcess(process, directory);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (gateway._output)
            {
                gateway._output.AppendLine(e.Data);
            }
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the gateway exited before it listened"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            gateway.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw new InvalidOperationException($"The gateway did not start:\n{gateway.Output}");
        }
    }

    /// <summary>Resident memory now (<c>VmRSS</c>) and its peak since start (<c>VmHWM</c>), in bytes.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }
        return (rss, peak);
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an out-of-memory kill would: no drain, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the container does.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {Id} failed ({kill.ExitCode})");
        }
    }

    /// <summary>Waits for the process to exit, at most <paramref name="timeout"/>; its exit code, or null when it still runs.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
