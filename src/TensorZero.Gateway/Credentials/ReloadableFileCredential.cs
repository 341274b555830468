namespace TensorZero.Gateway.Credentials;

/// <summary>The outcome of re-reading a credentials file.</summary>
public enum FileReloadOutcome
{
    /// <summary>The file holds a new valid value, which replaced the old one.</summary>
    Replaced,

    /// <summary>The file holds the value in use already.</summary>
    Unchanged,

    /// <summary>The file is missing, empty, unreadable or invalid; the old value stays in use.</summary>
    Failed,
}

/// <summary>
/// A credential read from a file (<c>path::</c>, <c>path_from_env::</c>) that can be re-read while the gateway runs.
/// The value is one reference swapped atomically: a request reads it once and keeps what it read, so in-flight
/// requests finish with the old value while new ones get the new one.
/// </summary>
public sealed class ReloadableFileCredential
{
    private readonly Func<Secret, string?>? _check;
    private readonly SecretRegistry _secrets;
    private Secret _current;

    private ReloadableFileCredential(string path, string fullPath, string field, bool sendsAsHeader, Func<Secret, string?>? check, SecretRegistry secrets, Secret current)
    {
        Path = path;
        FullPath = fullPath;
        Field = field;
        SendsAsHeader = sendsAsHeader;
        _check = check;
        _secrets = secrets;
        _current = current;
    }

    /// <summary>The path as configured, for messages.</summary>
    public string Path { get; }

    /// <summary>The absolute path that is re-read (a Kubernetes secret's symlink is followed on every read).</summary>
    public string FullPath { get; }

    /// <summary>What the credential is, for log lines: its TOML key, or the provider type whose default it is.</summary>
    public string Field { get; }

    /// <summary>Whether the value is sent in an HTTP header as it is (then it must be visible ASCII).</summary>
    public bool SendsAsHeader { get; }

    /// <summary>The value in use. Read it once per request.</summary>
    public Secret Current => Volatile.Read(ref _current);

    /// <summary>
    /// Reads the file for the first time. Returns null and sets <paramref name="problem"/> (naming the file, never
    /// its contents) when it can't be used.
    /// </summary>
    /// <param name="check">A further check of the contents (a GCP key file's JSON); returns a problem or null.</param>
    public static ReloadableFileCredential? Load(
        string path,
        string fullPath,
        string field,
        bool sendsAsHeader,
        Func<Secret, string?>? check,
        SecretRegistry secrets,
        out string? problem)
    {
        var value = Read(path, fullPath, sendsAsHeader, check: null, out problem);
        return value is null ? null : new ReloadableFileCredential(path, fullPath, field, sendsAsHeader, check, secrets, secrets.Register(value));
    }

    /// <summary>
    /// Re-reads the file. A new valid value is registered for redaction (the old one stays registered, since
    /// in-flight responses may still carry it) and then replaces the old one; anything else keeps the old one.
    /// </summary>
    public FileReloadOutcome Reload(out string? problem)
    {
        var value = Read(Path, FullPath, SendsAsHeader, _check, out problem);
        if (value is null)
        {
            return FileReloadOutcome.Failed;
        }
        if (value.Equals(Current))
        {
            return FileReloadOutcome.Unchanged;
        }
        Volatile.Write(ref _current, _secrets.Register(value));
        return FileReloadOutcome.Replaced;
    }

    private static Secret? Read(string path, string fullPath, bool sendsAsHeader, Func<Secret, string?>? check, out string? problem)
    {
        string contents;
        try
        {
            contents = File.ReadAllText(fullPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "it can't be read";
            problem = $"credentials file `{path}` is missing ({reason})";
            return null;
        }
        if (contents.Length == 0)
        {
            problem = $"credentials file `{path}` is empty";
            return null;
        }
        if (sendsAsHeader && !HeaderValues.IsSendable(contents))
        {
            problem = $"credentials file `{path}` {HeaderValues.NotSendableProblem}";
            return null;
        }
        var secret = new Secret(contents);
        problem = check?.Invoke(secret) is { } invalid ? $"credentials file `{path}`: {invalid}" : null;
        return problem is null ? secret : null;
    }
}

/// <summary>Resolves to the current value of a reloadable credentials file.</summary>
internal sealed class FileCredentialResolver(ReloadableFileCredential file) : CredentialResolver
{
    public ReloadableFileCredential File => file;

    public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
    {
        credential = new ResolvedCredential(CredentialKind.File, file.Current);
        unavailableReason = null;
        return true;
    }
}
