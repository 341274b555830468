using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenApi;

/// <summary>
/// The OpenAPI document and UI: generated from the routes' metadata, valid, complete, with request and response
/// schemas, and served only when <c>[gateway.openapi] enabled</c> (or, absent, in Development).
/// </summary>
public sealed class OpenApiDocumentTests
{
    private const string Models = """
        [gateway]
        observability.enabled = false
        """;

    /// <summary>The gateway in another hosting environment than the test host's Development.</summary>
    private sealed class EnvironmentGatewayFactory(string config, string environment) : GatewayFactory(config)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
        }
    }

    private static async Task<OpenApiDocument> ReadDocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        var result = OpenApiDocument.Parse(json, OpenApiConstants.Json);
        Assert.Empty(result.Diagnostic!.Errors);
        return result.Document!;
    }

    [Fact]
    public async Task SwaggerJson_Development_ParsesAndValidatesWithoutErrors()
    {
        using var gateway = new GatewayFactory(Models);
        var client = gateway.CreateClient();

        var document = await ReadDocumentAsync(client);

        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.Equal("TensorZero Gateway", document.Info.Title);
    }

    [Fact]
    public async Task SwaggerJson_EveryMappedRoute_IsDocumentedWithSchemas()
    {
        using var gateway = new GatewayFactory(Models);
        var client = gateway.CreateClient();
        var document = await ReadDocumentAsync(client);

        var mapped = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => (Method: method, Path: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToHashSet();
        var documented = document.Paths
            .SelectMany(p => (p.Value.Operations ?? []).Select(o => (Method: o.Key.Method, Path: p.Key)))
            .ToHashSet();

        Assert.Contains(("GET", "/metrics"), mapped);
        Assert.Contains(("POST", "/inference"), mapped);
        Assert.True(mapped.Count >= 9, string.Join(", ", mapped));
        Assert.Equal(mapped.OrderBy(r => r.Path).ThenBy(r => r.Method), documented.OrderBy(r => r.Path).ThenBy(r => r.Method));
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var where = $"{method} {path}";
                Assert.False(string.IsNullOrEmpty(operation.OperationId), where);
                Assert.False(string.IsNullOrEmpty(operation.Summary), where);
                var ok = operation.Responses!["200"];
                Assert.True(ok.Content!.Values.All(c => c.Schema is not null), where);
                if (method == HttpMethod.Post)
                {
                    var body = Assert.Single(operation.RequestBody!.Content!);
                    Assert.Equal("application/json", body.Key);
                    Assert.NotNull(body.Value.Schema);
                    Assert.NotNull(body.Value.Example);
                }
            }
        }
    }

    [Fact]
    public async Task SwaggerJson_InferenceBody_UsesTheWireNames()
    {
        using var gateway = new GatewayFactory(Models);
        var client = gateway.CreateClient();

        var document = await ReadDocumentAsync(client);

        var request = document.Components!.Schemas!["InferenceRequestBody"];
        Assert.Contains("function_name", request.Properties!.Keys);
        Assert.Contains("episode_id", request.Properties.Keys);
        Assert.Contains("input", request.Required!);
        Assert.Contains("inference_id", document.Components.Schemas["InferenceResponseBody"].Properties!.Keys);
    }

    [Fact]
    public async Task SwaggerUi_Development_Answers()
    {
        using var gateway = new GatewayFactory(Models);
        var client = gateway.CreateClient();

        using var ui = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger", await ui.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Development", "[gateway]\nobservability.enabled = false\nopenapi.enabled = false")]
    [InlineData("Production", "[gateway]\nobservability.enabled = false")]
    public async Task Swagger_Off_Is404(string environment, string config)
    {
        using var gateway = new EnvironmentGatewayFactory(config, environment);
        var client = gateway.CreateClient();

        using var ui = await client.GetAsync("/swagger/index.html");
        using var json = await client.GetAsync("/swagger/v1/swagger.json");
        using var root = await client.GetAsync("/swagger");

        Assert.Equal(HttpStatusCode.NotFound, ui.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    [Fact]
    public async Task Swagger_ProductionSwitchedOn_Answers()
    {
        using var gateway = new EnvironmentGatewayFactory("[gateway]\nobservability.enabled = false\nopenapi.enabled = true", "Production");
        var client = gateway.CreateClient();

        await ReadDocumentAsync(client);
        using var ui = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }
}
