using Microsoft.AspNetCore.Http.Features;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// A small request body cap on <c>/api/auth</c>: these routes are anonymous, and a sign-in form is a few hundred bytes,
/// but Kestrel's default (30 MB) let one anonymous request parse a 28 MiB user name and hand it to the audit log.
/// </summary>
internal static class AuthRequestLimits
{
    /// <summary>A user name and a password with JSON around them; 8 KiB leaves room for any real one.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>Call before authentication and routing.</summary>
    public static IApplicationBuilder UseAuthRequestLimits(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api/auth", StringComparison.OrdinalIgnoreCase), branch => branch.Use(LimitAsync));

    private static async Task LimitAsync(HttpContext context, RequestDelegate next)
    {
        // A declared length over the cap is refused before a byte of the body is read.
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await TooLargeAsync(context);
            return;
        }

        // A chunked body is cut by Kestrel while it is read: the JSON binder then answers 413 without a body.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxBodyBytes;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLargeAsync(context);
        }
    }

    private static Task TooLargeAsync(HttpContext context) =>
        SecurityProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request too large",
            $"Requests to /api/auth are limited to {MaxBodyBytes} bytes.");
}
