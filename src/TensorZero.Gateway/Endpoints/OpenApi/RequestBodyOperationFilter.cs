using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TensorZero.Gateway.Endpoints.OpenApi;

/// <summary>Describes the JSON body of a route that reads it by hand (<see cref="RequestBodySchema"/>), with its schema.</summary>
internal sealed class RequestBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodySchema>().LastOrDefault() is not { } body)
        {
            return;
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(body.Type, context.SchemaRepository) },
            },
        };
    }
}
