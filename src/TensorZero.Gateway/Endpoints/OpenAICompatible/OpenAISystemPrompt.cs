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
    private StringBuilder? _text;

    public string? Text => _text?.ToString();

    /// <summary>The arguments of the function's system template, when the system prompt is a template.</summary>
    public JsonObject? Arguments { get; private set; }

    public bool IsSet => _text is not null || Arguments is not null;

    public void Add(IEnumerable<ContentBlock> blocks, string path)
    {
        var i = 0;
        foreach (var block in blocks)
        {
            switch (block)
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
            i++;
        }
    }

    private void Append(string text)
    {
        if (_text is null)
        {
            _text = new StringBuilder(text);
        }
        else
        {
            _text.Append('\n').Append(text);
        }
    }
}
