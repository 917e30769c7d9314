using CreditShare.Web.Features.Demo;
using CreditShare.Web.Infrastructure;

if (Cli.RunBeforeHost(args) is { } exitCode)
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(Cli.IsCommand(args) ? [] : args);
builder.AddDevelopmentPki();
builder.AddTls();
builder.AddApplicationServices();
var app = builder.Build();

if (Cli.IsCommand(args))
{
    return await Cli.RunAsync(app, args);
}

if (app.Environment.IsDevelopment() || app.Configuration.GetValue("Database:MigrateOnStart", false))
{
    var seed = app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", true);
    await ApplicationSetup.MigrateAsync(app.Services, seed ? () => DemoSeed.RunAsync(app.Services, app.Logger) : null);
}

app.UseApplication();
app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
await app.RunAsync();
return 0;
