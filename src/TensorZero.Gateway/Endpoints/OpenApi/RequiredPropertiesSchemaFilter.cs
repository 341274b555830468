using System.Reflection;
using System.Text.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace TensorZero.Gateway.Endpoints.OpenApi;

/// <summary>
/// Marks a gateway body record's non-nullable properties (<c>string</c>, not <c>string?</c>; <c>Guid</c>, not <c>Guid?</c>)
/// as required, so the document says which fields a body must have.
/// </summary>
internal sealed class RequiredPropertiesSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } target || context.Type.Namespace?.StartsWith("TensorZero.Gateway", StringComparison.Ordinal) != true)
        {
            return;
        }
        var nullability = new NullabilityInfoContext();
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            if (target.Properties.ContainsKey(name) && nullability.Create(property).ReadState == NullabilityState.NotNull)
            {
                (target.Required ??= new SortedSet<string>(StringComparer.Ordinal)).Add(name);
            }
        }
    }
}
