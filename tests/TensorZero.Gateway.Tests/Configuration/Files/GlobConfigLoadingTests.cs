using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration.Files;

/// <summary>
/// <c>--config-file 'config/**/*.toml'</c>: the files merge into one config, and each file's relative paths resolve
/// against its own folder.
/// </summary>
public sealed class GlobConfigLoadingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tz-glob-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string contents)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
    }

    private GatewayConfig Load(string pattern) => new ConfigLoader(ProviderRegistry.CreateDefault()).LoadFile(Path.Combine(_root, pattern));

    [Fact]
    public void LoadFile_Glob_MergesFilesAndResolvesPathsPerFile()
    {
        Write("models.toml", """
            [models.m]
            routing = ["d"]
            [models.m.providers.d]
            type = "dummy"
            model_name = "good"
            """);
        Write("functions/f/function.toml", """
            [functions.f]
            type = "chat"
            system_schema = "system.json"
            """);
        Write("functions/f/system.json", """{"type":"object","properties":{"name":{"type":"string"}}}""");
        Write("functions/f/variants/v.toml", """
            [functions.f.variants.v]
            type = "chat_completion"
            model = "m"
            system_template = "prompts/system.minijinja"
            """);
        Write("functions/f/variants/prompts/system.minijinja", "Hi {{ name }}");

        var config = Load("**/*.toml");

        Assert.Contains("m", config.Models.Keys);
        var function = config.Functions["f"];
        Assert.True(function.Schemas.ContainsKey("system"));
        Assert.True(function.Variants["v"].Templates.ContainsKey("system"));
    }

    [Fact]
    public void LoadFile_ValueSetInTwoFiles_IsAStartupErrorNamingBothFiles()
    {
        Write("a.toml", "[models.m]\nrouting = [\"d\"]\n[models.m.providers.d]\ntype = \"dummy\"\n");
        Write("b.toml", "[models.m]\nrouting = [\"e\"]\n");

        var error = Assert.Throws<ConfigException>(() => Load("*.toml"));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("`models.m.routing`:", message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "a.toml"), message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "b.toml"), message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_OneFileIsNotValidToml_NamesThatFile()
    {
        Write("a.toml", "[models.m]\nrouting = [\"d\"]\n[models.m.providers.d]\ntype = \"dummy\"\n");
        Write("b.toml", "[models\n");

        var error = Assert.Throws<ConfigException>(() => Load("*.toml"));

        Assert.Contains(Path.Combine(_root, "b.toml"), Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_SingleStar_DoesNotReachIntoSubfolders()
    {
        Write("a.toml", "[models.m]\nrouting = [\"d\"]\n[models.m.providers.d]\ntype = \"dummy\"\n");
        Write("sub/b.toml", "this is not toml [");

        var config = Load("*.toml");

        Assert.Contains("m", config.Models.Keys);
    }
}
