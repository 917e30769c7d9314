using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CreditShare.Web.Features.Sharing;

internal sealed class SharingGrantConfiguration : IEntityTypeConfiguration<SharingGrant>
{
    public void Configure(EntityTypeBuilder<SharingGrant> builder)
    {
        builder.Property(g => g.CategoryCode).HasMaxLength(40);
        builder.Property(g => g.Purpose).HasMaxLength(500);
        builder.Property(g => g.RequestedBy).HasMaxLength(256);
        builder.Property(g => g.ReviewedBy).HasMaxLength(256);
        builder.Property(g => g.ReviewNote).HasMaxLength(500);
        builder.HasIndex(g => new { g.UnitId, g.Status });
    }
}

internal sealed class SharingRestrictionConfiguration : IEntityTypeConfiguration<SharingRestriction>
{
    public void Configure(EntityTypeBuilder<SharingRestriction> builder)
    {
        builder.Property(r => r.CategoryCode).HasMaxLength(40);
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.SourceUnitId, r.CategoryCode }).IsUnique();
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.Property(s => s.Url).HasMaxLength(500);
        builder.Property(s => s.SecretCipher).HasMaxLength(500);
        builder.Property(s => s.CreatedBy).HasMaxLength(256);
        builder.HasIndex(s => s.UnitId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.Change).HasMaxLength(16);
        builder.Property(d => d.Error).HasMaxLength(500);
        builder.HasIndex(d => new { d.SubscriptionId, d.Id });
    }
}

internal sealed class QueryRequestConfiguration : IEntityTypeConfiguration<QueryRequest>
{
    public void Configure(EntityTypeBuilder<QueryRequest> builder)
    {
        builder.Property(r => r.Number).HasMaxLength(32);
        builder.Property(r => r.Purpose).HasMaxLength(500);
        builder.Property(r => r.SubmittedBy).HasMaxLength(256);
        builder.Property(r => r.ReviewedBy).HasMaxLength(256);
        builder.Property(r => r.ReviewReason).HasMaxLength(500);
        builder.Property(r => r.FulfilledBy).HasMaxLength(256);
        builder.HasIndex(r => r.Number).IsUnique();
        builder.HasIndex(r => new { r.UnitId, r.Status });
    }
}

internal sealed class RequestAttachmentConfiguration : IEntityTypeConfiguration<RequestAttachment>
{
    public void Configure(EntityTypeBuilder<RequestAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(200);
        builder.Property(a => a.ContentType).HasMaxLength(100);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.Property(a => a.StoredName).HasMaxLength(100);
        builder.Property(a => a.UploadedBy).HasMaxLength(256);
        builder.HasIndex(a => a.RequestId);
    }
}
