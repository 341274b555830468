using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace TensorZero.Templates;

/// <summary>
/// One render of a template: walks the node tree once, writing into a buffer. Variables are looked up in the frames
/// pushed by loops, macros, blocks and imports (innermost first), then in the JSON context. Statements run here,
/// expressions are evaluated in another part of this class, and what concerns other templates (include, import,
/// extends, blocks) in a third.
/// </summary>
internal sealed partial class Renderer
{
    /// <summary>How deep macro and block calls may nest, recursion included.</summary>
    private const int MaxCallDepth = 100;

    private readonly Template _root;
    private readonly JsonObject? _context;
    private List<Dictionary<string, Value>> _frames = [new(StringComparer.Ordinal)];
    private StringBuilder _output = new();
    private int _callDepth;

    /// <summary>The template whose nodes are running, so a failure is located in the right source.</summary>
    private Template _template;

    public Renderer(Template root, JsonObject? context)
    {
        _root = root;
        _template = root;
        _run = new TemplateRun(root);
        _context = context;
        Strict = root.UndefinedBehavior == UndefinedBehavior.Strict;
    }

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public bool Strict { get; }

    /// <summary>Source offset of the node being evaluated, so a failure can be reported with its location.</summary>
    public int Position { get; private set; }

    public string Render()
    {
        RunTemplate(_run, _root);
        return _output.ToString();
    }

    private Flow Execute(Node[] nodes)
    {
        foreach (var node in nodes)
        {
            var flow = Execute(node);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }
        return Flow.Normal;
    }

    private Flow Execute(Node node)
    {
        switch (node)
        {
            case TextNode text:
                _output.Append(text.Text);
                return Flow.Normal;
            case OutputNode output:
                var value = Evaluate(output.Expr);
                Position = output.Position;
                ValueFormatter.WriteDisplay(_output, CheckDefined(value));
                return Flow.Normal;
            case IfNode conditional:
                foreach (var branch in conditional.Branches)
                {
                    if (IsTrue(Evaluate(branch.Condition), branch.Condition.Position))
                    {
                        return Execute(branch.Body);
                    }
                }
                return conditional.Else is null ? Flow.Normal : Execute(conditional.Else);
            case ForNode loop:
                return ExecuteFor(loop);
            case SetNode set:
                Assign(set.Targets, Evaluate(set.Value), set.Position);
                return Flow.Normal;
            case SetBlockNode setBlock:
                _frames[^1][setBlock.Target] = Value.FromString(Capture(setBlock.Body));
                return Flow.Normal;
            case MacroNode macro:
                _frames[^1][macro.Name] = Value.FromObject(new Macro(macro, [.. _frames], _template));
                return Flow.Normal;
            case LoopControlNode control:
                return control.IsBreak ? Flow.Break : Flow.Continue;
            case IncludeNode include:
                ExecuteInclude(include);
                return Flow.Normal;
            case ImportNode import:
                ExecuteImport(import);
                return Flow.Normal;
            case FromImportNode fromImport:
                ExecuteFromImport(fromImport);
                return Flow.Normal;
            case ExtendsNode extends:
                ExecuteExtends(extends);
                return Flow.Normal;
            case BlockNode block:
                ExecuteBlock(block);
                return Flow.Normal;
            default:
                throw new InvalidOperationException($"unknown node {node.GetType().Name}");
        }
    }

    private Flow ExecuteFor(ForNode node)
    {
        var iterable = Evaluate(node.Iterable);
        Position = node.Iterable.Position;
        var items = Operators.Iterate(CheckDefined(iterable));
        _frames.Add(new Dictionary<string, Value>(StringComparer.Ordinal));
        try
        {
            if (node.Filter is not null)
            {
                items = items.Where(item =>
                {
                    Assign(node.Targets, item, node.Position);
                    return IsTrue(Evaluate(node.Filter), node.Filter.Position);
                }).ToArray();
            }
            if (items.Count == 0)
            {
                return node.Else is null ? Flow.Normal : Execute(node.Else);
            }
            var loop = new LoopState(items);
            _frames[^1]["loop"] = Value.FromObject(loop);
            for (var i = 0; i < items.Count; i++)
            {
                loop.Index = i;
                Assign(node.Targets, items[i], node.Position);
                if (Execute(node.Body) == Flow.Break)
                {
                    break;
                }
            }
            return Flow.Normal;
        }
        finally
        {
            _frames.RemoveAt(_frames.Count - 1);
        }
    }

    private void Assign(string[] targets, Value value, int position)
    {
        var frame = _frames[^1];
        if (targets.Length == 1)
        {
            frame[targets[0]] = value;
            return;
        }
        if (value.Kind != ValueKind.List || value.Count != targets.Length)
        {
            Position = position;
            var got = value.Kind == ValueKind.List ? $"a sequence of {value.Count} items" : $"a value of type {value.KindName}";
            throw new TemplateRuntimeException($"cannot unpack {got} into {targets.Length} variables");
        }
        for (var i = 0; i < targets.Length; i++)
        {
            frame[targets[i]] = value.ItemAt(i);
        }
    }

    private string Capture(Node[] body)
    {
        var saved = _output;
        _output = new StringBuilder();
        try
        {
            Execute(body);
            return _output.ToString();
        }
        finally
        {
            _output = saved;
        }
    }

    /// <summary>
    /// Renders a macro body in its own frame, seeing the scopes where the macro was defined (not the caller's) and
    /// the arguments. A failure inside is located in the macro's template.
    /// </summary>
    internal string CallMacro(Macro macro, Arguments args)
    {
        var node = macro.Node;
        args.Check(node.Parameters);
        EnterCall("macro", node.Name);
        var frame = new Dictionary<string, Value>(StringComparer.Ordinal);
        var (savedFrames, savedTemplate, savedPosition) = (_frames, _template, Position);
        _frames = [.. macro.Scope, frame];
        _template = macro.Owner;
        try
        {
            for (var i = 0; i < node.Parameters.Length; i++)
            {
                var value = args.Get(i, node.Parameters[i]);
                frame[node.Parameters[i]] = value.IsUndefined && node.Defaults[i] is { } fallback ? Evaluate(fallback) : value;
            }
            return Capture(node.Body);
        }
        catch (TemplateRuntimeException e)
        {
            throw macro.Owner.RuntimeError(e, Position);
        }
        finally
        {
            (_frames, _template, Position) = (savedFrames, savedTemplate, savedPosition);
            _callDepth--;
        }
    }

    private void EnterCall(string kind, string name)
    {
        if (_callDepth >= MaxCallDepth)
        {
            throw new TemplateRuntimeException($"recursion limit exceeded: {kind} `{name}` called more than {MaxCallDepth} levels deep");
        }
        EnsureStack();
        _callDepth++;
    }

    /// <summary>
    /// The backstop behind the depth limits: a render on a thread with a small stack fails with an error instead of
    /// overflowing it, which would end the process.
    /// </summary>
    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateRuntimeException("recursion limit exceeded: templates nest too deeply for the stack of this thread");
        }
    }

    private Value Lookup(string name)
    {
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            if (_frames[i].TryGetValue(name, out var value))
            {
                return value;
            }
        }
        return _context is not null && _context.TryGetPropertyValue(name, out var node) ? Value.FromJson(node) : Value.Missing(name);
    }

    /// <summary>Whether an attribute or item of <paramref name="owner"/> can be looked up; false means the result is undefined.</summary>
    private bool LookInto(Value owner, string key)
    {
        if (owner.Kind is not (ValueKind.Undefined or ValueKind.None))
        {
            return true;
        }
        if (Strict)
        {
            throw owner.IsUndefined
                ? UndefinedError(owner)
                : new TemplateRuntimeException($"cannot look up `{key}` on none");
        }
        return false;
    }

    public bool IsTrue(Value value, int position)
    {
        if (Strict && value.IsUndefined)
        {
            Position = position;
            throw UndefinedError(value);
        }
        return value.IsTruthy;
    }

    /// <summary>In strict mode, fails on an undefined value; otherwise returns it unchanged.</summary>
    public Value CheckDefined(Value value) => Strict && value.IsUndefined ? throw UndefinedError(value) : value;

    private static TemplateRuntimeException UndefinedError(Value value) =>
        new(value.MissingName is { } name ? $"undefined value: `{name}` is not defined" : "undefined value");
}
