namespace TensorZero.Templates;

/// <summary>What a template does with a variable or attribute that is not in its context.</summary>
public enum UndefinedBehavior
{
    /// <summary>
    /// Undefined prints as the empty string, is falsy, iterates as empty, and looking up an attribute or item of it is
    /// undefined again (MiniJinja calls this mode <c>Chainable</c>).
    /// </summary>
    Lenient,

    /// <summary>
    /// Printing, testing the truth of, iterating over or looking into an undefined value is a render error; only
    /// <c>is defined</c>, <c>is undefined</c> and <c>default</c> accept it. This is what TensorZero configures.
    /// </summary>
    Strict,
}
