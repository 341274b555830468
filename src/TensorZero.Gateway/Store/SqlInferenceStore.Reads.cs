using System.Data.Common;

namespace TensorZero.Gateway.Store;

public sealed partial class SqlInferenceStore
{
    // Both inference tables read as one, the function type in a column of its own.
    private string InferenceColumns(string toolParams, string outputSchema) =>
        $"id, episode_id, function_name, variant_name, {Text("input")}, {Text("output")}, {toolParams}, {outputSchema}, " +
        $"{Text("inference_params")}, {Text("tags")}, processing_time_ms, ttft_ms, created_at";

    // Each table is `i` to its WHERE clause, which filters' subqueries refer to.
    private string BothTables(string where) =>
        $"SELECT 'chat' AS function_type, {InferenceColumns(Text("tool_params"), "NULL")} FROM chat_inferences i WHERE {where} " +
        $"UNION ALL SELECT 'json', {InferenceColumns("NULL", Text("output_schema"))} FROM json_inferences i WHERE {where}";

    // JSON columns come back as text on both engines.
    private string Text(string column) => dialect.IsPostgres ? $"{column}::text" : column;

    public async Task<InferenceRow?> GetInferenceAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, BothTables("id = @id"));
        Add(command, "id", dialect.Id(id));
        var rows = await ReadInferencesAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<InferenceRow>> ListInferencesAsync(InferenceQuery query, CancellationToken cancellationToken)
    {
        var conditions = new List<string> { "1 = 1" };
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        if (query.FunctionName is { } function)
        {
            conditions.Add("function_name = @function_name");
            Add(command, "function_name", function);
        }
        if (query.VariantName is { } variant)
        {
            conditions.Add("variant_name = @variant_name");
            Add(command, "variant_name", variant);
        }
        if (query.EpisodeId is { } episode)
        {
            conditions.Add("episode_id = @episode_id");
            Add(command, "episode_id", dialect.Id(episode));
        }
        if (query.Ids is { } ids)
        {
            // One parameter per id: at most StoreEndpoints.MaxLimit of them.
            var names = new string[ids.Count];
            for (var i = 0; i < ids.Count; i++)
            {
                names[i] = "@id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Add(command, names[i][1..], dialect.Id(ids[i]));
            }
            conditions.Add(ids.Count == 0 ? "1 = 0" : $"id IN ({string.Join(", ", names)})");
        }
        AddCursors(conditions, command, "i.id", query.Before, query.After);
        var parameters = 0;
        if (query.Filter is { } filter)
        {
            conditions.Add(FilterSql(filter, command, ref parameters));
        }
        if (query.Search is { } search)
        {
            // The columns hold JSON text: the text is looked for as each engine's column writes it (SQLite keeps the
            // gateway's JSON; PostgreSQL writes JSONB back its own way).
            var escaped = dialect.IsPostgres ? JsonbText(search) : RowJson.Write(search, static (writer, text) => writer.WriteStringValue(text))[1..^1];
            var text = Parameter(command, ref parameters, escaped);
            conditions.Add(dialect.IsPostgres
                ? $"(strpos(lower(i.input::text), lower({text})) > 0 OR strpos(lower(i.output::text), lower({text})) > 0)"
                : $"(instr(lower(i.input), lower({text})) > 0 OR instr(lower(i.output), lower({text})) > 0)");
        }
        command.CommandText = query.Demonstrations
            ? $"SELECT inferences.*, demo.value FROM ({BothTables(string.Join(" AND ", conditions))}) AS inferences " +
              $"JOIN (SELECT target_id, {Text("value")} AS value, ROW_NUMBER() OVER (PARTITION BY target_id ORDER BY created_at DESC, id DESC) AS newest " +
              $"FROM demonstration_feedback) AS demo ON demo.target_id = inferences.id AND demo.newest = 1 {OrderBy(query, command, ref parameters)}"
            : $"SELECT * FROM ({BothTables(string.Join(" AND ", conditions))}) AS inferences {OrderBy(query, command, ref parameters)}";
        Add(command, "limit", query.Limit);
        Add(command, "offset", query.Offset);
        var rows = await ReadInferencesAsync(command, cancellationToken).ConfigureAwait(false);
        if (query.After is not null)
        {
            // Read in the inverted order to take the rows right after the cursor; answered in the order asked.
            rows.Reverse();
        }
        return rows;
    }

    // A filter as a condition on `i`, TensorZero's way: a metric filter holds when any feedback of that metric on the
    // inference (or its episode) compares as asked; every value is a parameter.
    private string FilterSql(InferenceFilter filter, DbCommand command, ref int parameters)
    {
        switch (filter)
        {
            case FloatMetricFilter f:
                return $"EXISTS (SELECT 1 FROM float_metric_feedback f WHERE f.target_id = {Target(f.Level)} AND f.metric_name = " +
                    $"{Parameter(command, ref parameters, f.MetricName)} AND f.value {f.Operator} {Parameter(command, ref parameters, f.Value)})";
            case BooleanMetricFilter b:
                return $"EXISTS (SELECT 1 FROM boolean_metric_feedback f WHERE f.target_id = {Target(b.Level)} AND f.metric_name = " +
                    $"{Parameter(command, ref parameters, b.MetricName)} AND f.value = {Parameter(command, ref parameters, b.Value)})";
            case DemonstrationFilter d:
                return $"{(d.HasDemonstration ? "" : "NOT ")}EXISTS (SELECT 1 FROM demonstration_feedback f WHERE f.target_id = i.id)";
            case TagFilter t:
            {
                var (key, value) = (Parameter(command, ref parameters, t.Key), Parameter(command, ref parameters, t.Value));
                // A tag that differs must still be there (TensorZero's `!=`).
                return dialect.IsPostgres
                    ? $"(i.tags ->> {key}) {(t.Equal ? "=" : "<>")} {value}"
                    : $"EXISTS (SELECT 1 FROM json_each(i.tags) WHERE json_each.key = {key} AND json_each.value {(t.Equal ? "=" : "<>")} {value})";
            }
            case TimeFilter t:
                return $"i.created_at {t.Operator} {Parameter(command, ref parameters, dialect.Time(t.Time))}";
            case AndFilter a:
                return a.Children.Count == 0 ? "1 = 1" : Join(a.Children, " AND ", command, ref parameters);
            case OrFilter o:
                return o.Children.Count == 0 ? "1 = 0" : Join(o.Children, " OR ", command, ref parameters);
            case NotFilter n:
                return $"NOT ({FilterSql(n.Child, command, ref parameters)})";
            default:
                throw new InvalidOperationException($"unknown filter {filter.GetType().Name}");
        }
    }

    private string Join(IReadOnlyList<InferenceFilter> children, string separator, DbCommand command, ref int parameters)
    {
        var parts = new string[children.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = FilterSql(children[i], command, ref parameters);
        }
        return "(" + string.Join(separator, parts) + ")";
    }

    // A text as PostgreSQL writes it inside a JSONB string: quotes, backslashes and control characters escaped,
    // everything else (non-ASCII letters, emoji) as it is.
    private static string JsonbText(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            var escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => null,
            };
            if (escape is null)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(escape);
            }
        }
        return builder.ToString();
    }

    // The page cursors: only ids of `column` before one, or after one.
    private void AddCursors(List<string> conditions, DbCommand command, string column, Guid? before, Guid? after)
    {
        if (before is { } b)
        {
            conditions.Add($"{column} < @before");
            Add(command, "before", dialect.Id(b));
        }
        if (after is { } a)
        {
            conditions.Add($"{column} > @after");
            Add(command, "after", dialect.Id(a));
        }
    }

    private static string Target(Configuration.MetricLevel level) => level == Configuration.MetricLevel.Episode ? "i.episode_id" : "i.id";

    private static string Parameter(DbCommand command, ref int parameters, object value)
    {
        var name = "filter" + (parameters++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Add(command, name, value);
        return "@" + name;
    }

    // The asked terms, then the id: ids are UUIDv7, so their order is the order of creation and they break the ties
    // left. A metric term orders by the newest value of the metric's feedback, inferences without one last
    // (TensorZero's NULLS LAST, in either direction). The page after a cursor is read in the inverted order (then
    // reversed), as TensorZero reads it.
    private static string OrderBy(InferenceQuery query, DbCommand command, ref int parameters)
    {
        var invert = query.After is not null;
        var terms = new List<string>(query.OrderBy.Count + 1);
        foreach (var term in query.OrderBy)
        {
            var direction = term.Ascending != invert ? "ASC" : "DESC";
            if (term.Metric is not { } metric)
            {
                terms.Add($"inferences.created_at {direction}");
                continue;
            }
            var table = metric.Type == Configuration.MetricType.Float ? "float_metric_feedback" : "boolean_metric_feedback";
            var target = metric.Level == Configuration.MetricLevel.Episode ? "inferences.episode_id" : "inferences.id";
            terms.Add($"(SELECT f.value FROM {table} f WHERE f.target_id = {target} AND f.metric_name = " +
                $"{Parameter(command, ref parameters, metric.Name)} ORDER BY f.created_at DESC, f.id DESC LIMIT 1) {direction} NULLS LAST");
        }
        terms.Add($"inferences.id {(invert ? "ASC" : "DESC")}");
        return $"ORDER BY {string.Join(", ", terms)} LIMIT @limit OFFSET @offset";
    }

    public async Task<IReadOnlyList<EpisodeRow>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var conditions = new List<string> { "1 = 1" };
        if (query.FunctionName is { } function)
        {
            conditions.Add("i.function_name = @function_name");
            Add(command, "function_name", function);
        }
        var parameters = 0;
        if (query.Filter is { } filter)
        {
            conditions.Add(FilterSql(filter, command, ref parameters));
        }
        AddCursors(conditions, command, "i.episode_id", query.Before, query.After);
        // The page of episodes first (ids are UUIDv7: newest first; the page after a cursor read the other way, then
        // reversed), then every inference of those episodes, whether or not it matched.
        var order = query.After is null ? "DESC" : "ASC";
        var where = string.Join(" AND ", conditions);
        var id = dialect.IsPostgres ? "id::text" : "id";
        command.CommandText =
            "WITH page AS (SELECT DISTINCT episode_id FROM (" +
            $"SELECT i.episode_id FROM chat_inferences i WHERE {where} UNION ALL SELECT i.episode_id FROM json_inferences i WHERE {where}" +
            $") matched ORDER BY episode_id {order} LIMIT @limit), " +
            "episode_inferences AS (" +
            $"SELECT episode_id, {id} AS id, created_at FROM chat_inferences WHERE episode_id IN (SELECT episode_id FROM page) UNION ALL " +
            $"SELECT episode_id, {id} AS id, created_at FROM json_inferences WHERE episode_id IN (SELECT episode_id FROM page)) " +
            "SELECT episode_id, COUNT(*), MIN(created_at), MAX(created_at), MAX(id) FROM episode_inferences " +
            $"GROUP BY episode_id ORDER BY episode_id {order}";
        Add(command, "limit", query.Limit);
        var rows = new List<EpisodeRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new EpisodeRow(SqlDialect.ReadId(reader, 0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    SqlDialect.ReadTime(reader, 2), SqlDialect.ReadTime(reader, 3), SqlDialect.ReadId(reader, 4)));
            }
        }
        if (query.After is not null)
        {
            rows.Reverse();
        }
        return rows;
    }

    public async Task<bool> EpisodeExistsAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        var rows = await ListInferencesAsync(new InferenceQuery(null, null, episodeId, null, 1), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public async Task<IReadOnlyList<ModelInferenceRow>> ListModelInferencesAsync(Guid inferenceId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            $"SELECT id, inference_id, raw_request, raw_response, system, {Text("input_messages")}, {Text("output")}, input_tokens, output_tokens, " +
            "response_time_ms, model_name, model_provider_name, ttft_ms, finish_reason, error, created_at, cached FROM model_inferences " +
            "WHERE inference_id = @inference_id ORDER BY id");
        Add(command, "inference_id", dialect.Id(inferenceId));
        var rows = new List<ModelInferenceRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ModelInferenceRow(
                SqlDialect.ReadId(reader, 0), SqlDialect.ReadId(reader, 1), reader.GetString(2), reader.GetString(3),
                SqlDialect.ReadText(reader, 4), reader.GetString(5), reader.GetString(6), SqlDialect.ReadLong(reader, 7),
                SqlDialect.ReadLong(reader, 8), SqlDialect.ReadLong(reader, 9), reader.GetString(10), reader.GetString(11),
                SqlDialect.ReadLong(reader, 12), SqlDialect.ReadText(reader, 13), SqlDialect.ReadText(reader, 14), SqlDialect.ReadTime(reader, 15))
            {
                Cached = reader.GetBoolean(16),
            });
        }
        return rows;
    }

    public async Task<IReadOnlyList<FeedbackRow>> ListFeedbackAsync(Guid targetId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken).ConfigureAwait(false);
        var value = dialect.IsPostgres ? "value::text" : "CAST(value AS TEXT)";
        await using var command = Command(connection, null,
            $"SELECT id, target_id, '' AS target_type, metric_name, 'boolean' AS kind, CASE WHEN value THEN 'true' ELSE 'false' END, {Text("tags")}, created_at FROM boolean_metric_feedback WHERE target_id = @id " +
            $"UNION ALL SELECT id, target_id, '', metric_name, 'float', {value}, {Text("tags")}, created_at FROM float_metric_feedback WHERE target_id = @id " +
            $"UNION ALL SELECT id, target_id, target_type, 'comment', 'comment', value, {Text("tags")}, created_at FROM comment_feedback WHERE target_id = @id " +
            $"UNION ALL SELECT id, target_id, 'inference', 'demonstration', 'demonstration', {Text("value")}, {Text("tags")}, created_at FROM demonstration_feedback WHERE target_id = @id " +
            "ORDER BY id");
        Add(command, "id", dialect.Id(targetId));
        var rows = new List<FeedbackRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new FeedbackRow(
                SqlDialect.ReadId(reader, 0), SqlDialect.ReadId(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), SqlDialect.ReadTime(reader, 7)));
        }
        return rows;
    }

    private static async Task<List<InferenceRow>> ReadInferencesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<InferenceRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // A demonstration, when asked for, follows the inference's columns.
        var demonstration = reader.FieldCount > 14;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new InferenceRow(
                Id: SqlDialect.ReadId(reader, 1),
                EpisodeId: SqlDialect.ReadId(reader, 2),
                FunctionName: reader.GetString(3),
                VariantName: reader.GetString(4),
                FunctionType: reader.GetString(0),
                Input: reader.GetString(5),
                Output: reader.GetString(6),
                ToolParams: SqlDialect.ReadText(reader, 7),
                OutputSchema: SqlDialect.ReadText(reader, 8),
                InferenceParams: reader.GetString(9),
                Tags: reader.GetString(10),
                ProcessingTimeMs: SqlDialect.ReadLong(reader, 11),
                TtftMs: SqlDialect.ReadLong(reader, 12),
                CreatedAt: SqlDialect.ReadTime(reader, 13));
            rows.Add(demonstration ? row with { Output = reader.GetString(14), DispreferredOutput = row.Output } : row);
        }
        return rows;
    }
}
