using System.Text;

namespace TensorZero.Templates;

// Templates that use other templates, with MiniJinja's semantics. An included or imported template runs in a frame of
// its own on top of the includer's, so it sees the includer's variables; that frame is its macros' closure. After an
// include, its top-level `set`s and macros are copied into the includer's scope; after an import, the frame becomes
// the module. After `extends` the rest of a template renders nothing, then the parent renders with the child's blocks
// in place of its own.
internal sealed partial class Renderer
{
    /// <summary>How deep includes and imports may nest: what stops a template that includes itself, directly or not.</summary>
    private const int MaxIncludeDepth = 50;

    /// <summary>The template of each include or import being run, outermost first; made by the first include.</summary>
    private List<string>? _includeStack;
    private TemplateRun _run;
    private BlockStack? _currentBlock;

    /// <summary>True while a <c>from ... import</c> runs a template only for its names: its blocks do not render.</summary>
    private bool _discarding;

    private bool SkipsBlocks => _run.Parent is not null || _discarding;

    /// <summary>Runs a template's nodes, then those of each parent it extends; a failure is located in whichever was running.</summary>
    private void RunTemplate(TemplateRun run, Template template)
    {
        var (savedRun, savedBlock, savedTemplate, savedPosition, output) = (_run, _currentBlock, _template, Position, _output);
        (_run, _currentBlock, _template) = (run, null, template);
        try
        {
            Execute(template.Body);
            while (run.Parent is { } parent)
            {
                run.Parent = null;
                _output = output;
                _template = parent;
                Execute(parent.Body);
            }
        }
        catch (TemplateRuntimeException e)
        {
            throw _template.RuntimeError(e, Position);
        }
        finally
        {
            (_run, _currentBlock, _template, Position, _output) = (savedRun, savedBlock, savedTemplate, savedPosition, output);
        }
    }

    private void ExecuteInclude(IncludeNode node)
    {
        var name = Evaluate(node.Name);
        Position = node.Position;
        if (Choose(CheckDefined(name), TemplateReferenceKind.Include, node.IgnoreMissing) is { } template)
        {
            var scope = new Dictionary<string, Value>(StringComparer.Ordinal);
            Include(template, scope);
            foreach (var (key, value) in scope)
            {
                _frames[^1][key] = value;
            }
        }
    }

    private void ExecuteImport(ImportNode node)
    {
        var name = Evaluate(node.Name);
        Position = node.Position;
        var template = Choose(CheckDefined(name), TemplateReferenceKind.Import, ignoreMissing: false);
        var exports = new Dictionary<string, Value>(StringComparer.Ordinal);
        var savedOutput = _output;
        _output = new StringBuilder();
        string text;
        try
        {
            if (template is not null)
            {
                Include(template, exports);
            }
            text = _output.ToString();
        }
        finally
        {
            _output = savedOutput;
        }
        _frames[^1][node.Alias] = Value.FromObject(new Module(exports, text));
    }

    private void ExecuteFromImport(FromImportNode node)
    {
        var name = Evaluate(node.Name);
        Position = node.Position;
        var template = Choose(CheckDefined(name), TemplateReferenceKind.FromImport, ignoreMissing: false);
        var exports = new Dictionary<string, Value>(StringComparer.Ordinal);
        var (savedOutput, savedDiscarding) = (_output, _discarding);
        (_output, _discarding) = (new StringBuilder(), true);
        try
        {
            if (template is not null)
            {
                Include(template, exports);
            }
        }
        finally
        {
            (_output, _discarding) = (savedOutput, savedDiscarding);
        }
        // As in MiniJinja, a name is looked up in the imported template, then in the importer's context; a name found
        // nowhere is undefined rather than an error.
        var values = node.Names.Select(imported => exports.TryGetValue(imported.Name, out var value) ? value : Lookup(imported.Name)).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            _frames[^1][node.Names[i].Target] = values[i];
        }
    }

    private void ExecuteExtends(ExtendsNode node)
    {
        var value = CheckDefined(Evaluate(node.Name));
        Position = node.Position;
        if (_run.Parent is not null)
        {
            throw new TemplateRuntimeException("tried to extend a second time in a template");
        }
        var name = TemplateName(value);
        if (!_run.Inheritance.Add(name))
        {
            throw new TemplateRuntimeException($"cycle in template inheritance: `{name}` was referenced more than once");
        }
        if (_run.Inheritance.Count > MaxIncludeDepth)
        {
            throw new TemplateRuntimeException($"recursion limit exceeded: templates extend each other more than {MaxIncludeDepth} levels deep");
        }
        var parent = Resolve(name) ?? throw NotFound(TemplateReferenceKind.Extends, [name]);
        foreach (var (blockName, block) in parent.Blocks)
        {
            if (_run.Blocks.TryGetValue(blockName, out var stack))
            {
                stack.Layers.Add((block, parent));
            }
            else
            {
                _run.Blocks[blockName] = new BlockStack(blockName, block, parent);
            }
        }
        _run.Parent = parent;
        // The rest of this template still runs (its `set`s, macros and imports are visible in the blocks) but renders nothing.
        _output = new StringBuilder();
    }

    private void ExecuteBlock(BlockNode block)
    {
        if (SkipsBlocks)
        {
            return;
        }
        Position = block.Position;
        CallBlock(_run.Blocks.TryGetValue(block.Name, out var stack) ? stack : new BlockStack(block.Name, block, _template));
    }

    /// <summary><c>self.name()</c>: renders the block as it stands (overridden or not) and returns its text.</summary>
    private string CallSelfBlock(string name)
    {
        if (SkipsBlocks)
        {
            return "";
        }
        if (!_run.Blocks.TryGetValue(name, out var stack))
        {
            throw new TemplateRuntimeException($"block `{name}` not found");
        }
        var saved = _output;
        _output = new StringBuilder();
        try
        {
            CallBlock(stack);
            return _output.ToString();
        }
        finally
        {
            _output = saved;
        }
    }

    /// <summary><c>super()</c>: renders the definition the current block overrides and returns its text.</summary>
    private string CallSuper()
    {
        if (_currentBlock is not { } stack)
        {
            throw new TemplateRuntimeException("cannot super outside of block");
        }
        if (stack.Depth + 1 >= stack.Layers.Count)
        {
            throw new TemplateRuntimeException("no parent block exists");
        }
        var saved = _output;
        _output = new StringBuilder();
        stack.Depth++;
        try
        {
            RunBlockLayer(stack);
            return _output.ToString();
        }
        finally
        {
            stack.Depth--;
            _output = saved;
        }
    }

    private void CallBlock(BlockStack stack)
    {
        if (stack.Layers[stack.Depth].Node.Required)
        {
            throw new TemplateRuntimeException($"required block `{stack.Name}` not found");
        }
        RunBlockLayer(stack);
    }

    /// <summary>Runs the block definition at the stack's depth in a frame of its own, located in the template that defines it.</summary>
    private void RunBlockLayer(BlockStack stack)
    {
        var (node, owner) = stack.Layers[stack.Depth];
        EnterCall("block", stack.Name);
        var (savedBlock, savedTemplate, savedPosition) = (_currentBlock, _template, Position);
        (_currentBlock, _template) = (stack, owner);
        _frames.Add(new Dictionary<string, Value>(StringComparer.Ordinal));
        try
        {
            Execute(node.Body);
        }
        catch (TemplateRuntimeException e)
        {
            throw owner.RuntimeError(e, Position);
        }
        finally
        {
            _frames.RemoveAt(_frames.Count - 1);
            (_currentBlock, _template, Position) = (savedBlock, savedTemplate, savedPosition);
            _callDepth--;
        }
    }

    /// <summary>Runs another template with <paramref name="scope"/> as its top-level frame, one include level deeper.</summary>
    private void Include(Template template, Dictionary<string, Value> scope)
    {
        _includeStack ??= [];
        if (_includeStack.Count >= MaxIncludeDepth)
        {
            throw new TemplateRuntimeException(
                $"recursion limit exceeded: includes and imports nest more than {MaxIncludeDepth} levels deep ({IncludeChain(template.Name)})");
        }
        EnsureStack();
        _includeStack.Add(template.Name);
        _frames.Add(scope);
        try
        {
            RunTemplate(new TemplateRun(template), template);
        }
        finally
        {
            _frames.RemoveAt(_frames.Count - 1);
            _includeStack.RemoveAt(_includeStack.Count - 1);
        }
    }

    /// <summary>
    /// The template a name value designates: a string, or a list of alternatives of which the first that exists wins.
    /// Null when none exists and that is allowed (<c>ignore missing</c>, or an empty list).
    /// </summary>
    private Template? Choose(Value name, TemplateReferenceKind kind, bool ignoreMissing)
    {
        var tried = new List<string>();
        foreach (var choice in name.Kind == ValueKind.List ? name.ListItems() : [name])
        {
            if (Resolve(TemplateName(choice)) is { } template)
            {
                return template;
            }
            tried.Add(choice.AsString);
        }
        return tried.Count > 0 && !ignoreMissing ? throw NotFound(kind, tried) : null;
    }

    private static string TemplateName(Value value) => value.Kind == ValueKind.String
        ? value.AsString
        : throw new TemplateRuntimeException($"template name must be a string, got {value.KindName}");

    private Template? Resolve(string name) => _root.Environment?.Resolve(name);

    private static TemplateRuntimeException NotFound(TemplateReferenceKind kind, IReadOnlyList<string> names) =>
        new(TemplateEnvironment.NotFoundMessage(kind, names), names);

    /// <summary>The include path that led here, cut after the first template seen twice: <c>`main` → `a` → `b` → `a`</c>.</summary>
    private string IncludeChain(string next)
    {
        var names = new List<string> { _root.Name };
        names.AddRange(_includeStack ?? []);
        names.Add(next);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var end = names.FindIndex(name => !seen.Add(name)) + 1;
        var shown = end > 0 ? names.Take(end) : names;
        return string.Join(" → ", shown.Select(name => $"`{name}`")) + (end > 0 && end < names.Count ? " → …" : "");
    }
}
