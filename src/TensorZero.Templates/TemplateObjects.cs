namespace TensorZero.Templates;

/// <summary>The <c>loop</c> variable of a <c>for</c> block; the renderer moves <see cref="Index"/> along.</summary>
internal sealed class LoopState(IReadOnlyList<Value> items) : TemplateObject
{
    private Value[]? _lastChanged;

    public int Index { get; set; }

    public override string KindName => "loop";

    public override Value GetAttribute(string name) => name switch
    {
        "index" => Value.FromInt(Index + 1),
        "index0" => Value.FromInt(Index),
        "revindex" => Value.FromInt(items.Count - Index),
        "revindex0" => Value.FromInt(items.Count - Index - 1),
        "first" => Value.FromBool(Index == 0),
        "last" => Value.FromBool(Index == items.Count - 1),
        "length" => Value.FromInt(items.Count),
        "previtem" => Index > 0 ? items[Index - 1] : Value.Missing("previtem"),
        "nextitem" => Index < items.Count - 1 ? items[Index + 1] : Value.Missing("nextitem"),
        "depth" => Value.FromInt(1),
        "depth0" => Value.FromInt(0),
        _ => Value.Missing(name),
    };

    public override Value CallMethod(string name, Arguments args, Renderer renderer)
    {
        switch (name)
        {
            case "cycle":
                return args.Positional.Count == 0 ? Value.Undefined : args.Positional[Index % args.Positional.Count];
            case "changed":
                var current = args.Positional.ToArray();
                var changed = _lastChanged is null || !current.SequenceEqual(_lastChanged, ValueEquality.Instance);
                _lastChanged = current;
                return Value.FromBool(changed);
            default:
                return base.CallMethod(name, args, renderer);
        }
    }

    public override string ToString() => $"<loop {Index + 1}/{items.Count}>";

    private sealed class ValueEquality : IEqualityComparer<Value>
    {
        public static readonly ValueEquality Instance = new();

        public bool Equals(Value x, Value y) => Operators.LooseEquals(x, y);

        public int GetHashCode(Value obj) => 0;
    }
}

/// <summary>
/// A <c>{% macro %}</c>: calling it renders its body with the arguments bound to its parameters. It keeps the frames
/// that were in scope where it was defined and the template it was defined in, which may not be the caller's.
/// </summary>
internal sealed class Macro(MacroNode node, Dictionary<string, Value>[] scope, Template owner) : TemplateObject
{
    public MacroNode Node => node;

    public Dictionary<string, Value>[] Scope => scope;

    public Template Owner => owner;

    public override string KindName => "macro";

    public override Value Call(Arguments args, Renderer renderer) => Value.FromString(renderer.CallMacro(this, args));

    public override string ToString() => $"<macro {node.Name}>";
}

/// <summary>
/// What <c>{% import "name" as alias %}</c> binds: the imported template's top-level variables and macros as
/// attributes, and what it rendered as its text (MiniJinja's module object).
/// </summary>
internal sealed class Module(Dictionary<string, Value> exports, string output) : TemplateObject
{
    public override string KindName => "module";

    public override Value GetAttribute(string name) => exports.TryGetValue(name, out var value) ? value : Value.Missing(name);

    public override Value CallMethod(string name, Arguments args, Renderer renderer) => GetAttribute(name) switch
    {
        { Kind: ValueKind.Object } member => member.AsObject.Call(args, renderer),
        { IsUndefined: true } => throw new TemplateRuntimeException($"module has no macro `{name}`"),
        var member => throw new TemplateRuntimeException($"value of type {member.KindName} is not callable"),
    };

    public override string ToString() => output;
}
