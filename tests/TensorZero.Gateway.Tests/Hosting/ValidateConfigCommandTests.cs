using System.Diagnostics;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Hosting;

/// <summary>
/// <c>--validate-config</c>: a config the gateway would start with exits 0; every problem (config, missing credential,
/// template) is printed with its TOML path and exits 1; no secret value is printed and no store file is created.
/// </summary>
public sealed class ValidateConfigCommandTests : IDisposable
{
    private const string Canary = "sk-validate-canary-7e5d3c1b9a";

    private readonly string _directory = Directory.CreateTempSubdirectory("tz-validate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string toml, params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(_directory, name), text);
        }
        var path = Path.Combine(_directory, "tensorzero.toml");
        File.WriteAllText(path, toml);
        return path;
    }

    private static (int Code, string Output) Run(string? path, Dictionary<string, string>? environment = null)
    {
        using var output = new StringWriter();
        var code = ValidateConfigCommand.Run(path, output, new FakeEnvironment(environment ?? []));
        return (code, output.ToString());
    }

    private const string Valid = """
        [models.gpt]
        routing = ["openai"]
        [models.gpt.providers.openai]
        type = "openai"
        model_name = "gpt-4o-mini"
        api_key_location = "env::MY_OPENAI_KEY"

        [functions.f]
        type = "chat"
        [functions.f.variants.v]
        type = "chat_completion"
        model = "gpt"
        user_template = "user.minijinja"
        """;

    [Fact]
    public void Run_ValidConfigWithItsKeySet_Exits0AndSaysWhatItFound()
    {
        var (code, output) = Run(Write(Valid, ("user.minijinja", "<<{{ user_text }}>>")), new() { ["MY_OPENAI_KEY"] = Canary });

        Assert.Equal(0, code);
        Assert.Contains("ok: ", output, StringComparison.Ordinal);
        Assert.Contains("1 models, 0 embedding models, 1 functions", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "data")), "validation must not create the store");
    }

    [Fact]
    public void Run_MissingVariable_Exits1NamingItAndThePath()
    {
        var (code, output) = Run(Write(Valid, ("user.minijinja", "hi")));

        Assert.Equal(1, code);
        Assert.Contains("error: ", output, StringComparison.Ordinal);
        Assert.Contains("MY_OPENAI_KEY", output, StringComparison.Ordinal);
        Assert.Contains("models.gpt.providers.openai", output, StringComparison.Ordinal);
        Assert.Contains("1 problem found; the gateway would not start", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SeveralConfigMistakes_PrintsEachWithItsTomlPath()
    {
        var (code, output) = Run(Write(Valid.Replace("model = \"gpt\"", "model = \"ghost\"", StringComparison.Ordinal) + """

            [metrics.m]
            type = "integer"
            level = "inference"
            optimize = "max"
            """));

        Assert.Equal(1, code);
        var errors = output.Split('\n').Where(l => l.StartsWith("error: `", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 3, output);
        Assert.Contains(errors, e => e.Contains("functions.f.variants.v", StringComparison.Ordinal) && e.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("user_template", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("metrics.m.type", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_BrokenTemplate_Exits1NamingTheTemplate()
    {
        var (code, output) = Run(Write(Valid, ("user.minijinja", "Hello {{ name ")), new() { ["MY_OPENAI_KEY"] = Canary });

        Assert.Equal(1, code);
        Assert.Contains("user.minijinja", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoConfigFile_Exits1SayingHowToCallIt()
    {
        var (code, output) = Run(null);

        Assert.Equal(1, code);
        Assert.Contains("--validate-config --config-file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_ValidateConfigFlag_ExitsWithoutServing()
    {
        var good = Write(Valid, ("user.minijinja", "hi"));
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "--validate-config", "--config-file", good])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MY_OPENAI_KEY"] = Canary;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("ok: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.OrdinalIgnoreCase);
    }
}
