namespace TensorZero.Gateway.Providers.Abstractions;

/// <summary>
/// An OpenAI custom tool (<c>type: "custom"</c>): the model calls it with free text, or with text in a grammar,
/// instead of JSON arguments. Only providers that declare <see cref="IModelProvider.SupportsCustomTools"/> receive them.
/// </summary>
public sealed record CustomToolDefinition(string Name, string? Description, CustomToolFormat? Format);

/// <summary>What a custom tool's input looks like: free text, or text that a grammar accepts.</summary>
public abstract record CustomToolFormat;

/// <summary>Unconstrained text (<c>{"type": "text"}</c>).</summary>
public sealed record CustomToolTextFormat : CustomToolFormat
{
    public static readonly CustomToolTextFormat Instance = new();
}

/// <summary>Text in a grammar (<c>{"type": "grammar"}</c>).</summary>
/// <param name="Syntax"><c>lark</c> or <c>regex</c>.</param>
/// <param name="Definition">The grammar itself.</param>
public sealed record CustomToolGrammarFormat(string Syntax, string Definition) : CustomToolFormat
{
    /// <summary>The grammar syntaxes OpenAI accepts.</summary>
    public static readonly IReadOnlyList<string> Syntaxes = ["lark", "regex"];
}
