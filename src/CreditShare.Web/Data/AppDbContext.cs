using CreditShare.Web.Features.Accounts;
using CreditShare.Web.Features.Audit;
using CreditShare.Web.Features.Catalog;
using CreditShare.Web.Features.Certificates;
using CreditShare.Web.Features.Reporting;
using CreditShare.Web.Features.Schedules;
using CreditShare.Web.Features.Sharing;
using CreditShare.Web.Features.Subjects;
using CreditShare.Web.Features.Units;
using CreditShare.Web.Records;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CreditShare.Web.Data;

public class AppDbContext(DbContextOptions options) : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and token keys, shared by every app instance on the same database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Unit> Units => Set<Unit>();

    public DbSet<UnitContactChange> UnitContactChanges => Set<UnitContactChange>();

    public DbSet<ReportingAssignment> ReportingAssignments => Set<ReportingAssignment>();

    public DbSet<OnBehalfUnit> OnBehalfUnits => Set<OnBehalfUnit>();

    public DbSet<CatalogCategoryVersion> CatalogVersions => Set<CatalogCategoryVersion>();

    public DbSet<StaffSession> StaffSessions => Set<StaffSession>();

    public DbSet<AccountAction> AccountActions => Set<AccountAction>();

    public DbSet<IssuedCertificate> IssuedCertificates => Set<IssuedCertificate>();

    public DbSet<Features.Gateways.GatewayStatus> GatewayStatuses => Set<Features.Gateways.GatewayStatus>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AuditArchive> AuditArchives => Set<AuditArchive>();

    public DbSet<PendingAudit> PendingAudits => Set<PendingAudit>();

    public DbSet<Subject> Subjects => Set<Subject>();

    public DbSet<SubjectName> SubjectNames => Set<SubjectName>();

    public DbSet<CreditRecord> CreditRecords => Set<CreditRecord>();

    public DbSet<RecordVersion> RecordVersions => Set<RecordVersion>();

    public DbSet<Features.Public.CreditReport> CreditReports => Set<Features.Public.CreditReport>();

    public DbSet<ReportBatch> ReportBatches => Set<ReportBatch>();

    public DbSet<AbnormalEntry> AbnormalEntries => Set<AbnormalEntry>();

    public DbSet<ReportingSchedule> ReportingSchedules => Set<ReportingSchedule>();

    public DbSet<SharingGrant> SharingGrants => Set<SharingGrant>();

    public DbSet<SharingRestriction> SharingRestrictions => Set<SharingRestriction>();

    public DbSet<SharedRecordAccess> SharedRecordAccesses => Set<SharedRecordAccess>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<ShareExport> ShareExports => Set<ShareExport>();

    public DbSet<QueryRequest> QueryRequests => Set<QueryRequest>();

    public DbSet<RequestAttachment> RequestAttachments => Set<RequestAttachment>();

    public DbSet<Features.Credentials.CredentialApplication> CredentialApplications => Set<Features.Credentials.CredentialApplication>();

    public DbSet<Features.Credentials.TermsAcceptance> TermsAcceptances => Set<Features.Credentials.TermsAcceptance>();

    public DbSet<Features.Credentials.ExpiryReminder> ExpiryReminders => Set<Features.Credentials.ExpiryReminder>();

    public DbSet<Features.Credentials.RenewalRegistration> RenewalRegistrations => Set<Features.Credentials.RenewalRegistration>();

    public DbSet<Features.Credentials.RenewalRegistrationEntry> RenewalRegistrationEntries => Set<Features.Credentials.RenewalRegistrationEntry>();

    public DbSet<Features.Security.TrafficCount> TrafficCounts => Set<Features.Security.TrafficCount>();

    public DbSet<Features.Security.TrafficSubject> TrafficSubjects => Set<Features.Security.TrafficSubject>();

    public DbSet<Features.Security.AddressBlock> AddressBlocks => Set<Features.Security.AddressBlock>();

    public DbSet<Features.Security.ServiceSwitchState> ServiceSwitches => Set<Features.Security.ServiceSwitchState>();

    public DbSet<Features.Backups.RestoreDrill> RestoreDrills => Set<Features.Backups.RestoreDrill>();

    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}

/// <summary>The provider-specific contexts exist only so each provider has its own migrations folder.</summary>
public sealed partial class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);

public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);
