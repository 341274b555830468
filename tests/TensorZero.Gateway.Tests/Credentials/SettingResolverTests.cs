using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>
/// Credential-like settings (regions, endpoints, AWS IAM keys) resolved by the credential layer with the location
/// forms of <see cref="CredentialLocation"/>: literal, <c>env::</c> read at startup, <c>dynamic::</c> per request.
/// </summary>
public sealed class SettingResolverTests
{
    private static SettingResolver Resolver(Dictionary<string, string>? environment = null, SecretRegistry? secrets = null) =>
        new(new FakeEnvironment(environment ?? []), secrets ?? new SecretRegistry());

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("https://bedrock.internal.example/")]
    [InlineData("env:ONE_COLON")]
    public void Resolve_LiteralValue_IsFixed(string text)
    {
        var problems = new List<string>();

        Assert.Equal(new SettingValue.Fixed(text), Resolver().Resolve(text, problems));
        Assert.Empty(problems);
    }

    [Fact]
    public void Resolve_Env_ReadsTheVariableNowAndNamesIt()
    {
        var problems = new List<string>();

        var value = Resolver(new() { ["MY_REGION"] = "eu-west-3" }).Resolve("env::MY_REGION", problems);

        Assert.Equal(new SettingValue.Fixed("eu-west-3", "MY_REGION"), value);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Resolve_EnvUnsetOrBlank_ReportsTheVariable(string? value)
    {
        var problems = new List<string>();
        var environment = value is null ? new Dictionary<string, string>() : new() { ["MY_REGION"] = value };

        Assert.Null(Resolver(environment).Resolve("env::MY_REGION", problems));
        Assert.Equal("environment variable `MY_REGION` is missing", Assert.Single(problems));
    }

    [Fact]
    public void Resolve_Dynamic_IsLookedUpPerRequest()
    {
        var value = Assert.IsType<SettingValue.Dynamic>(Resolver().Resolve("dynamic::aws_region", []));

        Assert.Equal("aws_region", value.Key);
        Assert.True(value.TryResolve(new RequestCredentials(new Dictionary<string, Secret> { ["aws_region"] = new("eu-west-3") }), out var region));
        Assert.Equal("eu-west-3", region);
        Assert.False(value.TryResolve(RequestCredentials.Empty, out _));
        Assert.False(value.TryResolve(new RequestCredentials(new Dictionary<string, Secret> { ["aws_region"] = new(" ") }), out _));
    }

    [Theory]
    [InlineData("path::/etc/region", "`path::` and `path_from_env::` are not supported here by this gateway (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("path_from_env::REGION_FILE", "`path::` and `path_from_env::` are not supported here by this gateway (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("sdk", "`sdk` can't be used here (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("none", "`none` can't be used here (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("dynamic::", "the name after `dynamic::` is empty (use a literal value, `env::` or `dynamic::`)")]
    [InlineData("env::", "the name after `env::` is empty (use a literal value, `env::` or `dynamic::`)")]
    public void Resolve_FormASettingCantUse_IsReported(string text, string problem)
    {
        var problems = new List<string>();

        Assert.Null(Resolver().Resolve(text, problems));
        Assert.Equal(problem, Assert.Single(problems));
    }

    [Fact]
    public void ReadSecret_Set_ReturnsItRegisteredForRedaction()
    {
        var secrets = new SecretRegistry();

        var lookup = Resolver(new() { ["MY_SECRET"] = "aws-secret-value-123" }, secrets).ReadSecret("MY_SECRET", out var secret);

        Assert.Equal(CredentialLookup.Found, lookup);
        Assert.Equal(new Secret("aws-secret-value-123"), secret);
        Assert.Equal("error: [REDACTED]", secrets.Scope(RequestCredentials.Empty).Redact("error: aws-secret-value-123"));
    }

    [Theory]
    [InlineData(null, CredentialLookup.Missing)]
    [InlineData(" ", CredentialLookup.Missing)]
    [InlineData("value\r\n", CredentialLookup.NotSendable)]
    [InlineData("välue", CredentialLookup.NotSendable)]
    public void ReadSecret_UnsetOrUnsendable_ReturnsNoSecret(string? value, CredentialLookup expected)
    {
        var secrets = new SecretRegistry();
        var environment = value is null ? new Dictionary<string, string>() : new() { ["MY_SECRET"] = value };

        Assert.Equal(expected, Resolver(environment, secrets).ReadSecret("MY_SECRET", out var secret));
        Assert.Null(secret);
        Assert.True(secrets.Patterns.IsEmpty);
    }
}
