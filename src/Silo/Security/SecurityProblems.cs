namespace OrleansRecorder.Silo.Security;

/// <summary>401, 403 and 413 as problem details, written by the authentication schemes and the auth request limits (never a redirect to a login page).</summary>
internal static class SecurityProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details }))
        {
            await context.Response.WriteAsJsonAsync(details, options: null, contentType: "application/problem+json");
        }
    }
}
