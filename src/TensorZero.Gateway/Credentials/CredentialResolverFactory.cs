using TensorZero.Gateway.Configuration;
namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Builds one <see cref="CredentialResolver"/> per provider at startup: reads every static location once, checks the
/// forms a provider type accepts, and collects every problem (with its TOML path, never a value) instead of stopping
/// at the first. Type defaults are resolved at most once per type and shared.
/// </summary>
public sealed class CredentialResolverFactory
{
    private readonly IEnvironmentVariables _environment;
    private readonly string _baseDirectory;
    private readonly ILoggerFactory _loggers;
    private readonly IReadOnlyDictionary<string, CredentialSpec> _typeDefaults;
    private readonly Dictionary<string, DefaultResolution> _resolvedDefaults = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SettingResolver? _settings;

    public CredentialResolverFactory(
        IEnvironmentVariables environment,
        string baseDirectory,
        IReadOnlyDictionary<string, CredentialSpec> typeDefaults,
        ILoggerFactory loggers)
    {
        _environment = environment;
        _baseDirectory = baseDirectory;
        _typeDefaults = typeDefaults;
        _loggers = loggers;
    }

    /// <summary>Where every key read at startup is registered, so provider errors are redacted of all of them.</summary>
    public SecretRegistry Secrets { get; init; } = new();

    /// <summary>Where every credentials file read here is added, so it is re-read when it changes or on <c>SIGHUP</c>.</summary>
    public CredentialFileReloader? Reloader { get; init; }

    /// <summary>
    /// Resolves providers' other credential-like settings (AWS IAM keys, regions, endpoints) from the same environment
    /// and registry, with the same location forms. Created on first use; two racing creations are equivalent.
    /// </summary>
    public SettingResolver Settings => _settings ??= new SettingResolver(_environment, Secrets);

    /// <summary>The resolver for a configured provider; problems are appended to <paramref name="errors"/>.</summary>
    public CredentialResolver? ForProvider(CredentialRules rules, CredentialSpec? explicitSpec, string providerPath, ICollection<string> errors)
    {
        if (explicitSpec is not null)
        {
            var problems = new List<string>();
            var resolver = Build(rules, explicitSpec, alternateVariable: null, $"`{providerPath}.{rules.CredentialField}`", problems);
            foreach (var problem in problems)
            {
                errors.Add($"`{providerPath}.{rules.CredentialField}`: {problem}");
            }
            return problems.Count == 0 ? resolver : null;
        }

        var resolution = ForType(rules);
        foreach (var problem in resolution.Problems)
        {
            errors.Add($"`{providerPath}`: {problem} ({resolution.Origin})");
        }
        return resolution.Resolver;
    }

    /// <summary>The memoised default credential of a provider type, as used by shorthand models such as <c>openai::gpt-4o</c>.</summary>
    public DefaultResolution ForType(CredentialRules rules)
    {
        lock (_gate)
        {
            if (!_resolvedDefaults.TryGetValue(rules.Type, out var resolution))
            {
                resolution = ResolveTypeDefault(rules);
                _resolvedDefaults[rules.Type] = resolution;
            }
            return resolution;
        }
    }

    /// <summary>Problems in <c>[provider_types]</c> tables that no provider needed yet (invalid forms are always reported).</summary>
    /// <param name="rulesOf">The credential rules of a registered provider type, or null for an unknown type.</param>
    public IEnumerable<string> ValidateTypeDefaultForms(Func<string, CredentialRules?> rulesOf)
    {
        foreach (var (type, spec) in _typeDefaults)
        {
            var rules = rulesOf(type);
            if (rules is null)
            {
                continue;
            }
            foreach (var member in Members(spec))
            {
                if (!rules.Accepts(member))
                {
                    yield return $"`provider_types.{type}.defaults.{rules.CredentialField}`: {FormProblem(rules, member)}";
                }
            }
        }
    }

    private DefaultResolution ResolveTypeDefault(CredentialRules rules)
    {
        var problems = new List<string>();
        if (_typeDefaults.TryGetValue(rules.Type, out var configured))
        {
            var resolver = Build(rules, configured, alternateVariable: null, $"`provider_types.{rules.Type}.defaults.{rules.CredentialField}`", problems);
            return new DefaultResolution(resolver, problems, $"from `provider_types.{rules.Type}.defaults.{rules.CredentialField}`");
        }
        var builtIn = Build(rules, rules.Default, rules.AlternateEnvVariable, $"the default credential of `{rules.Type}` providers", problems);
        return new DefaultResolution(builtIn, problems, $"the default credential of `{rules.Type}` providers");
    }

    /// <param name="field">What the credential is, for reload log lines: its TOML key, or the type whose default it is.</param>
    private CredentialResolver? Build(CredentialRules rules, CredentialSpec spec, string? alternateVariable, string field, List<string> problems)
    {
        var primary = BuildMember(rules, spec.Default, alternateVariable, field, problems);
        if (spec.Fallback is null)
        {
            return primary;
        }
        var fallback = BuildMember(rules, spec.Fallback, alternateVariable: null, $"{field} (fallback)", problems);
        if (primary is null || fallback is null)
        {
            return null;
        }
        return new FallbackCredentialResolver(primary, fallback, rules.DisplayName, _loggers.CreateLogger<CredentialResolver>());
    }

    private CredentialResolver? BuildMember(CredentialRules rules, CredentialLocation location, string? alternateVariable, string field, List<string> problems)
    {
        if (!rules.Accepts(location))
        {
            problems.Add(FormProblem(rules, location));
            return null;
        }
        switch (location)
        {
            case CredentialLocation.Env env:
                var variable = env.Variable;
                var lookup = Settings.ReadSecret(variable, out var secret);
                if (lookup == CredentialLookup.Missing && alternateVariable is not null)
                {
                    variable = alternateVariable;
                    lookup = Settings.ReadSecret(alternateVariable, out secret);
                }
                switch (lookup)
                {
                    case CredentialLookup.Found:
                        return new StaticCredentialResolver(CredentialKind.Static, secret!);
                    case CredentialLookup.NotSendable:
                        // A key with a line break would fail every request later; the value itself is never shown.
                        problems.Add($"environment variable `{variable}` {HeaderValues.NotSendableProblem}");
                        return null;
                    default:
                        problems.Add(alternateVariable is null
                            ? $"environment variable `{env.Variable}` is missing"
                            : $"environment variable `{env.Variable}` is missing (and so is `{alternateVariable}`)");
                        return null;
                }
            case CredentialLocation.PathFromEnv pathFromEnv:
                var path = Settings.Variable(pathFromEnv.Variable);
                if (path is null)
                {
                    problems.Add($"environment variable `{pathFromEnv.Variable}` (the path of a credentials file) is missing");
                    return null;
                }
                return ReadFile(path, rules, field, problems);
            case CredentialLocation.FilePath file:
                return ReadFile(file.Path, rules, field, problems);
            case CredentialLocation.Dynamic dynamic:
                return new DynamicCredentialResolver(dynamic.Key);
            case CredentialLocation.Sdk:
                return new FixedCredentialResolver(new ResolvedCredential(CredentialKind.Sdk, null));
            default:
                return new FixedCredentialResolver(ResolvedCredential.NoCredential);
        }
    }

    private FileCredentialResolver? ReadFile(string path, CredentialRules rules, string field, List<string> problems)
    {
        var file = ReloadableFileCredential.Load(
            path, Path.GetFullPath(path, _baseDirectory), field, sendsAsHeader: !rules.FileIsServiceAccountKey, rules.FileCheck, Secrets, out var problem);
        if (file is null)
        {
            problems.Add(problem!);
            return null;
        }
        Reloader?.Add(file);
        return new FileCredentialResolver(file);
    }

    private static string FormProblem(CredentialRules rules, CredentialLocation location) =>
        $"`{location.FormName}` can't be used for {rules.DisplayName} providers (use {rules.AllowedFormsText})";

    private static IEnumerable<CredentialLocation> Members(CredentialSpec spec) =>
        spec.Fallback is null ? [spec.Default] : [spec.Default, spec.Fallback];
}

/// <summary>The outcome of resolving a provider type's default credential once.</summary>
public sealed record DefaultResolution(CredentialResolver? Resolver, IReadOnlyList<string> Problems, string Origin);
