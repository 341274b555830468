using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference.Functions;
using TensorZero.Templates;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Turns template arguments into prompt text: validates them once per request against the function's schemas, then
/// renders them with the chosen variant's templates. Plain text given to a role that has a template but no schema is
/// passed to the template as <c>{role}_text</c>; <c>raw_text</c> is never templated.
/// </summary>
public static class PromptRenderer
{
    /// <summary>
    /// Checks the input against the function's schemas as TensorZero does: a role with a schema validates whatever it
    /// is given (template arguments, or plain text as a JSON string), and arguments without a schema need a template
    /// of that name in some variant.
    /// </summary>
    public static void Validate(FunctionConfig function, InferenceInput input)
    {
        var schemas = function.Schemas;
        if (input.SystemArguments is { } systemArguments)
        {
            if (schemas.TryGetValue("system", out var schema))
            {
                Check(schema, systemArguments, "input.system");
            }
            else if (!AnyVariantHas(function, "system"))
            {
                throw GatewayError.InvalidRequest("System message has non-string content but there is no template `system` in any variant");
            }
        }
        else if (schemas.TryGetValue("system", out var schema))
        {
            Check(schema, input.System is { } text
                ? JsonValue.Create(text)
                : throw GatewayError.InvalidRequest("`input.system` is empty but a system template is present."), "input.system");
        }

        for (var i = 0; i < input.Messages.Count; i++)
        {
            var message = input.Messages[i];
            var role = RoleName(message.Role);
            // By index: a foreach over the interface boxes an enumerator per message of every request.
            for (var b = 0; b < message.Content.Count; b++)
            {
                switch (message.Content[b])
                {
                    case TemplateBlock template when schemas.TryGetValue(template.Name, out var schema):
                        Check(schema, template.Arguments, $"input.messages[{i}]");
                        break;
                    case TemplateBlock template when !AnyVariantHas(function, template.Name):
                        throw GatewayError.InvalidRequest(
                            $"Message at index {i} has non-string content but there is no template `{template.Name}` in any variant");
                    case TextBlock text when schemas.TryGetValue(role, out var schema):
                        Check(schema, JsonValue.Create(text.Text), $"input.messages[{i}]");
                        break;
                }
            }
        }
    }

    // Walked by index for every request: LINQ over the messages made closures and enumerators each time.
    private static bool HasTemplateOrRawText(IReadOnlyList<RequestMessage> messages)
    {
        for (var m = 0; m < messages.Count; m++)
        {
            var content = messages[m].Content;
            for (var b = 0; b < content.Count; b++)
            {
                if (content[b] is TemplateBlock or RawTextBlock)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public static (string? System, IReadOnlyList<RequestMessage> Messages) Render(FunctionConfig function, VariantRuntime variant, InferenceInput input)
    {
        var templates = variant.Templates;
        if (templates.Count == 0 && input.SystemArguments is null && !HasTemplateOrRawText(input.Messages))
        {
            return (input.System, input.Messages);
        }

        string? system = input.System;
        if (input.SystemArguments is { } systemArguments)
        {
            system = RenderWith(variant, "system", systemArguments);
        }
        else if (system is not null && templates.ContainsKey("system") && !function.Schemas.ContainsKey("system"))
        {
            system = RenderWith(variant, "system", new JsonObject { ["system_text"] = system });
        }

        var messages = new List<RequestMessage>(input.Messages.Count);
        foreach (var message in input.Messages)
        {
            var role = RoleName(message.Role);
            var wrapText = templates.ContainsKey(role) && !function.Schemas.ContainsKey(role);
            var content = message.Content.Select(block => block switch
            {
                TemplateBlock template => new TextBlock(RenderWith(variant, template.Name, template.Arguments)),
                RawTextBlock raw => new TextBlock(raw.Text),
                TextBlock text when wrapText => new TextBlock(RenderWith(variant, role, new JsonObject { [$"{role}_text"] = text.Text })),
                _ => block,
            }).ToList();
            messages.Add(message with { Content = content });
        }
        return (system, messages);
    }

    private static string RenderWith(VariantRuntime variant, string name, JsonObject arguments)
    {
        if (!variant.Templates.TryGetValue(name, out var template))
        {
            throw GatewayError.InvalidRequest($"Variant `{variant.Name}` has no template `{name}`");
        }
        try
        {
            return template.Render(arguments);
        }
        catch (TemplateException e)
        {
            throw GatewayError.InvalidRequest($"Failed to render template `{name}` of variant `{variant.Name}`: {e.Message}");
        }
    }

    private static void Check(JsonSchemaDocument schema, JsonNode arguments, string path)
    {
        using var document = JsonDocument.Parse(arguments.ToJsonString());
        if (schema.Validate(document.RootElement) is { } problems)
        {
            // Plain text where a schema wants arguments is the usual mistake: say how to send arguments.
            var hint = arguments is JsonValue
                ? $"\n(`{path}` is plain text, but the function has a schema for it: send template arguments instead)"
                : string.Empty;
            throw GatewayError.InvalidRequest($"JSON Schema validation failed for `{path}`:\n{problems}{hint}");
        }
    }

    private static bool AnyVariantHas(FunctionConfig function, string template) =>
        function.Variants.Values.SelectMany(v => v.PromptTables()).Any(v => v.Templates.ContainsKey(template));

    private static string RoleName(Role role) => role == Role.User ? "user" : "assistant";
}
