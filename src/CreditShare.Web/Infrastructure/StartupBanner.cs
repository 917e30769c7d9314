using CreditShare.Web.Features.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CreditShare.Web.Infrastructure;

/// <summary>Tells the person who just typed <c>dotnet run</c> where the platform is and how to get in.</summary>
public static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.WriteLine();
        Console.WriteLine("CreditShare 公共信用信息共享平台已启动");
        foreach (var address in addresses)
        {
            Console.WriteLine($"  控制台 / console:        {address}/");
        }

        var first = addresses.FirstOrDefault();
        if (first is not null)
        {
            Console.WriteLine($"  公示网站 / public site:   {first}/public");
        }

        var https = addresses.FirstOrDefault(a => a.StartsWith("https", StringComparison.Ordinal));
        if (https is not null)
        {
            Console.WriteLine($"  接口文档 / API reference: {https}/api-docs");
        }

        if (app.Environment.IsDevelopment() && File.Exists(DemoSeed.CredentialsFile))
        {
            Console.WriteLine();
            Console.WriteLine(File.ReadAllText(DemoSeed.CredentialsFile));
            Console.WriteLine("当前动态口令 / current TOTP code: dotnet run --project src/CreditShare.Web -- totp secadmin");
            var data = Path.GetFullPath("data");
            Console.WriteLine($"双向 TLS 示例 / mTLS example: curl --cacert {data}/pki/ca.crt --cert {data}/demo-certs/<USCC>.crt --key {data}/demo-certs/<USCC>.key {https ?? "https://localhost:5443"}/api/v1/machine/whoami");
        }

        Console.WriteLine();
    }
}
