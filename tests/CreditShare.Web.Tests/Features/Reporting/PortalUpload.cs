using System.Net.Http.Headers;

namespace CreditShare.Web.Tests.Features.Reporting;

/// <summary>Uploads a file through the reporting portal's form, with its anti-forgery token, as a reporter's browser does.</summary>
public static class PortalUpload
{
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string category, byte[] bytes, string name)
    {
        var html = await client.GetStringAsync($"/Reporting/Upload?category={category}");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "Upload", name },
        };
        content.Add(new StringContent(token), "__RequestVerificationToken");
        return await client.PostAsync($"/Reporting/Upload?category={category}", content);
    }
}
