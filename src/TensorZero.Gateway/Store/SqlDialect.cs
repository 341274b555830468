using System.Data.Common;

namespace TensorZero.Gateway.Store;

/// <summary>What differs between the two engines: column types, how ids, JSON and times are bound and read.</summary>
public sealed class SqlDialect
{
    private SqlDialect(string name, bool postgres)
    {
        Name = name;
        IsPostgres = postgres;
    }

    public static readonly SqlDialect Sqlite = new("sqlite", false);

    public static readonly SqlDialect Postgres = new("postgres", true);

    /// <summary>The engine's name, as <c>/health</c> reports it.</summary>
    public string Name { get; }

    public bool IsPostgres { get; }

    /// <summary>DDL with <c>{uuid}</c>, <c>{json}</c>, <c>{ts}</c>, <c>{double}</c> replaced by this engine's types.</summary>
    public string Ddl(string template) => template
        .Replace("{uuid}", IsPostgres ? "UUID" : "TEXT", StringComparison.Ordinal)
        .Replace("{json}", IsPostgres ? "JSONB" : "TEXT", StringComparison.Ordinal)
        .Replace("{ts}", IsPostgres ? "TIMESTAMPTZ" : "TEXT", StringComparison.Ordinal)
        .Replace("{double}", IsPostgres ? "DOUBLE PRECISION" : "REAL", StringComparison.Ordinal);

    /// <summary>A parameter placeholder for a JSON column.</summary>
    public string Json(string parameter) => IsPostgres ? $"CAST({parameter} AS jsonb)" : parameter;

    public object Id(Guid id) => IsPostgres ? id : id.ToString("D");

    public object Time(DateTimeOffset time) => IsPostgres ? time.ToUniversalTime() : time.ToUniversalTime().ToString("O");

    public static Guid ReadId(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        Guid g => g,
        string s => Guid.Parse(s),
        var other => throw new InvalidOperationException($"unexpected id column type {other.GetType().Name}"),
    };

    public static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset d => d,
        string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"unexpected time column type {other.GetType().Name}"),
    };

    public static string? ReadText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? ReadLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
