namespace TensorZero.Templates;

// The statements that bring in other templates (include, import, from, extends) and blocks, with MiniJinja's syntax:
// `with context` / `without context` are accepted and mean nothing, as in MiniJinja.
internal sealed partial class Parser
{
    private IncludeNode ParseInclude(int position)
    {
        var name = ParseExpression();
        var skippedContext = SkipContextMarker();
        var ignoreMissing = false;
        if (IsName("ignore"))
        {
            _index++;
            ExpectName("missing");
            ignoreMissing = true;
            if (!skippedContext)
            {
                SkipContextMarker();
            }
        }
        ExpectBlockEnd();
        return new IncludeNode(name, ignoreMissing, position);
    }

    private ImportNode ParseImport(int position)
    {
        var name = ParseExpression();
        ExpectName("as");
        var alias = ExpectIdentifier();
        SkipContextMarker();
        ExpectBlockEnd();
        return new ImportNode(name, alias, position);
    }

    private FromImportNode ParseFromImport(int position)
    {
        var name = ParseExpression();
        ExpectName("import");
        var names = new List<ImportedName>();
        while (!SkipContextMarker() && Current.Kind != TokenKind.BlockEnd)
        {
            if (names.Count > 0)
            {
                Expect(",");
                if (SkipContextMarker() || Current.Kind == TokenKind.BlockEnd)
                {
                    break;
                }
            }
            var imported = ExpectIdentifier();
            string? alias = null;
            if (IsName("as"))
            {
                _index++;
                alias = ExpectIdentifier();
            }
            names.Add(new ImportedName(imported, alias));
        }
        ExpectBlockEnd();
        return new FromImportNode(name, [.. names], position);
    }

    private ExtendsNode ParseExtends(int position)
    {
        var name = ParseExpression();
        ExpectBlockEnd();
        return new ExtendsNode(name, position);
    }

    private BlockNode ParseBlock(int position)
    {
        if (_macroDepth > 0)
        {
            throw _error(position, "block tags in macros are not allowed");
        }
        var nameToken = Current;
        var name = ExpectIdentifier();
        if (IsName("scoped"))
        {
            _index++;
        }
        var required = IsName("required");
        if (required)
        {
            _index++;
        }
        if (!_blockNames.Add(name))
        {
            throw _error(nameToken.Position, $"block `{name}` defined twice");
        }
        ExpectBlockEnd();
        var body = ParseBody(["endblock"], "block", position, out _);
        if (Current.Kind == TokenKind.Name)
        {
            if (Current.Text != name)
            {
                throw _error(Current.Position, $"mismatching name on `{{% endblock %}}`: got `{Current.Text}`, expected `{name}`");
            }
            _index++;
        }
        ExpectBlockEnd();
        if (required && !body.All(node => node is TextNode text && string.IsNullOrWhiteSpace(text.Text)))
        {
            throw _error(position, "required blocks can only contain comments or whitespace");
        }
        var block = new BlockNode(name, required, body, position);
        _blocks[name] = block;
        return block;
    }

    private bool SkipContextMarker()
    {
        if (!IsName("with") && !IsName("without"))
        {
            return false;
        }
        _index++;
        ExpectName("context");
        return true;
    }
}
