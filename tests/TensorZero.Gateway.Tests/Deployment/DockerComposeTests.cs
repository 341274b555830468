using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace TensorZero.Gateway.Tests.Deployment;

/// <summary>
/// <c>docker/docker-compose.yml</c> and <c>docker/nginx.conf</c>, checked without Docker: the compose file parsed as
/// YAML, and the nginx config by nginx's own <c>-t</c>.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string[] Gateways = ["gateway-1", "gateway-2"];

    [Fact]
    public void Compose_Services_TwoGatewaysOnPostgresBehindNginxEachWithAHealthCheck()
    {
        var services = Map(LoadCompose(), "services");

        Assert.Equal(["postgres", "gateway-1", "gateway-2", "nginx"], services.Children.Keys.Select(k => k.ToString()));
        foreach (var (name, service) in services.Children)
        {
            Assert.True(Text(Map((YamlMappingNode)service, "healthcheck"), "test").Length > 0, $"{name} has no health check");
        }
        Assert.Contains("pg_isready", Text(Map(Map(services, "postgres"), "healthcheck"), "test"), StringComparison.Ordinal);
        Assert.Contains("3000:80", Text(Map(services, "nginx"), "ports"), StringComparison.Ordinal);
        Assert.Contains("./nginx.conf:/etc/nginx/nginx.conf:ro", Text(Map(services, "nginx"), "volumes"), StringComparison.Ordinal);
        foreach (var gateway in Gateways)
        {
            Assert.Equal("service_healthy", Text(Map(Map(Map(services, "nginx"), "depends_on"), gateway), "condition"));
        }
    }

    [Theory]
    [InlineData("gateway-1")]
    [InlineData("gateway-2")]
    public void Compose_Gateway_SharesPostgresChecksHealthAndMountsTheConfigReadOnly(string name)
    {
        var gateway = Map(Map(LoadCompose(), "services"), name);

        Assert.StartsWith("postgres://", Text(Map(gateway, "environment"), "TENSORZERO_POSTGRES_URL"), StringComparison.Ordinal);
        Assert.Contains("@postgres:5432/", Text(Map(gateway, "environment"), "TENSORZERO_POSTGRES_URL"), StringComparison.Ordinal);
        Assert.Equal("service_healthy", Text(Map(Map(gateway, "depends_on"), "postgres"), "condition"));
        Assert.Contains("http://127.0.0.1:3000/health", Text(Map(gateway, "healthcheck"), "test"), StringComparison.Ordinal);
        Assert.Contains("../config:/app/config:ro", Text(gateway, "volumes"), StringComparison.Ordinal);
        Assert.Equal("docker/Dockerfile", Text(Map(gateway, "build"), "dockerfile"));
        Assert.True(File.Exists(RepositoryFile("docker/Dockerfile")));
    }

    [Fact]
    public void Dockerfile_Image_IsMultiStageAndNonRootWithItsConfigAtAppConfig()
    {
        var dockerfile = File.ReadAllText(RepositoryFile("docker/Dockerfile"));

        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains("/app/config/tensorzero.toml", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void NginxConf_Upstream_BothGatewaysAndRefusedConnectionsGoToTheNext()
    {
        var conf = File.ReadAllText(RepositoryFile("docker/nginx.conf"));

        foreach (var gateway in Gateways)
        {
            Assert.Contains($"server {gateway}:3000", conf, StringComparison.Ordinal);
        }
        Assert.Contains("proxy_next_upstream error timeout;", conf, StringComparison.Ordinal);
        // A POST already sent is never replayed on the other replica.
        Assert.DoesNotContain(conf.Split('\n').Select(l => l.Trim()), l => l.StartsWith("proxy_next_upstream ", StringComparison.Ordinal) && l.Contains("non_idempotent", StringComparison.Ordinal));
        Assert.Contains("proxy_buffering off;", conf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NginxConf_WithLoopbackUpstreams_PassesNginxsOwnCheck()
    {
        // Docker's DNS names don't resolve here: the same file with loopback addresses.
        var directory = Directory.CreateTempSubdirectory("tz-nginx-check-").FullName;
        try
        {
            var conf = (await File.ReadAllTextAsync(RepositoryFile("docker/nginx.conf")))
                .Replace("gateway-1:3000", "127.0.0.1:3001", StringComparison.Ordinal)
                .Replace("gateway-2:3000", "127.0.0.1:3002", StringComparison.Ordinal);
            var path = Path.Combine(directory, "nginx.conf");
            await File.WriteAllTextAsync(path, conf);
            var start = new ProcessStartInfo(NginxProcess.FindBinary(), ["-t", "-p", directory + "/", "-e", Path.Combine(directory, "error.log"), "-c", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var nginx = Process.Start(start)!;
            var output = await nginx.StandardError.ReadToEndAsync();
            await nginx.WaitForExitAsync();

            Assert.True(nginx.ExitCode == 0, output);
            Assert.Contains("test is successful", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static YamlMappingNode LoadCompose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepositoryFile("docker/docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map
            : throw new Xunit.Sdk.XunitException($"`{key}` is missing or not a mapping");

    // A scalar's value, or a sequence's items joined with spaces.
    private static string Text(YamlMappingNode node, string key) =>
        !node.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? throw new Xunit.Sdk.XunitException($"`{key}` is missing")
            : child switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode sequence => string.Join(' ', sequence.Children.Select(c => c.ToString())),
                _ => throw new Xunit.Sdk.XunitException($"`{key}` is neither a value nor a list"),
            };

    private static string RepositoryFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TensorZero.Gateway.sln")))
            {
                return Path.Combine(directory.FullName, relative);
            }
        }
        throw new InvalidOperationException("the repository root (TensorZero.Gateway.sln) was not found above the test assembly");
    }
}
