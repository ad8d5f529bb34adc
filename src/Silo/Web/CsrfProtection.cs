using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Cross-site request forgery defence beyond the cookie's <c>SameSite=Strict</c> (issue 19, finding 7; the Fetch
/// Metadata and Origin checks of the OWASP CSRF cheat sheet): an unsafe request (POST, PUT, PATCH, DELETE) that a
/// browser could send with the cookie is refused (403) when its <c>Sec-Fetch-Site</c> is <c>cross-site</c> or its
/// <c>Origin</c> is not this node's own scheme://host:port. Requests with <c>X-Api-Key</c> carry no cookie (a
/// browser never adds that header on its own) and are exempt. Bodies must be JSON (415 otherwise): a cross-site HTML
/// form can only send form-encoded or text bodies, which no endpoint here reads.
/// </summary>
internal static class CsrfProtection
{
    /// <summary>Call before authentication.</summary>
    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(CheckAsync);

    private static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method))
        {
            await next(context);
            return;
        }

        if (!request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName) && ForeignReason(request) is { } reason)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused", reason);
            return;
        }

        if (ContentTypeProblem(context) is { } problem)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", problem);
            return;
        }

        await next(context);
    }

    /// <summary>Why the request comes from another site, or null when it does not.</summary>
    internal static string? ForeignReason(HttpRequest request)
    {
        if (string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return "The browser marked this request cross-site (Sec-Fetch-Site).";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null; // not sent by a browser, or a same-origin GET-like navigation the browser did not label
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            || uri.Port != (request.Host.Port ?? (request.IsHttps ? 443 : 80)))
        {
            return $"Origin '{origin}' is not this recorder ({request.Scheme}://{request.Host}).";
        }

        return null;
    }

    private static string? ContentTypeProblem(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method))
        {
            return null;
        }

        var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (hasBody && request.ContentLength == 0)
        {
            hasBody = false;
        }

        var isJson = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (hasBody && !isJson)
        {
            return "Send the body as application/json.";
        }

        if (!hasBody && request.ContentType is { Length: > 0 } && !isJson)
        {
            return "A request without a body must not declare a form or text content type.";
        }

        return null;
    }
}
