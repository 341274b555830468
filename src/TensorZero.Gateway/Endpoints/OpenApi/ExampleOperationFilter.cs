using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TensorZero.Gateway.Endpoints.OpenApi;

/// <summary>Puts a route's <see cref="OpenApiExample"/> on its JSON request body and its 200 answer.</summary>
internal sealed class ExampleOperationFilter : IOperationFilter
{
    private const string Json = "application/json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<OpenApiExample>().LastOrDefault() is not { } example)
        {
            return;
        }
        if (example.Request is { } request && operation.RequestBody?.Content?.TryGetValue(Json, out var requestType) == true &&
            requestType is OpenApiMediaType requestMedia)
        {
            requestMedia.Example = JsonNode.Parse(request);
        }
        if (example.Response is { } response && operation.Responses?.TryGetValue("200", out var ok) == true &&
            ok.Content?.TryGetValue(Json, out var responseType) == true && responseType is OpenApiMediaType responseMedia)
        {
            responseMedia.Example = JsonNode.Parse(response);
        }
    }
}
