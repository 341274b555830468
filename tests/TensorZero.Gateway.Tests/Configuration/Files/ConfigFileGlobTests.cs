using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Configuration.Files;

namespace TensorZero.Gateway.Tests.Configuration.Files;

/// <summary><c>--config-file</c> takes one path or a glob; <c>*</c> stays in one folder, <c>**</c> crosses folders.</summary>
public sealed class ConfigFileGlobTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tz-glob-").FullName;

    public ConfigFileGlobTests()
    {
        foreach (var file in new[] { "b.toml", "a.toml", "notes.txt", "sub/c.toml", "sub/deeper/d.toml" })
        {
            var path = Path.Combine(_root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Empty);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string[] Relative(IEnumerable<string> files) =>
        files.Select(f => Path.GetRelativePath(_root, f).Replace('\\', '/')).ToArray();

    [Fact]
    public void Expand_PlainPath_IsThatFile()
    {
        Assert.Equal([Path.Combine(_root, "a.toml")], ConfigFileGlob.Expand(Path.Combine(_root, "a.toml")));
    }

    [Fact]
    public void Expand_SingleStar_MatchesOneFolderOnlyInPathOrder()
    {
        Assert.Equal(["a.toml", "b.toml"], Relative(ConfigFileGlob.Expand($"{_root}/*.toml")));
    }

    [Fact]
    public void Expand_DoubleStar_CrossesFolders()
    {
        Assert.Equal(["a.toml", "b.toml", "sub/c.toml", "sub/deeper/d.toml"], Relative(ConfigFileGlob.Expand($"{_root}/**/*.toml")));
    }

    [Fact]
    public void Expand_NothingMatches_IsAConfigErrorNamingThePattern()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigFileGlob.Expand($"{_root}/**/*.yaml"));

        Assert.Contains("*.yaml", Assert.Single(error.Errors), StringComparison.Ordinal);
        Assert.Contains("no file matches", error.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_MissingFolder_IsAConfigError()
    {
        Assert.Throws<ConfigException>(() => ConfigFileGlob.Expand($"{_root}/nope/**/*.toml"));
    }
}
