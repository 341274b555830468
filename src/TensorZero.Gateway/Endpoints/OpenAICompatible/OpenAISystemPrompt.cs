using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// The system prompt gathered from every <c>system</c> and <c>developer</c> message, combined as TensorZero combines
/// them: text blocks (and <c>tensorzero::raw_text</c>) are joined with newlines; template arguments (a part without
/// <c>type</c>, a <c>text</c> part with <c>tensorzero::arguments</c>, or a <c>tensorzero::template</c> part, whatever its
/// name) fill the system template and must be the whole system prompt; anything else is refused.
/// </summary>
internal sealed class SystemPrompt
{
    // The first text as it is; a builder only once a second is joined to it (most requests have one system message).
    private string? _first;
    private StringBuilder? _joined;

    public string? Text => _joined?.ToString() ?? _first;

    /// <summary>The arguments of the function's system template, when the system prompt is a template.</summary>
    public JsonObject? Arguments { get; private set; }

    public bool IsSet => _first is not null || Arguments is not null;

    public void Add(IReadOnlyList<ContentBlock> blocks, string path)
    {
        for (var i = 0; i < blocks.Count; i++)
        {
            switch (blocks[i])
            {
                case TextBlock or RawTextBlock when Arguments is not null:
                    throw InvalidOpenAIRequest("Cannot add text after template system message");
                case TextBlock text:
                    Append(text.Text);
                    break;
                case RawTextBlock raw:
                    Append(raw.Text);
                    break;
                case TemplateBlock when IsSet:
                    throw InvalidOpenAIRequest("System message cannot contain template with other content");
                case TemplateBlock template:
                    Arguments = template.Arguments;
                    break;
                default:
                    // Both generations' wording, each whole, since clients match on either.
                    throw InvalidOpenAIRequest(
                        $"System message must contain only text or template content blocks (`{path}[{i}]` is neither).\n" +
                        InvalidRequestPrefix + "System message must be a text content block");
            }
        }
    }

    private void Append(string text)
    {
        if (_first is null)
        {
            _first = text;
        }
        else
        {
            (_joined ??= new StringBuilder(_first)).Append('\n').Append(text);
        }
    }
}
