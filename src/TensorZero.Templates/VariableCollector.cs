namespace TensorZero.Templates;

/// <summary>
/// Finds the context variables a template reads: every name used before the template binds it with <c>set</c>,
/// <c>for</c>, a macro parameter or an import, except <c>loop</c> inside loops, <c>self</c>, <c>super</c> inside
/// blocks and the global functions. As MiniJinja's undeclared variables, it does not look at the names of included
/// or extended templates, nor into those templates.
/// </summary>
internal static class VariableCollector
{
    public static IReadOnlySet<string> Collect(Node[] body)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        Visit(body, new HashSet<string>(StringComparer.Ordinal) { "self" }, found);
        return found;
    }

    private static void Visit(Node[] nodes, HashSet<string> bound, SortedSet<string> found)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case OutputNode output:
                    Visit(output.Expr, bound, found);
                    break;
                case IfNode conditional:
                    foreach (var branch in conditional.Branches)
                    {
                        Visit(branch.Condition, bound, found);
                        Visit(branch.Body, bound, found);
                    }
                    Visit(conditional.Else ?? [], bound, found);
                    break;
                case ForNode loop:
                    Visit(loop.Iterable, bound, found);
                    var inner = new HashSet<string>(bound, StringComparer.Ordinal) { "loop" };
                    inner.UnionWith(loop.Targets);
                    if (loop.Filter is not null)
                    {
                        Visit(loop.Filter, inner, found);
                    }
                    Visit(loop.Body, inner, found);
                    Visit(loop.Else ?? [], bound, found);
                    break;
                case SetNode set:
                    Visit(set.Value, bound, found);
                    bound.UnionWith(set.Targets);
                    break;
                case SetBlockNode setBlock:
                    Visit(setBlock.Body, bound, found);
                    bound.Add(setBlock.Target);
                    break;
                case MacroNode macro:
                    foreach (var fallback in macro.Defaults)
                    {
                        if (fallback is not null)
                        {
                            Visit(fallback, bound, found);
                        }
                    }
                    bound.Add(macro.Name);
                    var parameters = new HashSet<string>(bound, StringComparer.Ordinal);
                    parameters.UnionWith(macro.Parameters);
                    Visit(macro.Body, parameters, found);
                    break;
                case BlockNode block:
                    Visit(block.Body, new HashSet<string>(bound, StringComparer.Ordinal) { "super" }, found);
                    break;
                case ImportNode import:
                    bound.Add(import.Alias);
                    break;
                case FromImportNode fromImport:
                    bound.UnionWith(fromImport.Names.Select(imported => imported.Target));
                    break;
            }
        }
    }

    private static void Visit(Expr expr, HashSet<string> bound, SortedSet<string> found)
    {
        switch (expr)
        {
            case VarExpr variable when !bound.Contains(variable.Name):
                found.Add(variable.Name);
                break;
            case AttrExpr attribute:
                Visit(attribute.Target, bound, found);
                break;
            case ItemExpr item:
                Visit(item.Target, bound, found);
                Visit(item.Key, bound, found);
                break;
            case SliceExpr slice:
                foreach (var part in new[] { slice.Target, slice.Start, slice.Stop, slice.Step })
                {
                    if (part is not null)
                    {
                        Visit(part, bound, found);
                    }
                }
                break;
            case UnaryExpr unary:
                Visit(unary.Operand, bound, found);
                break;
            case BinaryExpr binary:
                Visit(binary.Left, bound, found);
                Visit(binary.Right, bound, found);
                break;
            case CondExpr conditional:
                Visit(conditional.Test, bound, found);
                Visit(conditional.Then, bound, found);
                if (conditional.Else is not null)
                {
                    Visit(conditional.Else, bound, found);
                }
                break;
            case ListExpr list:
                VisitAll(list.Items, bound, found);
                break;
            case DictExpr dict:
                VisitAll(dict.Keys, bound, found);
                VisitAll(dict.Values, bound, found);
                break;
            case FilterExpr filter:
                Visit(filter.Target, bound, found);
                VisitArguments(filter.Args, bound, found);
                break;
            case TestExpr test:
                Visit(test.Target, bound, found);
                VisitArguments(test.Args, bound, found);
                break;
            case CallExpr call:
                if (call.Callee is not VarExpr { Name: "range" or "dict" } || bound.Contains(((VarExpr)call.Callee).Name))
                {
                    Visit(call.Callee, bound, found);
                }
                VisitArguments(call.Args, bound, found);
                break;
        }
    }

    private static void VisitArguments(CallSyntax args, HashSet<string> bound, SortedSet<string> found)
    {
        VisitAll(args.Positional, bound, found);
        VisitAll(args.KeywordValues, bound, found);
    }

    private static void VisitAll(Expr[] exprs, HashSet<string> bound, SortedSet<string> found)
    {
        foreach (var expr in exprs)
        {
            Visit(expr, bound, found);
        }
    }
}
