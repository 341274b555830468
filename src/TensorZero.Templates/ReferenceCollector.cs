namespace TensorZero.Templates;

/// <summary>Finds the load statements of a template and the literal template names each one may load.</summary>
internal static class ReferenceCollector
{
    public static LoadStatement[] Collect(Node[] body, string templateName, Func<int, (int Line, int Column)> locate)
    {
        var found = new List<LoadStatement>();
        Visit(body, templateName, locate, found);
        return [.. found];
    }

    private static void Visit(Node[] nodes, string templateName, Func<int, (int Line, int Column)> locate, List<LoadStatement> found)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case IncludeNode include:
                    found.Add(Analyze(include.Name, TemplateReferenceKind.Include, include.IgnoreMissing, include.Position, templateName, locate));
                    break;
                case ImportNode import:
                    found.Add(Analyze(import.Name, TemplateReferenceKind.Import, false, import.Position, templateName, locate));
                    break;
                case FromImportNode fromImport:
                    found.Add(Analyze(fromImport.Name, TemplateReferenceKind.FromImport, false, fromImport.Position, templateName, locate));
                    break;
                case ExtendsNode extends:
                    found.Add(Analyze(extends.Name, TemplateReferenceKind.Extends, false, extends.Position, templateName, locate));
                    break;
                case IfNode conditional:
                    foreach (var branch in conditional.Branches)
                    {
                        Visit(branch.Body, templateName, locate, found);
                    }
                    Visit(conditional.Else ?? [], templateName, locate, found);
                    break;
                case ForNode loop:
                    Visit(loop.Body, templateName, locate, found);
                    Visit(loop.Else ?? [], templateName, locate, found);
                    break;
                case SetBlockNode setBlock:
                    Visit(setBlock.Body, templateName, locate, found);
                    break;
                case MacroNode macro:
                    Visit(macro.Body, templateName, locate, found);
                    break;
                case BlockNode block:
                    Visit(block.Body, templateName, locate, found);
                    break;
            }
        }
    }

    private static LoadStatement Analyze(
        Expr name, TemplateReferenceKind kind, bool ignoreMissing, int position, string templateName, Func<int, (int Line, int Column)> locate)
    {
        var names = new List<string>();
        var groups = new List<string[]>();
        var isDynamic = false;
        Possibilities(name, names, groups, ref isDynamic);
        var (line, column) = locate(position);
        var reference = new TemplateReference(templateName, kind, names.Distinct(StringComparer.Ordinal).ToArray(), isDynamic, ignoreMissing, line, column);
        return new LoadStatement(reference, [.. groups]);
    }

    /// <summary>
    /// What a name expression can evaluate to, as MiniJinja's static analysis sees it: a string literal, a list of
    /// alternatives, or either branch of a conditional. Anything else is only known at render time.
    /// </summary>
    private static void Possibilities(Expr expr, List<string> names, List<string[]> groups, ref bool isDynamic)
    {
        switch (expr)
        {
            case ConstExpr { Value.Kind: ValueKind.String } constant:
                names.Add(constant.Value.AsString);
                groups.Add([constant.Value.AsString]);
                break;
            case ListExpr list:
                var alternatives = new List<string>();
                var complete = true;
                foreach (var item in list.Items)
                {
                    if (item is ConstExpr { Value.Kind: ValueKind.String } literal)
                    {
                        alternatives.Add(literal.Value.AsString);
                    }
                    else
                    {
                        complete = false;
                    }
                }
                names.AddRange(alternatives);
                isDynamic |= !complete;
                if (complete && alternatives.Count > 0)
                {
                    groups.Add([.. alternatives]);
                }
                break;
            case CondExpr conditional:
                Possibilities(conditional.Then, names, groups, ref isDynamic);
                if (conditional.Else is not null)
                {
                    Possibilities(conditional.Else, names, groups, ref isDynamic);
                }
                break;
            default:
                isDynamic = true;
                break;
        }
    }
}
