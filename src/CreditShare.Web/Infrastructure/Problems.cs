using CreditShare.Core;
using CreditShare.Core.Contract;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreditShare.Web.Infrastructure;

/// <summary>
/// RFC 9457 answers: a stable machine <c>code</c>, a Chinese <c>title</c>/<c>detail</c> for people, and field-level
/// <c>errors</c> as a list of { field, code, message }.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Validation(IEnumerable<FieldError> errors, string detail = "提交的内容未通过校验，请按字段提示修改") =>
        Create(StatusCodes.Status400BadRequest, "validation_failed", "请求内容有误", detail, errors);

    public static ProblemHttpResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "未找到", detail);

    public static ProblemHttpResult Forbidden(string code, string detail, IEnumerable<FieldError>? errors = null) =>
        Create(StatusCodes.Status403Forbidden, code, "不允许的操作", detail, errors);

    public static ProblemHttpResult Conflict(string code, string detail) =>
        Create(StatusCodes.Status409Conflict, code, "操作冲突", detail);

    public static ProblemHttpResult Create(int status, string code, string title, string detail, IEnumerable<FieldError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = ApiProblem.TypeFor(code) };
        problem.Extensions["code"] = code;
        problem.Extensions["errors"] = (errors ?? []).Select(e => new { field = e.Field, code = e.Code, message = e.Message }).ToList();
        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// Declares, for the OpenAPI document, the problem+json answers an endpoint (or every endpoint of a group) can give.
    /// Handlers answer <see cref="ProblemHttpResult"/>, which carries no status of its own, so each status is listed here.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiProblem), [ApiProblem.MediaType]));
        }

        return builder;
    }

    /// <summary>Gives every framework-made problem (404, 405, 401 …) a code and a Chinese title too.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var (code, title) = problem.Status switch
        {
            400 => ("bad_request", "请求格式错误"),
            401 => ("unauthenticated", "需要身份认证"),
            403 => ("forbidden", "无权访问"),
            404 => ("not_found", "未找到"),
            405 => ("method_not_allowed", "不支持的请求方法"),
            413 => ("payload_too_large", "请求内容过大"),
            415 => ("unsupported_media_type", "不支持的内容类型"),
            429 => ("too_many_requests", "请求过于频繁"),
            _ => ("server_error", "服务器内部错误"),
        };
        problem.Title = title;
        problem.Extensions["code"] = code;
        problem.Extensions.TryAdd("errors", Array.Empty<object>());
        problem.Extensions.Remove("exception");
    }
}

/// <summary>Turns unreadable request bodies into a clear 400 and a database outage into 503 instead of a 500; everything else is logged and hidden.</summary>
internal sealed class RequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (DatabaseOutage.Is(exception) && !httpContext.Response.HasStarted)
        {
            await DatabaseOutage.AnswerAsync(httpContext);
            return true;
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new ProblemDetails { Status = 413, Title = "请求内容过大", Detail = "请求正文超过允许的大小，请拆分后重试", Extensions = { ["code"] = "request.too_large", ["errors"] = Array.Empty<object>() } },
            });
        }

        var isJson = bad.InnerException is System.Text.Json.JsonException;
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "请求格式错误",
            Detail = isJson ? "请求正文不是有效的 JSON，或字段类型不符" : "请求无法解析",
        };
        problem.Extensions["code"] = isJson ? "request.malformed_json" : "request.malformed";
        problem.Extensions["errors"] = isJson
            ? [new { field = (bad.InnerException as System.Text.Json.JsonException)?.Path ?? "$", code = "request.malformed_json", message = "JSON 解析失败" }]
            : Array.Empty<object>();
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
