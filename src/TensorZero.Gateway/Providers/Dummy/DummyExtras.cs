using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Dummy;

/// <summary>
/// <c>echo_extra_info</c> and <c>echo_injected_data</c>: the request's and the configuration's <c>extra_body</c> and
/// <c>extra_headers</c> as a dummy model received them, and as a real provider of the model would send them, in the
/// JSON shape of TensorZero's own types.
/// </summary>
public static class DummyExtras
{
    /// <summary>
    /// The variant's and the request's <c>extra_body</c> and <c>extra_headers</c>, before they are narrowed to a model
    /// and provider: <c>{"extra_body": {"extra_body"?, "inference_extra_body"}, "extra_headers": {"variant_extra_headers", "inference_extra_headers"}}</c>.
    /// A variant without items shows none (TensorZero tells an absent list from an empty one; this gateway does not).
    /// </summary>
    public static string ExtraInfo(ModelRequest request) => DummyEcho.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("extra_body"u8);
        if (request.ExtraBody.Count > 0)
        {
            writer.WriteStartArray("extra_body"u8);
            foreach (var item in request.ExtraBody)
            {
                WriteBodyItem(writer, item, null, null, null);
            }
            writer.WriteEndArray();
        }
        writer.WriteStartArray("inference_extra_body"u8);
        foreach (var extra in request.RequestExtraBody)
        {
            WriteBodyItem(writer, extra.Item, extra.VariantName, extra.ModelName, extra.ProviderName);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();

        writer.WriteStartObject("extra_headers"u8);
        if (request.ExtraHeaders.Count > 0)
        {
            writer.WriteStartArray("variant_extra_headers"u8);
            foreach (var item in request.ExtraHeaders)
            {
                WriteHeaderItem(writer, item, null, null, null);
            }
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("variant_extra_headers"u8);
        }
        writer.WriteStartArray("inference_extra_headers"u8);
        foreach (var extra in request.RequestExtraHeaders)
        {
            WriteHeaderItem(writer, extra.Item, extra.VariantName, extra.ModelName, extra.ProviderName);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    /// <summary>
    /// What a real provider of this model would send: <c>{"injected_body": {...}, "injected_headers": [[name, value], ...]}</c>,
    /// the variant's items first, then the provider's, then the request's that target this model and provider.
    /// </summary>
    public static string InjectedData(ModelRequest request, ProviderConfig config)
    {
        var body = new System.Text.Json.Nodes.JsonObject();
        JsonPointer.Apply(body, request.ExtraBody);
        ProviderExtras.Apply(body, request, config);
        var headers = new InjectedHeaders();
        headers.Apply(request.ExtraHeaders);
        headers.Apply(config.ExtraHeaders);
        headers.Apply(request.InferenceExtraHeaders);
        return DummyEcho.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("injected_body"u8);
            body.WriteTo(writer);
            writer.WriteStartArray("injected_headers"u8);
            foreach (var (name, value) in headers.Entries)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    // TensorZero's untagged request-time item: its filter fields first, then the pointer and the value or `"delete": true`.
    private static void WriteBodyItem(Utf8JsonWriter writer, ExtraBodyItem item, string? variant, string? model, string? provider)
    {
        writer.WriteStartObject();
        WriteTarget(writer, variant, model, provider);
        writer.WriteString("pointer"u8, item.Pointer);
        if (item.Delete)
        {
            writer.WriteBoolean("delete"u8, true);
        }
        else
        {
            writer.WritePropertyName("value"u8);
            if (item.Value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                item.Value.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteHeaderItem(Utf8JsonWriter writer, ExtraHeaderItem item, string? variant, string? model, string? provider)
    {
        writer.WriteStartObject();
        WriteTarget(writer, variant, model, provider);
        writer.WriteString("name"u8, item.Name);
        if (item.Delete)
        {
            writer.WriteBoolean("delete"u8, true);
        }
        else
        {
            writer.WriteString("value"u8, item.Value);
        }
        writer.WriteEndObject();
    }

    private static void WriteTarget(Utf8JsonWriter writer, string? variant, string? model, string? provider)
    {
        if (variant is not null)
        {
            writer.WriteString("variant_name"u8, variant);
        }
        else if (model is not null)
        {
            writer.WriteString("model_name"u8, model);
            Endpoints.JsonWriting.WriteText(writer, "provider_name", provider);
        }
    }

    /// <summary>
    /// Headers as an HTTP header map keeps them: lower-case names, a set replaces a present header in place, a delete
    /// moves the last header into the deleted one's place.
    /// </summary>
    private sealed class InjectedHeaders
    {
        public List<(string Name, string Value)> Entries { get; } = [];

        public void Apply(IEnumerable<ExtraHeaderItem> items)
        {
            foreach (var item in items)
            {
                var name = item.Name.ToLowerInvariant();
                var index = Entries.FindIndex(e => e.Name == name);
                if (item.Delete)
                {
                    if (index >= 0)
                    {
                        Entries[index] = Entries[^1];
                        Entries.RemoveAt(Entries.Count - 1);
                    }
                }
                else if (index >= 0)
                {
                    Entries[index] = (name, item.Value ?? string.Empty);
                }
                else
                {
                    Entries.Add((name, item.Value ?? string.Empty));
                }
            }
        }
    }
}
