using TensorZero.Gateway.Configuration.Files;
using Tomlyn;
using Tomlyn.Model;

namespace TensorZero.Gateway.Tests.Configuration.Files;

/// <summary>Globbed config files merge table by table; a value set twice is an error naming both files.</summary>
public sealed class TomlMergeTests
{
    private static (TomlTable Root, TomlOrigins Origins, List<string> Errors) Merge(params (string File, string Toml)[] files)
    {
        var errors = new List<string>();
        var (root, origins) = TomlMerge.Merge(files.Select(f => (f.File, TomlSerializer.Deserialize<TomlTable>(f.Toml)!)).ToList(), errors);
        return (root, origins, errors);
    }

    [Fact]
    public void Merge_FunctionInOneFileVariantInAnother_MergesIntoOneTable()
    {
        var (root, _, errors) = Merge(
            ("/cfg/functions.toml", "[functions.f]\ntype = \"chat\"\n"),
            ("/cfg/variants/v.toml", "[functions.f.variants.v]\ntype = \"chat_completion\"\nmodel = \"m\"\n"));

        Assert.Empty(errors);
        var function = (TomlTable)((TomlTable)root["functions"])["f"];
        Assert.Equal("chat", function["type"]);
        Assert.Equal("m", ((TomlTable)((TomlTable)function["variants"])["v"])["model"]);
    }

    [Fact]
    public void Merge_TopLevelKeysOfALaterFile_StayAtTheTop()
    {
        var (root, _, errors) = Merge(
            ("/cfg/a.toml", "[models.m]\nrouting = [\"p\"]\n"),
            ("/cfg/b.toml", "gateway.debug = true\n"));

        Assert.Empty(errors);
        Assert.Equal(true, ((TomlTable)root["gateway"])["debug"]);
        Assert.False(((TomlTable)((TomlTable)root["models"])["m"]).ContainsKey("gateway"));
    }

    [Fact]
    public void Merge_SameValueInTwoFiles_IsAnErrorNamingThePathAndBothFiles()
    {
        var (_, _, errors) = Merge(
            ("/cfg/a.toml", "[models.m]\nrouting = [\"p\"]\n"),
            ("/cfg/b.toml", "[models.m]\nrouting = [\"q\"]\n"));

        var error = Assert.Single(errors);
        Assert.StartsWith("`models.m.routing`:", error, StringComparison.Ordinal);
        Assert.Contains("`/cfg/a.toml`", error, StringComparison.Ordinal);
        Assert.Contains("`/cfg/b.toml`", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_TableAgainstValue_IsAnErrorNamingBothFiles()
    {
        var (_, _, errors) = Merge(
            ("/cfg/a.toml", "[functions.f]\ntype = \"chat\"\n"),
            ("/cfg/b.toml", "functions = \"oops\"\n"));

        var error = Assert.Single(errors);
        Assert.StartsWith("`functions`:", error, StringComparison.Ordinal);
        Assert.Contains("/cfg/a.toml", error, StringComparison.Ordinal);
        Assert.Contains("/cfg/b.toml", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Origins_EachValue_KnowsTheFileThatSetIt()
    {
        var (root, origins, _) = Merge(
            ("/cfg/a.toml", "[functions.f.variants.v]\nsystem_template = \"s.minijinja\"\n"),
            ("/cfg/sub/b.toml", "[functions.f.variants.w]\nsystem_template = \"t.minijinja\"\n[tools.t]\nparameters = \"p.json\"\n"));

        var variants = (TomlTable)((TomlTable)((TomlTable)root["functions"])["f"])["variants"];
        Assert.Equal("/cfg", origins.DirectoryOf((TomlTable)variants["v"], "system_template"));
        Assert.Equal("/cfg/sub", origins.DirectoryOf((TomlTable)variants["w"], "system_template"));
        Assert.Equal("/cfg/sub", origins.DirectoryOf((TomlTable)((TomlTable)root["tools"])["t"], "parameters"));
    }

    [Fact]
    public void Origins_TablesInsideAnArray_BelongToTheFileOfTheArray()
    {
        var (root, origins, _) = Merge(
            ("/cfg/a.toml", "x = 1\n"),
            ("/cfg/sub/b.toml", "[[items]]\npath = \"p.json\"\n"));

        var item = ((TomlTableArray)root["items"])[0];
        Assert.Equal("/cfg/sub", origins.DirectoryOf(item, "path"));
    }
}
