using CreditShare.Core.Contract;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) that units' systems and the gateway generate clients from. Endpoints say what
/// they answer with metadata (<c>WithName</c>, <c>Produces</c>, <see cref="Problems.ProducesProblems"/>); what metadata
/// cannot say — security per operation, a required query parameter the handler itself checks (to audit the refusal),
/// headers, raw bodies — the endpoints state with the <c>Document…</c> extensions below and the transformers write.
/// Linted with Redocly's recommended rules (docs/design.md).
/// </summary>
public static class OpenApiSetup
{
    public const string MutualTls = "mutualTLS";
    public const string StaffSession = "staffSession";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["单位"] = "单位名录、报送分配与代报关系（工作人员会话）",
        ["信息目录"] = "信用信息目录：类别、字段与版本（工作人员会话）",
        ["账号与角色"] = "工作人员账号与角色；需第二名安全管理员批准的变更（安全管理员会话）",
        ["客户端证书"] = "单位系统的客户端证书、CA 证书与吊销列表",
        ["单位系统接入"] = "单位系统以客户端证书（双向 TLS）接入的自检",
        ["审计"] = "审计日志查询与完整性校验（审计管理员会话）",
        ["数据报送"] = "数据源单位的系统以双向 TLS 报送信用信息、撤销记录、查看异常数据",
        ["公共查询"] = "公众查询：主体公示信息、信用报告的出具与核验（无需登录，限流）",
        ["数据共享"] = "数据使用单位的系统以双向 TLS 查询共享信息、读取增量变更、登记实时推送",
    };

    public static IServiceCollection AddCreditShareOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        // The host reads numbers sent as strings too (web defaults), so the generator writes "integer or numeric string"
        // for every number. That leniency is no part of the contract, and generators choke on the union (NSwag turns
        // defaults into strings): numbers are numbers.
        options.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Describe(operation, context);
            return Task.CompletedTask;
        });
    });

    /// <summary>A query parameter's meaning; <paramref name="required"/> where the handler refuses a call without it.</summary>
    public static TBuilder DocumentQuery<TBuilder>(this TBuilder builder, string name, string description, bool required = false)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ParameterDoc(name, description, required));

    /// <summary>A request header the handler reads (it is not bound, so the generator does not see it).</summary>
    public static TBuilder DocumentHeader<TBuilder>(this TBuilder builder, string name, string description, int maxLength)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new HeaderDoc(name, description, maxLength));

    /// <summary>A body the handler reads itself: text (CSV) or a file, rather than bound JSON.</summary>
    public static TBuilder DocumentRawBody<TBuilder>(this TBuilder builder, string mediaType, string description, bool binary)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RawBodyDoc(mediaType, description, binary));

    /// <summary>Headers of a response (the report number and verification code come back as headers of the PDF).</summary>
    public static TBuilder DocumentResponseHeader<TBuilder>(this TBuilder builder, int status, string name, string description)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ResponseHeaderDoc(status, name, description));

    private sealed record ParameterDoc(string Name, string Description, bool Required);

    private sealed record HeaderDoc(string Name, string Description, int MaxLength);

    private sealed record RawBodyDoc(string MediaType, string Description, bool Binary);

    private sealed record ResponseHeaderDoc(int Status, string Name, string Description);

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "CreditShare 公共信用信息共享平台接口";
        document.Info.Description = "单位系统接口以平台 CA 签发的客户端证书（双向 TLS）认证；工作人员接口使用登录会话（Cookie）；公共查询接口无需登录。"
            + "所有错误以 RFC 9457 application/problem+json 返回：code 为稳定的机器代码，title/detail 为中文说明，errors 列出字段级原因。";
        // Servers are the address the document was fetched from; a trailing slash would double every path's.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[MutualTls] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.MutualTLS,
            Description = "单位系统：出示平台 CA 为本单位签发、未吊销的客户端证书（HTTPS 端口）",
        };
        document.Components.SecuritySchemes[StaffSession] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = SameOriginApiCalls.SessionCookie,
            Description = "工作人员登录（密码与动态口令）后的会话 Cookie；跨站请求被拒绝",
        };
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;

        // The last word wins, as in the authorization middleware: AllowAnonymous on an endpoint beats its group's policy.
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        operation.Security = anonymous || policies.Count == 0
            ? [new OpenApiSecurityRequirement()] // {}: no credentials needed
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(policies.Contains(Policies.UnitSystem) ? MutualTls : StaffSession, document)] = [] }];

        foreach (var doc in metadata.OfType<ParameterDoc>())
        {
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name) is { } parameter)
            {
                parameter.Description = doc.Description;
                parameter.Required |= doc.Required;
            }
        }

        foreach (var doc in metadata.OfType<HeaderDoc>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = doc.Name,
                In = ParameterLocation.Header,
                Description = doc.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = doc.MaxLength },
            });
        }

        foreach (var doc in metadata.OfType<RawBodyDoc>())
        {
            var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody();
            body.Required = true;
            body.Description = doc.Description;
            body.Content ??= new Dictionary<string, OpenApiMediaType>();
            body.Content[doc.MediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = doc.Binary ? "binary" : null },
            };
            operation.RequestBody = body;
        }

        foreach (var doc in metadata.OfType<ResponseHeaderDoc>())
        {
            if (operation.Responses?.GetValueOrDefault(doc.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[doc.Name] = new OpenApiHeader { Description = doc.Description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        // Every answer says what it is: the generator leaves "OK" on problems, which tells a reader nothing.
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse concrete && ProblemDescriptions.TryGetValue(status, out var description)
                && concrete.Content?.ContainsKey(ApiProblem.MediaType) == true)
            {
                concrete.Description = description;
            }
        }

    }

    private static readonly Dictionary<string, string> ProblemDescriptions = new()
    {
        ["400"] = "请求内容有误（errors 列出字段级原因）",
        ["401"] = "未认证：缺少或无效的客户端证书或登录会话",
        ["403"] = "不允许：角色、单位类型或授权不允许此操作",
        ["404"] = "未找到",
        ["409"] = "与当前状态冲突",
        ["413"] = "请求正文过大",
        ["415"] = "不支持的内容类型",
        ["429"] = "请求过于频繁（见 Retry-After）",
    };
}
