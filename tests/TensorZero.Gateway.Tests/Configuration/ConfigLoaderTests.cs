using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) =>
        Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_TensorZeroDocsExample_LoadsUnchanged()
    {
        // The OpenAI-compatible (Ollama) example of TensorZero's docs, plus a credential fallback and provider-type defaults.
        var config = Parse("""
            [gateway]
            bind_address = "0.0.0.0:3000"
            debug = true

            [models.llama3_3_70b_instruct]
            routing = ["ollama"]

            [models.llama3_3_70b_instruct.providers.ollama]
            type = "openai"
            api_base = "http://host.docker.internal:11434/v1"
            model_name = "llama3.1"
            api_key_location = "none"

            [models.gpt_4o_mini]
            routing = ["openai"]
            timeouts = { non_streaming.total_ms = 15000, streaming.ttft_ms = 3000 }

            [models.gpt_4o_mini.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = { default = "dynamic::customer_openai_api_key", fallback = "env::OPENAI_API_KEY" }
            extra_headers = [{ name = "OpenAI-Organization", value = "org-1" }]
            extra_body = [{ pointer = "/service_tier", value = "flex" }]

            [provider_types.openai.defaults]
            api_key_location = "env::TEAM_OPENAI_KEY"

            [functions.my_function_name]
            type = "chat"

            [functions.my_function_name.variants.my_variant_name]
            type = "chat_completion"
            model = "llama3_3_70b_instruct"
            temperature = 0.7
            max_tokens = 100
            retries = { num_retries = 2, max_delay_s = 5 }

            [functions.my_function_name.variants.shorthand]
            type = "chat_completion"
            model = "openai::gpt-4o-mini"
            """);

        Assert.True(config.Gateway.Debug);
        var provider = config.Models["gpt_4o_mini"].Providers["openai"];
        Assert.Equal(new CredentialSpec(new CredentialLocation.Dynamic("customer_openai_api_key"), new CredentialLocation.Env("OPENAI_API_KEY")), provider.ApiKeyLocation);
        Assert.Equal("OpenAI-Organization", Assert.Single(provider.ExtraHeaders).Name);
        Assert.Equal("/service_tier", Assert.Single(provider.ExtraBody).Pointer);
        Assert.Equal(15000, config.Models["gpt_4o_mini"].Timeouts!.NonStreamingTotalMs);
        Assert.Equal(3000, config.Models["gpt_4o_mini"].Timeouts!.StreamingTtftMs);
        Assert.Equal(new CredentialSpec(new CredentialLocation.Env("TEAM_OPENAI_KEY")), config.ProviderTypeDefaults["openai"]);
        var variant = config.Functions["my_function_name"].Variants["my_variant_name"];
        Assert.Equal(0.7, variant.Params.Temperature);
        Assert.Equal(100, variant.Params.MaxTokens);
        Assert.Equal(new RetryConfig(2, 5), variant.Retries);
        Assert.Equal("/configs", config.BaseDirectory);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneWithItsPath()
    {
        var errors = Errors("""
            [models.m]
            routing = ["p", "missing"]
            colour = "blue"

            [models.m.providers.p]
            type = "openai"
            model_name = "x"
            api_key_location = "env:OPENAI_API_KEY"
            api_kye = "typo"

            [functions.f]
            type = "chat"

            [functions.f.variants.v]
            type = "chat_completion"
            model = "nowhere"
            """);

        Assert.Contains(errors, e => e.StartsWith("`models.m.colour`: unknown key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("`models.m.providers.p.api_kye`: unknown key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("`models.m.providers.p.api_key_location`: invalid credential location: `env:` needs two colons, as in `env::NAME`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("`models.m.routing`: names provider `missing`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("`functions.f.variants.v.model`: model `nowhere` is not defined", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Parse_LiteralKeyInConfig_IsRejectedWithoutEchoingIt()
    {
        const string literal = "sk-proj-canaryliteral0123456789";
        var errors = Errors($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "x"
            api_key_location = "{{literal}}"
            """);
        var error = Assert.Single(errors);
        Assert.StartsWith("`models.m.providers.p.api_key_location`: invalid credential location", error, StringComparison.Ordinal);
        Assert.DoesNotContain(literal, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ default = \"dynamic::k\" }", "`models.m.providers.p.api_key_location.fallback`: is required")]
    [InlineData("{ default = \"dynamic::k\", fallback = \"env::A\", extra = \"x\" }", "`models.m.providers.p.api_key_location.extra`: unknown key")]
    [InlineData("42", "`models.m.providers.p.api_key_location`: must be a credential location string")]
    public void Parse_BadFallbackTable_IsRejected(string location, string expectedStart)
    {
        var errors = Errors($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "x"
            api_key_location = {{location}}
            """);
        Assert.StartsWith(expectedStart, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RoutingProblems_AreReported()
    {
        var errors = Errors("""
            [models.m]
            routing = ["a", "a"]
            [models.m.providers.a]
            type = "dummy"
            model_name = "good"
            [models.m.providers.b]
            type = "dummy"
            model_name = "good"
            """);
        Assert.Contains("`models.m.routing`: lists provider `a` more than once", errors);
        Assert.Contains("`models.m.providers.b`: is not listed in `routing`", errors);
    }

    [Theory]
    [InlineData("openai::gpt")]
    [InlineData("tensorzero::mine")]
    [InlineData("vllm::local")]
    public void Parse_ReservedModelName_IsRejected(string name)
    {
        var errors = Errors($$"""
            [models."{{name}}"]
            routing = ["p"]
            [models."{{name}}".providers.p]
            type = "dummy"
            model_name = "good"
            """);
        Assert.Contains($"`models.{name}`: Model name '{name}' contains a reserved prefix", errors);
    }

    [Fact]
    public void Parse_UnknownAndUnsupportedProviderTypes_AreNamed()
    {
        var errors = Errors("""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openia"
            """);
        Assert.StartsWith("`models.m.providers.p.type`: unknown provider type `openia`", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProviderTypesDefaults_RequireTheLocationKeyAndKnownType()
    {
        var errors = Errors("""
            [provider_types.openai.defaults]
            [provider_types.aws_bedrock.defaults]
            api_key_location = "env::X"
            [provider_types.gcp_vertex_gemini.defaults]
            api_key_location = "sdk"
            """);
        Assert.Contains("`provider_types.openai.defaults.api_key_location`: is required", errors);
        Assert.Contains(errors, e => e.StartsWith("`provider_types.aws_bedrock`: `[provider_types.aws_bedrock]` is not supported", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("`provider_types.gcp_vertex_gemini.defaults.api_key_location`: unknown key", StringComparison.Ordinal));
        Assert.Contains("`provider_types.gcp_vertex_gemini.defaults.credential_location`: is required", errors);
    }

    [Fact]
    public void Parse_JsonAndChatFunctions_CheckJsonMode()
    {
        var errors = Errors("""
            [functions.j]
            type = "json"
            [functions.j.variants.v]
            type = "chat_completion"
            model = "dummy::json"

            [functions.c]
            type = "chat"
            [functions.c.variants.v]
            type = "chat_completion"
            model = "dummy::good"
            json_mode = "strict"
            """);
        Assert.Contains("`functions.j.variants.v.json_mode`: is required, since the parent function is a JSON function", errors);
        Assert.Contains("`functions.c.variants.v.json_mode`: is not supported here, since the parent function is a chat function", errors);
    }

    [Fact]
    public void Parse_InvalidToml_SaysSo()
    {
        var error = Assert.Single(Errors("[models.m\nrouting = "));
        Assert.StartsWith("the config is not valid TOML", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KnownButUnimplementedKeys_LoadWithWarning()
    {
        var config = Parse("""
            [object_storage]
            type = "filesystem"

            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "dummy::good"
            """);
        Assert.Contains("`object_storage` is accepted but not supported by this gateway yet; it has no effect", config.Warnings);
    }

    [Theory]
    [InlineData(null, null, "0.0.0.0:3000")]
    [InlineData("127.0.0.1:4000", null, "127.0.0.1:4000")]
    [InlineData(null, "[::]:3001", "[::]:3001")]
    public void BindAddress_Resolve_PicksTheOneSource(string? config, string? env, string expected) =>
        Assert.Equal(expected, BindAddress.Resolve(config, env));

    [Fact]
    public void BindAddress_Resolve_BothSourcesIsAnError() =>
        Assert.Throws<ConfigException>(() => BindAddress.Resolve("0.0.0.0:1", "0.0.0.0:2"));

    [Fact]
    public void Parse_StaticExperimentation_LoadsWeightsAndFallbacks()
    {
        var config = Parse("""
            [functions.f]
            type = "chat"
            [functions.f.experimentation]
            type = "static"
            candidate_variants = { a = 0.7, b = 0.3 }
            fallback_variants = ["c"]
            [functions.f.variants.a]
            type = "chat_completion"
            model = "dummy::good"
            [functions.f.variants.b]
            type = "chat_completion"
            model = "dummy::good"
            [functions.f.variants.c]
            type = "chat_completion"
            model = "dummy::good"
            """);

        var experiment = config.Functions["f"].Experimentation!;
        Assert.Equal(0.7, experiment.Candidates["a"]);
        Assert.Equal(["c"], experiment.Fallbacks);
    }

    [Fact]
    public void Parse_ExperimentationProblems_AreReported()
    {
        var errors = Errors("""
            [functions.f]
            type = "chat"
            [functions.f.experimentation]
            type = "static"
            candidate_variants = ["a", "ghost"]
            [functions.f.variants.a]
            type = "chat_completion"
            model = "dummy::good"
            weight = 1.0

            [functions.g]
            type = "chat"
            [functions.g.experimentation]
            type = "adaptive"
            [functions.g.variants.a]
            type = "chat_completion"
            model = "dummy::good"
            """);

        Assert.Contains("`functions.f.experimentation`: names variant `ghost`, which this function does not define", errors);
        Assert.Contains("`functions.f.experimentation`: can't be combined with the `weight` of variant `a`; give weights in `candidate_variants`", errors);
        Assert.Contains("`functions.g.experimentation.type`: experimentation type `adaptive` is not supported by this gateway yet (supported: static, uniform)", errors);
    }

    [Fact]
    public void Parse_SchemasAndTemplates_ReportMissingTemplates()
    {
        var directory = Directory.CreateTempSubdirectory("tz-config-templates-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "user.json"), """{"type":"object"}""");
            File.WriteAllText(Path.Combine(directory, "broken.minijinja"), "Hello {{ name ");
            var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
                [functions.f]
                type = "chat"
                user_schema = "user.json"
                [functions.f.variants.no_template]
                type = "chat_completion"
                model = "dummy::good"
                [functions.f.variants.broken]
                type = "chat_completion"
                model = "dummy::good"
                user_template = "broken.minijinja"
                system_template = "missing.minijinja"
                """, directory));

            Assert.Contains("`functions.f.variants.no_template.user_template`: is required, since the function has a `user` schema", error.Errors);
            Assert.Contains("`functions.f.variants.broken.system_template`: the template file `missing.minijinja` can't be read", error.Errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Parse_InputWrappers_ClashWithRoleTemplatesAndSchemasAsInTensorZero()
    {
        var directory = Directory.CreateTempSubdirectory("tz-config-wrappers-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "user.json"), """{"type":"object"}""");
            File.WriteAllText(Path.Combine(directory, "wrap.minijinja"), "<<{{ user_text }}>>");
            var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
                [functions.f]
                type = "chat"
                user_schema = "user.json"
                [functions.f.variants.v]
                type = "chat_completion"
                model = "dummy::good"
                input_wrappers.user = "wrap.minijinja"

                [functions.g]
                type = "chat"
                [functions.g.variants.v]
                type = "chat_completion"
                model = "dummy::good"
                system_template = "wrap.minijinja"
                input_wrappers = { system = "wrap.minijinja", tool = "wrap.minijinja" }
                """, directory));

            Assert.Contains("`functions.f.variants.v.input_wrappers.user`: Cannot provide both `input_wrappers.user` and `user_schema`", error.Errors);
            Assert.Contains("`functions.g.variants.v.input_wrappers.system`: Cannot provide both `input_wrappers.system` and `system` template", error.Errors);
            Assert.Contains(error.Errors, e => e.StartsWith("`functions.g.variants.v.input_wrappers.tool`: unknown key", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
