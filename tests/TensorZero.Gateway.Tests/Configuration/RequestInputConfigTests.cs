using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>
/// The settings that shape what requests the gateway accepts (<c>max_request_body_bytes</c>, <c>[gateway.cors]</c>) and
/// <c>extra_headers</c> that could never be sent: all checked at load, each error naming its TOML path.
/// </summary>
public sealed class RequestInputConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) =>
        Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_NoGatewaySettings_UsesDefaults()
    {
        var gateway = Parse(string.Empty).Gateway;

        Assert.Equal(10 * 1024 * 1024, gateway.MaxRequestBodyBytes);
        Assert.Empty(gateway.CorsAllowedOrigins);
    }

    [Fact]
    public void Parse_MaxRequestBodyBytes_IsRead()
    {
        var gateway = Parse("""
            [gateway]
            max_request_body_bytes = 1048576
            """).Gateway;

        Assert.Equal(1024 * 1024, gateway.MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("max_request_body_bytes", "0", "must be at least 1")]
    [InlineData("max_request_body_bytes", "1073741825", "must be at most 1073741824 (1 GiB)")]
    [InlineData("max_request_body_bytes", "\"10MB\"", "must be an integer, found a string")]
    [InlineData("max_provider_response_bytes", "0", "must be at least 1")]
    [InlineData("max_provider_response_bytes", "1073741825", "must be at most 1073741824 (1 GiB)")]
    [InlineData("max_provider_response_bytes", "\"128MB\"", "must be an integer, found a string")]
    public void Parse_BadByteLimit_IsAnErrorNamingIt(string key, string value, string error)
    {
        Assert.Equal([$"`gateway.{key}`: {error}"], Errors($"""
            [gateway]
            {key} = {value}
            """));
    }

    [Fact]
    public void Parse_MaxProviderResponseBytes_IsReadWithItsDefault()
    {
        var gateway = Parse("""
            [gateway]
            max_provider_response_bytes = 65536
            """).Gateway;

        Assert.Equal(65536, gateway.MaxProviderResponseBytes);
        Assert.Equal(128 * 1024 * 1024, Parse("[gateway]").Gateway.MaxProviderResponseBytes);
    }

    [Fact]
    public void Parse_CorsOrigins_AreRead()
    {
        var gateway = Parse("""
            [gateway.cors]
            allowed_origins = ["https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3001"]
            """).Gateway;

        Assert.Equal(["https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3001"], gateway.CorsAllowedOrigins);
    }

    [Theory]
    [InlineData("*", "`*` would let any web page use the gateway's provider keys; list the origins that may call it, e.g. `https://app.example.com`")]
    [InlineData("app.example.com", "`app.example.com` is not an origin; write `scheme://host[:port]` with http or https, e.g. `https://app.example.com` or `http://localhost:5173`")]
    [InlineData("ftp://files.example.com", "`ftp://files.example.com` is not an origin; write `scheme://host[:port]` with http or https, e.g. `https://app.example.com` or `http://localhost:5173`")]
    [InlineData("https://app.example.com/", "`https://app.example.com/` is not written the way browsers send an origin; write `https://app.example.com` (no path, query, trailing `/`, user name or default port; lower case)")]
    [InlineData("https://app.example.com/ui", "`https://app.example.com/ui` is not written the way browsers send an origin; write `https://app.example.com` (no path, query, trailing `/`, user name or default port; lower case)")]
    [InlineData("https://app.example.com:443", "`https://app.example.com:443` is not written the way browsers send an origin; write `https://app.example.com` (no path, query, trailing `/`, user name or default port; lower case)")]
    [InlineData("https://App.Example.com", "`https://App.Example.com` is not written the way browsers send an origin; write `https://app.example.com` (no path, query, trailing `/`, user name or default port; lower case)")]
    [InlineData("https://user@app.example.com", "`https://user@app.example.com` is not written the way browsers send an origin; write `https://app.example.com` (no path, query, trailing `/`, user name or default port; lower case)")]
    public void Parse_BadCorsOrigin_IsAnErrorNamingItsIndex(string origin, string problem)
    {
        Assert.Equal([$"`gateway.cors.allowed_origins[1]`: {problem}"], Errors($$"""
            [gateway.cors]
            allowed_origins = ["http://localhost:5173", "{{origin}}"]
            """));
    }

    [Fact]
    public void Parse_CorsUnknownKey_IsAnError()
    {
        Assert.Contains("`gateway.cors.allow_credentials`", Assert.Single(Errors("""
            [gateway.cors]
            allowed_origins = []
            allow_credentials = true
            """)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Name:", "is not a valid header name")]
    [InlineData("X Space", "is not a valid header name")]
    [InlineData("", "is not a valid header name")]
    [InlineData("Naïve", "is not a valid header name")]
    public void Parse_ExtraHeaderNameThatCantBeSent_IsAnErrorAtEveryLevel(string name, string problem)
    {
        var errors = Errors($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "none"
            extra_headers = [{ name = "X-Fine", value = "1" }, { name = "{{name}}", value = "1" }]

            [embedding_models.e]
            routing = ["p"]
            [embedding_models.e.providers.p]
            type = "openai"
            model_name = "text-embedding-3-small"
            api_key_location = "none"
            extra_headers = [{ name = "{{name}}", delete = true }]

            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "m"
            extra_headers = [{ name = "{{name}}", value = "1" }]
            """);

        Assert.Equal(
        [
            $"`embedding_models.e.providers.p.extra_headers[0].name`: {problem}",
            $"`functions.f.variants.v.extra_headers[0].name`: {problem}",
            $"`models.m.providers.p.extra_headers[1].name`: {problem}",
        ], errors.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Content-Length")]
    [InlineData("Content-Type")]
    [InlineData("Expires")]
    public void Parse_BodyHeaderInConfigExtraHeaders_IsSkippedWithAWarning(string name)
    {
        var config = Parse($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "none"
            extra_headers = [{ name = "X-Fine", value = "1" }]

            [functions.f]
            type = "chat"
            [functions.f.variants.v]
            type = "chat_completion"
            model = "m"
            extra_headers = [{ name = "{{name}}", value = "2" }, { name = "X-Kept", value = "3" }]
            """);

        var variant = config.Functions["f"].Variants["v"];
        Assert.Equal(["X-Kept"], variant.ExtraHeaders.Select(h => h.Name));
        Assert.Contains($"`functions.f.variants.v.extra_headers[0].name` is skipped: `{name}` describes the request body, which the gateway sets itself", config.Warnings);
    }

    [Theory]
    [InlineData("a\\nb", "must not contain line breaks")]
    [InlineData("a\\u0000b", "must be printable ASCII (no control characters or non-ASCII letters)")]
    [InlineData("café", "must be printable ASCII (no control characters or non-ASCII letters)")]
    public void Parse_ExtraHeaderValueThatCantBeSent_IsAnError(string value, string problem)
    {
        Assert.Equal([$"`models.m.providers.p.extra_headers[0].value`: {problem}"], Errors($$"""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "none"
            extra_headers = [{ name = "X-A", value = "{{value}}" }]
            """));
    }

    [Fact]
    public void Parse_ExtraHeadersOperatorsUse_AreAccepted()
    {
        var config = Parse("""
            [models.m]
            routing = ["p"]
            [models.m.providers.p]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_key_location = "none"
            extra_headers = [{ name = "OpenAI-Organization", value = "org-1" }, { name = "anthropic-beta", value = "a, b; c=\"d\"" }, { name = "User-Agent", delete = true }]
            """);

        Assert.Equal(3, config.Models["m"].Providers["p"].ExtraHeaders.Count);
    }

    [Fact]
    public void Parse_SchemaFileTheLibraryRejects_IsAnErrorNotACrash()
    {
        var directory = Directory.CreateTempSubdirectory("tz-schema-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "tool.json"), """{"type":"object","surprise":true}""");

            var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
                [tools.t]
                description = "d"
                parameters = "tool.json"
                """, directory));

            Assert.Equal(
                "`tools.t.parameters`: the schema file `tool.json` is not a valid JSON Schema: Unknown keywords (surprise) are disallowed for this dialect.",
                Assert.Single(error.Errors));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
