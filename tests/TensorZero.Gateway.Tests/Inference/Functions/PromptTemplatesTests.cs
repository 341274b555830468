using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Inference.Functions;

/// <summary>
/// Templates include, import and extend each other as in TensorZero: config templates by their path, and with
/// <c>template_filesystem_access</c> any file under the base. Includes are checked at startup, naming the variant.
/// </summary>
public sealed class PromptTemplatesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tz-templates-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ConfigDirectory => Path.Combine(_root, "config");

    private void Write(string relative, string contents)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
    }

    private static string Function(string gateway, string systemTemplate) => $$"""
        {{gateway}}

        [functions.f]
        type = "chat"
        system_schema = "schemas/system.json"

        [functions.f.variants.v]
        type = "chat_completion"
        model = "dummy::echo_request_messages"
        system_template = "{{systemTemplate}}"
        """;

    private IReadOnlyList<string> StartupErrors(string toml)
    {
        Directory.CreateDirectory(ConfigDirectory);
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, ConfigDirectory);
        var services = new ProviderServices(new NoHttp(), NullLoggerFactory.Instance, TimeProvider.System);
        return Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services)).Errors;
    }

    private async Task<string> RenderedSystemAsync(string toml)
    {
        Write("config/schemas/system.json", """{"type":"object","properties":{"assistant_name":{"type":"string"}},"required":["assistant_name"]}""");
        using var gateway = new GatewayFactory(toml, files: Directory.EnumerateFiles(ConfigDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(ConfigDirectory, f), File.ReadAllText));
        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            variant_name = "v",
            input = new { system = new { assistant_name = "Dr. Mehta" }, messages = new[] { new { role = "user", content = "hi" } } },
        });
        Assert.True(status == HttpStatusCode.OK, raw);
        var echoed = System.Text.Json.Nodes.JsonNode.Parse(body["content"]![0]!["text"]!.GetValue<string>())!;
        return echoed["system"]!.GetValue<string>();
    }

    [Fact]
    public async Task Include_ConfigTemplateByItsPath_IsRendered()
    {
        Write("config/prompts/persona.minijinja", "a helpful {{ assistant_name }}");
        Write("config/prompts/system.minijinja", "You are {% include 'prompts/persona.minijinja' %}.");
        var toml = Function("", "prompts/system.minijinja") + """

            [functions.f.variants.w]
            type = "chat_completion"
            model = "dummy::echo_request_messages"
            system_template = "prompts/persona.minijinja"
            """;

        Assert.Equal("You are a helpful Dr. Mehta.", await RenderedSystemAsync(toml));
    }

    [Fact]
    public async Task Include_FileUnderTheBaseWithFilesystemAccess_IsRendered()
    {
        Write("config/extra/macros.minijinja", "{% macro greet(n) %}friendly {{ n }}{% endmacro %}");
        Write("config/prompts/system.minijinja", "{% import 'extra/macros.minijinja' as m %}You are {{ m.greet(assistant_name) }}");
        var toml = Function("[gateway.template_filesystem_access]\nbase_path = \".\"", "prompts/system.minijinja");

        Assert.Equal("You are friendly Dr. Mehta", await RenderedSystemAsync(toml));
    }

    [Fact]
    public async Task Extends_ParentUnderTheBase_OverridesItsBlock()
    {
        Write("config/base.minijinja", "[{% block body %}parent{% endblock %}]");
        Write("config/prompts/system.minijinja", "{% extends 'base.minijinja' %}{% block body %}{{ super() }} and {{ assistant_name }}{% endblock %}");
        var toml = Function("[gateway]\nenable_template_filesystem_access = true", "prompts/system.minijinja");

        Assert.Equal("[parent and Dr. Mehta]", await RenderedSystemAsync(toml));
    }

    [Fact]
    public void Include_MissingFile_IsAStartupErrorNamingTheVariant()
    {
        Write("config/schemas/system.json", """{"type":"object"}""");
        Write("config/prompts/system.minijinja", "You are {% include 'extra/missing.minijinja' %}");

        var error = Assert.Single(StartupErrors(Function("[gateway.template_filesystem_access]\nbase_path = \".\"", "prompts/system.minijinja")));

        Assert.StartsWith("`functions.f.variants.v.system_template`: the template `prompts/system.minijinja` can't be loaded whole:", error, StringComparison.Ordinal);
        Assert.Contains("extra/missing.minijinja", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_FileNotNamedByTheConfigWithoutFilesystemAccess_IsAStartupError()
    {
        Write("config/schemas/system.json", """{"type":"object"}""");
        Write("config/extra/persona.minijinja", "x");
        Write("config/prompts/system.minijinja", "You are {% include 'extra/persona.minijinja' %}");

        var error = Assert.Single(StartupErrors(Function("", "prompts/system.minijinja")));

        Assert.Contains("extra/persona.minijinja", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("/etc/hostname")]
    [InlineData(".hidden/x.minijinja")]
    public void Include_PathOutsideTheBase_IsNeverRead(string name)
    {
        Write("secret.txt", "top secret");
        Write("config/.hidden/x.minijinja", "hidden");
        Write("config/schemas/system.json", """{"type":"object"}""");
        Write("config/prompts/system.minijinja", $"{{% include '{name}' %}}");

        var error = Assert.Single(StartupErrors(Function("[gateway.template_filesystem_access]\nbase_path = \".\"", "prompts/system.minijinja")));

        Assert.Contains("not found", error, StringComparison.Ordinal);
        Assert.DoesNotContain("top secret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_SyntaxError_IsAStartupErrorNamingTheVariantAndLine()
    {
        Write("config/schemas/system.json", """{"type":"object"}""");
        Write("config/prompts/system.minijinja", "Hello {{ name ");

        var error = Assert.Single(StartupErrors(Function("", "prompts/system.minijinja")));

        Assert.StartsWith("`functions.f.variants.v.system_template`: the template `prompts/system.minijinja` has an error: ", error, StringComparison.Ordinal);
        Assert.Contains("line 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EnabledFlag_IsDeprecatedButTurnsAccessOnAtTheConfigFolder()
    {
        Directory.CreateDirectory(ConfigDirectory);
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("[gateway.template_filesystem_access]\nenabled = true", ConfigDirectory);

        Assert.Equal(ConfigDirectory, config.Gateway.TemplateFilesystemBase);
        Assert.Contains(config.Warnings, w => w.StartsWith("`gateway.template_filesystem_access.enabled` is deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public void LegacyFlag_IsAnAliasWithAWarning()
    {
        Directory.CreateDirectory(ConfigDirectory);
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("[gateway]\nenable_template_filesystem_access = true", ConfigDirectory);

        Assert.Equal(ConfigDirectory, config.Gateway.TemplateFilesystemBase);
        Assert.Contains(config.Warnings, w => w.StartsWith("`gateway.enable_template_filesystem_access` is deprecated", StringComparison.Ordinal));
    }

    [Fact]
    public void BasePath_ResolvesAgainstTheConfigFolder()
    {
        Directory.CreateDirectory(ConfigDirectory);
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("[gateway.template_filesystem_access]\nbase_path = \"..\"", ConfigDirectory);

        Assert.Equal(_root, config.Gateway.TemplateFilesystemBase);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in startup tests");
    }
}
