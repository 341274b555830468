namespace TensorZero.Templates;

// The parsed form of a template. Every node keeps the source offset it starts at, so render errors can name a line
// and column. Filters and tests are bound to their implementation once, when the template is parsed.

internal abstract record Node(int Position);

internal sealed record TextNode(string Text, int Position) : Node(Position);

internal sealed record OutputNode(Expr Expr, int Position) : Node(Position);

internal sealed record IfBranch(Expr Condition, Node[] Body);

internal sealed record IfNode(IfBranch[] Branches, Node[]? Else, int Position) : Node(Position);

internal sealed record ForNode(string[] Targets, Expr Iterable, Expr? Filter, Node[] Body, Node[]? Else, int Position) : Node(Position);

internal sealed record SetNode(string[] Targets, Expr Value, int Position) : Node(Position);

internal sealed record SetBlockNode(string Target, Node[] Body, int Position) : Node(Position);

internal sealed record LoopControlNode(bool IsBreak, int Position) : Node(Position);

internal sealed record MacroNode(string Name, string[] Parameters, Expr?[] Defaults, Node[] Body, int Position) : Node(Position);

/// <summary><c>{% include name [ignore missing] %}</c>; the name may be a list of alternatives.</summary>
internal sealed record IncludeNode(Expr Name, bool IgnoreMissing, int Position) : Node(Position);

/// <summary><c>{% import name as alias %}</c>: the template's top-level variables and macros as one module value.</summary>
internal sealed record ImportNode(Expr Name, string Alias, int Position) : Node(Position);

/// <summary>One name of a <c>{% from ... import a, b as c %}</c>.</summary>
internal sealed record ImportedName(string Name, string? Alias)
{
    public string Target => Alias ?? Name;
}

internal sealed record FromImportNode(Expr Name, ImportedName[] Names, int Position) : Node(Position);

internal sealed record ExtendsNode(Expr Name, int Position) : Node(Position);

/// <summary>A <c>{% block %}</c>: rendered in place, unless a template extending this one overrides it.</summary>
internal sealed record BlockNode(string Name, bool Required, Node[] Body, int Position) : Node(Position);

internal abstract record Expr(int Position);

internal sealed record ConstExpr(Value Value, int Position) : Expr(Position);

internal sealed record VarExpr(string Name, int Position) : Expr(Position);

internal sealed record AttrExpr(Expr Target, string Name, int Position) : Expr(Position);

internal sealed record ItemExpr(Expr Target, Expr Key, int Position) : Expr(Position);

internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Position) : Expr(Position);

internal enum UnaryOp
{
    Not,
    Negate,
    Plus,
}

internal sealed record UnaryExpr(UnaryOp Op, Expr Operand, int Position) : Expr(Position);

internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
    Concat,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    NotIn,
    And,
    Or,
}

internal sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right, int Position) : Expr(Position);

internal sealed record CondExpr(Expr Test, Expr Then, Expr? Else, int Position) : Expr(Position);

internal sealed record ListExpr(Expr[] Items, int Position) : Expr(Position);

internal sealed record DictExpr(Expr[] Keys, Expr[] Values, int Position) : Expr(Position);

/// <summary>Arguments as written at a call site: positional ones, then <c>name=value</c> ones.</summary>
internal sealed record CallSyntax(Expr[] Positional, string[] KeywordNames, Expr[] KeywordValues)
{
    public static readonly CallSyntax None = new([], [], []);
}

internal sealed record FilterExpr(Expr Target, string Name, FilterFunction? Filter, CallSyntax Args, int Position) : Expr(Position);

internal sealed record TestExpr(Expr Target, string Name, TestFunction? Test, CallSyntax Args, bool Negated, int Position) : Expr(Position);

/// <summary>A call: a method such as <c>x.items()</c> or <c>loop.cycle(...)</c>, a function such as <c>range(n)</c>, or a macro.</summary>
internal sealed record CallExpr(Expr Callee, CallSyntax Args, int Position) : Expr(Position);
