using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TensorZero.Gateway.Tests.Deployment;

/// <summary>
/// nginx (Debian's package) as a load balancer in front of gateways on loopback ports: run as the current user, with
/// its config, pid file, error log and temporary folders in a temporary prefix. The proxy settings are those of
/// <c>docker/nginx.conf</c>; it also names the replica that answered in an <c>X-Upstream-Address</c> header.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string UpstreamHeader = "X-Upstream-Address";

    private readonly Process _process;
    private readonly string _directory;

    private NginxProcess(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What nginx logged (upstream errors and retries among it).</summary>
    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    /// <summary>Starts nginx balancing over <paramref name="upstreams"/> and waits until it accepts connections (at most 10 s).</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> upstreams)
    {
        var binary = FindBinary();
        var directory = Directory.CreateTempSubdirectory("tz-nginx-").FullName;
        var port = FreePort();
        var configPath = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configPath, Config(directory, port, upstreams));
        var start = new ProcessStartInfo(binary, ["-p", directory + "/", "-e", Path.Combine(directory, "error.log"), "-c", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var nginx = new NginxProcess(process, directory, new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                var output = await process.StandardError.ReadToEndAsync();
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx exited at start ({process.ExitCode}): {output}{nginx.ErrorLog}");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return nginx;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    // `proxy_next_upstream error timeout`: a replica that refuses the connection (killed, restarting) is skipped and the
    // request goes to the next one. A request already sent is never sent again (POST is not idempotent), so the
    // requests in flight on a replica that dies fail with 502.
    private static string Config(string directory, int port, IReadOnlyList<Uri> upstreams) => $$"""
        daemon off;
        worker_processes 1;
        pid {{directory}}/nginx.pid;
        error_log {{directory}}/error.log warn;
        {{(Environment.IsPrivilegedProcess ? "user root;" : "")}}
        events { worker_connections 512; }
        http {
            access_log off;
            client_body_temp_path {{directory}}/client_body;
            proxy_temp_path {{directory}}/proxy;
            fastcgi_temp_path {{directory}}/fastcgi;
            uwsgi_temp_path {{directory}}/uwsgi;
            scgi_temp_path {{directory}}/scgi;
            upstream gateways {
        {{string.Concat(upstreams.Select(u => $"        server {u.Host}:{u.Port} max_fails=1 fail_timeout=10s;\n"))}}
            }
            server {
                listen 127.0.0.1:{{port}};
                client_max_body_size 10m;
                location / {
                    proxy_pass http://gateways;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_next_upstream error timeout;
                    proxy_next_upstream_tries 2;
                    proxy_connect_timeout 2s;
                    proxy_read_timeout 300s;
                    proxy_buffering off;
                    add_header {{UpstreamHeader}} $upstream_addr always;
                }
            }
        }
        """;

    /// <summary>The nginx program; an error saying to install it when it is missing.</summary>
    public static string FindBinary()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Select(d => Path.Combine(d, "nginx"));
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "nginx is not installed: install it (`apt-get install -y nginx`; .ci/run does) to run the scale-out test");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The master and its worker.
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
}
