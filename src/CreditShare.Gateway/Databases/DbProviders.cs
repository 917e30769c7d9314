using System.Data.Common;

namespace CreditShare.Gateway.Databases;

/// <summary>
/// The ADO.NET providers a department's database may need. PostgreSQL, MySQL/MariaDB and SQLite come with the gateway;
/// any other (Oracle, 达梦, 人大金仓) is an ADO.NET provider whose assembly is placed next to the gateway and named by
/// its invariant name and factory type in the configuration (<c>DbProviderFactories:Name=Assembly-qualified type</c>).
/// </summary>
public static class DbProviders
{
    private static readonly Dictionary<string, DbProviderFactory> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["postgresql"] = Npgsql.NpgsqlFactory.Instance,
        ["mysql"] = MySqlConnector.MySqlConnectorFactory.Instance,
        ["mariadb"] = MySqlConnector.MySqlConnectorFactory.Instance,
        ["sqlite"] = Microsoft.Data.Sqlite.SqliteFactory.Instance,
    };

    public static DbProviderFactory Factory(string provider)
    {
        if (Known.TryGetValue(provider, out var factory))
        {
            return factory;
        }

        if (DbProviderFactories.TryGetFactory(provider, out var registered))
        {
            return registered;
        }

        throw new InvalidOperationException($"不认识的数据库类型“{provider}”：可用 postgresql、mysql、mariadb、sqlite，或在配置的 DbProviderFactories 中登记其他 ADO.NET 驱动");
    }

    /// <summary>Registers the providers named in configuration (<c>DbProviderFactories</c> section: invariant name → factory type).</summary>
    public static void Register(IConfiguration configuration)
    {
        foreach (var entry in configuration.GetSection("DbProviderFactories").GetChildren())
        {
            if (entry.Value is { Length: > 0 } typeName)
            {
                DbProviderFactories.RegisterFactory(entry.Key, typeName);
            }
        }
    }

    public static async Task<DbConnection> OpenAsync(string provider, string connectionString, CancellationToken cancellationToken)
    {
        var connection = Factory(provider).CreateConnection() ?? throw new InvalidOperationException($"数据库驱动“{provider}”无法建立连接");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
