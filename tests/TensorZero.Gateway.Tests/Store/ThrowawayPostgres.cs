using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TensorZero.Gateway.Tests.Store;

/// <summary>
/// A PostgreSQL server of one test's own, started the way <c>.ci/postgres.sh</c> starts the shared one (<c>initdb</c>
/// and <c>pg_ctl</c> on a temporary folder and a free loopback port, trust authentication), so the test can stop and
/// restart it without disturbing the others. Run as root, the cluster belongs to the <c>postgres</c> user.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory;
    private readonly string _binaries;
    private readonly string? _runAs;

    private ThrowawayPostgres(string directory, string binaries, string? runAs, int port)
    {
        _directory = directory;
        _binaries = binaries;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's URL, as <c>TENSORZERO_POSTGRES_URL</c> takes it.</summary>
    public string Url => $"postgres://postgres@127.0.0.1:{Port}/postgres";

    /// <summary>A new cluster on a free port, not started yet.</summary>
    public static async Task<ThrowawayPostgres> CreateAsync()
    {
        var binaries = FindBinaries();
        var directory = Directory.CreateTempSubdirectory("tz-outage-pg-").FullName;
        string? runAs = null;
        if (Environment.IsPrivilegedProcess)
        {
            // initdb refuses to run as root.
            runAs = File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";
            await RunAsync("chown", [runAs, directory]);
        }
        var server = new ThrowawayPostgres(directory, binaries, runAs, FreePort());
        await server.PgAsync("initdb", ["-D", server.Data, "-U", "postgres", "-A", "trust", "--no-sync"]);
        return server;
    }

    /// <summary>A new cluster, started.</summary>
    public static async Task<ThrowawayPostgres> StartNewAsync()
    {
        var server = await CreateAsync();
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts (or restarts) the server on its port and waits until it accepts connections.</summary>
    public Task StartAsync() => PgAsync("pg_ctl",
        ["-D", Data, "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory} -c fsync=off", "-l", Path.Combine(_directory, "log"), "-w", "start"]);

    /// <summary>Stops the server (open connections are closed) and waits until it is down.</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private string Data => Path.Combine(_directory, "data");

    private Task PgAsync(string tool, IReadOnlyList<string> arguments) => _runAs is null
        ? RunAsync(Path.Combine(_binaries, tool), arguments)
        : RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_binaries, tool), .. arguments]);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{program} {string.Join(' ', arguments)}` exited with {process.ExitCode}:\n{await output}{await error}");
        }
    }

    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(v => Path.Combine(v, "bin"))
                : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL's initdb and pg_ctl were not found: install PostgreSQL (`apt-get install postgresql`) or run the tests through .ci/run, which does");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
