using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary><c>[embedding_models]</c>: parsed like <c>[models]</c>, with every problem reported at once with its path.</summary>
public sealed class EmbeddingModelConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) => Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_FullEmbeddingModel_KeepsEverySetting()
    {
        var config = Parse("""
            [embedding_models.text-embedding-3-small]
            routing = ["openai", "openrouter", "offline"]
            timeout_ms = 5000

            [embedding_models.text-embedding-3-small.providers.openai]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_base = "http://localhost:1234/v1/"
            api_key_location = { default = "dynamic::openai_key", fallback = "env::OPENAI_API_KEY" }
            extra_body = [{ pointer = "/user", value = "tz" }]
            extra_headers = [{ name = "OpenAI-Organization", value = "org-1" }]
            timeout_ms = 1000

            [embedding_models.text-embedding-3-small.providers.openrouter]
            type = "openrouter"
            model_name = "openai/text-embedding-3-small"
            cost = [{ pointer = "/usage/prompt_tokens", cost_per_million = 0.02, required = true }]

            [embedding_models.text-embedding-3-small.providers.offline]
            type = "dummy"
            model_name = "good"
            """);

        var model = config.EmbeddingModels["text-embedding-3-small"];
        Assert.Equal(["openai", "openrouter", "offline"], model.Routing);
        Assert.Equal(5000, model.TimeoutMs);
        var openai = model.Providers["openai"];
        Assert.Equal(new EmbeddingProviderConfig(
            "openai", "openai", "embedding_models.text-embedding-3-small.providers.openai", "text-embedding-3-small", "http://localhost:1234/v1/",
            new CredentialSpec(new CredentialLocation.Dynamic("openai_key"), new CredentialLocation.Env("OPENAI_API_KEY")),
            openai.ExtraBody, openai.ExtraHeaders, 1000) { Settings = openai.Settings }, openai);
        Assert.Equal(["model_name", "api_base"], openai.Settings.Keys);
        Assert.Equal("/user", Assert.Single(openai.ExtraBody).Pointer);
        Assert.Equal("OpenAI-Organization", Assert.Single(openai.ExtraHeaders).Name);
        Assert.Null(model.Providers["openrouter"].ApiKeyLocation);
        Assert.Equal(
            "`embedding_models.text-embedding-3-small.providers.openrouter.cost` is accepted but not supported by this gateway yet; it has no effect",
            Assert.Single(config.Warnings));
    }

    [Fact]
    public void Parse_DeprecatedTimeouts_ReadAsTimeoutMsWithAWarning()
    {
        var config = Parse("""
            [embedding_models.e]
            routing = ["d"]
            timeouts = { non_streaming = { total_ms = 700 } }
            [embedding_models.e.providers.d]
            type = "dummy"
            model_name = "good"
            """);

        Assert.Equal(700, config.EmbeddingModels["e"].TimeoutMs);
        Assert.Equal("`embedding_models.e.timeouts` is deprecated for embeddings; use `timeout_ms`", Assert.Single(config.Warnings));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneWithItsPath()
    {
        var errors = Errors("""
            [embedding_models."tensorzero::mine"]
            routing = ["d"]
            [embedding_models."tensorzero::mine".providers.d]
            type = "dummy"
            model_name = "good"

            [embedding_models."openai::mine"]
            routing = ["d"]
            [embedding_models."openai::mine".providers.d]
            type = "dummy"
            model_name = "good"

            [embedding_models.e]
            routing = ["a", "missing", "a"]
            timeout_ms = 0
            color = "blue"
            [embedding_models.e.providers.a]
            type = "openai"
            model_name = "m"
            api_type = "responses"
            [embedding_models.e.providers.b]
            type = "anthropic"
            model_name = "claude"
            [embedding_models.e.providers.c]
            type = "nope"
            [embedding_models.e.providers.t]
            type = "dummy"
            model_name = "good"
            timeout_ms = 5
            timeouts = { non_streaming = { total_ms = 5 } }

            [embedding_models.empty]
            routing = []
            providers = {}
            """);

        Assert.Equal(
        [
            "`embedding_models.tensorzero::mine`: Embedding model name 'tensorzero::mine' contains a reserved prefix",
            "`embedding_models.openai::mine`: Embedding model name 'openai::mine' contains a reserved prefix",
            "`embedding_models.e.color`: unknown key (valid keys here: providers, routing, timeout_ms, timeouts)",
            "`embedding_models.e.providers.a.api_type`: unknown key (valid keys here: api_base, api_key_location, cost, extra_body, extra_headers, model_name, timeout_ms, timeouts, type)",
            "`embedding_models.e.providers.b.type`: provider type `anthropic` does not serve embedding models in this gateway (supported: azure, dummy, openai, openrouter)",
            "`embedding_models.e.providers.c.type`: unknown provider type `nope` (valid for embedding models: azure, dummy, openai, openrouter)",
            "`embedding_models.e.providers.t`: `timeout_ms` and `timeouts` cannot both be set; use `timeout_ms`",
            "`embedding_models.e.routing`: lists provider `a` more than once",
            "`embedding_models.e.routing`: names provider `missing`, which is not defined under `embedding_models.e.providers`",
            "`embedding_models.e.providers.b`: is not listed in `routing`",
            "`embedding_models.e.providers.c`: is not listed in `routing`",
            "`embedding_models.e.providers.t`: is not listed in `routing`",
            "`embedding_models.e.timeout_ms`: must be at least 1",
            "`embedding_models.empty.providers`: must define at least one provider",
            "`embedding_models.empty.routing`: must list at least one provider",
        ], errors);
    }

    [Fact]
    public void Build_MissingStaticCredentials_AreListedWithTheChatModelsOnes()
    {
        var config = Parse("""
            [models.chat]
            routing = ["openai"]
            [models.chat.providers.openai]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "env::CHAT_KEY"

            [embedding_models.e]
            routing = ["openai", "openrouter", "dyn", "offline"]
            [embedding_models.e.providers.openai]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_key_location = "env::EMBEDDING_KEY"
            [embedding_models.e.providers.openrouter]
            type = "openrouter"
            model_name = "openai/text-embedding-3-small"
            [embedding_models.e.providers.dyn]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_key_location = "dynamic::k"
            [embedding_models.e.providers.offline]
            type = "dummy"
            model_name = "good"
            api_key_location = "env::DUMMY_KEY"
            """);
        var services = new ProviderServices(new RealHttpFactory(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services));

        Assert.Equal(
        [
            "`models.chat.providers.openai.api_key_location`: environment variable `CHAT_KEY` is missing",
            "`embedding_models.e.providers.openai.api_key_location`: environment variable `EMBEDDING_KEY` is missing",
            "`embedding_models.e.providers.openrouter`: environment variable `OPENROUTER_API_KEY` is missing (the default credential of `openrouter` providers)",
            "`embedding_models.e.providers.offline.api_key_location`: `env::` can't be used for Dummy providers (use `dynamic::KEY`, `none`)",
        ], error.Errors);
    }

    [Fact]
    public void Build_ProviderTypeDefaults_ApplyToEmbeddingProviders()
    {
        var config = Parse("""
            [provider_types.openai.defaults]
            api_key_location = "env::TEAM_OPENAI_KEY"

            [embedding_models.e]
            routing = ["openai"]
            [embedding_models.e.providers.openai]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_base = "not a url"
            """);
        var services = new ProviderServices(new RealHttpFactory(), NullLoggerFactory.Instance, TimeProvider.System);

        var error = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(new Dictionary<string, string>()), services));

        Assert.Equal(
        [
            "`embedding_models.e.providers.openai`: environment variable `TEAM_OPENAI_KEY` is missing (from `provider_types.openai.defaults.api_key_location`)",
        ], error.Errors);

        var withKey = new Dictionary<string, string> { ["TEAM_OPENAI_KEY"] = "sk-team" };
        var invalid = Assert.Throws<ConfigException>(() =>
            GatewayRuntime.Build(config, ProviderRegistry.CreateDefault(), new FakeEnvironment(withKey), services));
        Assert.Equal(["`embedding_models.e.providers.openai.api_base`: `not a url` is not an absolute http(s) URL"], invalid.Errors);
    }

    private sealed class RealHttpFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
